-- A bare roundup item's page that could not be reached (a time-out, a refused connection, a server error) is
-- asked for again by later fetches, up to a few times (fulltext.py, MAX_PAGE_TRIES), where before one failure
-- left the item a bare link for good. This counts the failed tries; `page_tried_at` is set once the page was
-- read, answered that it is gone, held no article, or failed as many times as allowed.
ALTER TABLE entries ADD COLUMN page_tries INTEGER NOT NULL DEFAULT 0;
