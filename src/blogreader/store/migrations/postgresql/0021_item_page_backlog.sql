-- Twin of ../0021_item_page_backlog.sql: when a fetch tried a bare roundup item's page, and the items waiting.
ALTER TABLE entries ADD COLUMN page_tried_at TEXT COLLATE "C";
CREATE INDEX entries_page_waiting ON entries (source_id, id)
WHERE kind = 'link' AND word_count = 0 AND page_tried_at IS NULL;
