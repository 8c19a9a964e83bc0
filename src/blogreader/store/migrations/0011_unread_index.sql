-- The inbox's unread counts per source and per category read this index alone: it holds one small row per
-- unread entry the inbox shows, so counting costs what the unread entries cost, never a scan of the table
-- (whose rows carry each post's text).

CREATE INDEX entries_unread_shown ON entries (category, kind, parent_id)
WHERE read = 0 AND promo = 0 AND duplicate_of IS NULL;
