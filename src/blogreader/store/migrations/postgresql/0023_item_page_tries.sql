-- Twin of ../0023_item_page_tries.sql: the failed tries of a bare roundup item's page.
ALTER TABLE entries ADD COLUMN page_tries INTEGER NOT NULL DEFAULT 0;
