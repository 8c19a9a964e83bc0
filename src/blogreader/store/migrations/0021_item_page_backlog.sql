-- A roundup's bare items (a title and an address, no words of the roundup's own) are summed up from their pages,
-- at most a few per feed and run (fulltext.py). A fetch now notes when it tried an item's page: the items one run
-- left are read by the next ones, found through this index of the items still waiting, and a page that failed
-- or held no article is not asked for again at every refresh. Items stored before this wait too: the next runs
-- read them.
ALTER TABLE entries ADD COLUMN page_tried_at TEXT;
CREATE INDEX entries_page_waiting ON entries (source_id, id)
WHERE kind = 'link' AND word_count = 0 AND page_tried_at IS NULL;
