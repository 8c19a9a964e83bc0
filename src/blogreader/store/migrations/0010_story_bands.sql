-- Near-duplicates by content: each entry's MinHash LSH band keys, one row per band, so the entries that
-- may be copies of a new one are found by an indexed lookup rather than a scan. Entries stored before
-- this migration have no bands; their fingerprint (the opening words) still finds them.

CREATE TABLE entry_bands (
    band     INTEGER NOT NULL,
    key      INTEGER NOT NULL,
    entry_id INTEGER NOT NULL REFERENCES entries (id) ON DELETE CASCADE,
    PRIMARY KEY (band, key, entry_id)
) WITHOUT ROWID;
CREATE INDEX entry_bands_by_entry ON entry_bands (entry_id);

-- Reading one copy of a story reads them all: the copies of a story are found from the one shown.
CREATE INDEX entries_by_duplicate_of ON entries (duplicate_of) WHERE duplicate_of IS NOT NULL;
