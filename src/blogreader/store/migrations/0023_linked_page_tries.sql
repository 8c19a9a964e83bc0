-- A linked page that could not be reached (a time-out, a refused connection, a server error) is asked for again by
-- later fetches, up to a few times (store/linked_pages.py, MAX_PAGE_TRIES), where before one failure left it unread for good:
-- a roundup's bare item stayed a bare link, and a teaser stayed a teaser. This counts the failed tries;
-- `page_tried_at` is set once the page was read, answered that it is gone, held no article, or failed as many times
-- as allowed. The teasers waiting for their page are found through the index (the items through 0021's).
ALTER TABLE entries ADD COLUMN page_tries INTEGER NOT NULL DEFAULT 0;
CREATE INDEX entries_teaser_waiting ON entries (source_id, page_tries)
WHERE kind = 'post' AND page_tries > 0 AND page_tried_at IS NULL;
