-- Items with neither guid nor link are found by a hash of their text. Without an index that lookup
-- scanned every entry of the source, so a feed of many link-less items cost the square of its size.

CREATE INDEX IF NOT EXISTS entries_by_content_hash ON entries (content_hash);
