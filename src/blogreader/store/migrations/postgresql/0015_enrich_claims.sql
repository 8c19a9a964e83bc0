-- Twin of ../0015_enrich_claims.sql: enrichment claimed a window of entries at a time.

CREATE TABLE enrich_claims (
    entry_id      BIGINT PRIMARY KEY REFERENCES entries (id) ON DELETE CASCADE DEFERRABLE INITIALLY IMMEDIATE,
    owner         TEXT COLLATE "C" NOT NULL,
    claimed_until TEXT COLLATE "C" NOT NULL
);
CREATE INDEX enrich_claims_by_owner ON enrich_claims (owner);
