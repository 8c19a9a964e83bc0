-- Categories are matched without regard to case ("rl" finds "RL"): an index that can answer that.

DROP INDEX IF EXISTS entries_by_category;
CREATE INDEX entries_by_category ON entries (category COLLATE NOCASE, sort_date DESC);
