-- What each digest (by ISO week) and each readme month published, and when: the next digest never offers
-- an entry again, and a starred entry nothing has published yet is carried forward.

CREATE TABLE published (
    entry_id     INTEGER NOT NULL REFERENCES entries (id) ON DELETE CASCADE,
    output       TEXT NOT NULL CHECK (output IN ('digest', 'readme')),
    period       TEXT NOT NULL,  -- '2026-W15' for a digest, '2026-03' for a readme month
    published_at TEXT NOT NULL,  -- the first time it was published in that period
    PRIMARY KEY (entry_id, output, period)
) WITHOUT ROWID;

CREATE INDEX published_by_period ON published (output, period);
