-- A fingerprint of each post's opening words, to link the same post syndicated elsewhere to its first copy.

ALTER TABLE entries ADD COLUMN fingerprint TEXT;
CREATE INDEX entries_by_fingerprint ON entries (fingerprint) WHERE fingerprint IS NOT NULL;
