-- Who decided an entry is a promotion ('auto' or 'user'), and when an entry was last enriched.

ALTER TABLE entries ADD COLUMN promo_origin TEXT;
ALTER TABLE entries ADD COLUMN enriched_at TEXT;
CREATE INDEX entries_unenriched ON entries (id) WHERE enriched_at IS NULL;
CREATE INDEX entries_by_category ON entries (category);
