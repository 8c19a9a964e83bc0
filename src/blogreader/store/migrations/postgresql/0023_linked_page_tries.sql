-- Twin of ../0023_linked_page_tries.sql: the failed tries of a linked page, and the teasers waiting for theirs.
ALTER TABLE entries ADD COLUMN page_tries INTEGER NOT NULL DEFAULT 0;
CREATE INDEX entries_teaser_waiting ON entries (source_id, page_tries)
WHERE kind = 'post' AND page_tries > 0 AND page_tried_at IS NULL;
