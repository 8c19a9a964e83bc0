-- Enrichment is claimed a window of entries at a time, as sources are: several workers (or a worker and a
-- `fetch`) enrich different entries, never the same ones at once. A claim names its process (owner, as a
-- source's lease does) and ends at claimed_until: one whose process is gone is freed by the next run on
-- that host, one that runs out is taken again. Enriched entries lose their claim; a deleted entry takes
-- its claim with it.

CREATE TABLE enrich_claims (
    entry_id      INTEGER PRIMARY KEY REFERENCES entries (id) ON DELETE CASCADE,
    owner         TEXT NOT NULL,
    claimed_until TEXT NOT NULL
);
CREATE INDEX enrich_claims_by_owner ON enrich_claims (owner);
