-- The background scheduler: when each source is due, why, and which process holds it right now.
-- Consecutive failures are the existing error_count (reset by every successful fetch).

ALTER TABLE sources ADD COLUMN next_poll_at TEXT;    -- NULL: due now (never scheduled)
ALTER TABLE sources ADD COLUMN poll_interval INTEGER; -- seconds, as last planned
ALTER TABLE sources ADD COLUMN poll_reason TEXT;      -- why that interval, shown by `blogreader sources`
ALTER TABLE sources ADD COLUMN lease_owner TEXT;      -- the process polling the source now
ALTER TABLE sources ADD COLUMN lease_until TEXT;      -- after this, a dead owner's claim lapses

CREATE INDEX sources_by_next_poll ON sources (next_poll_at) WHERE disabled = 0;
