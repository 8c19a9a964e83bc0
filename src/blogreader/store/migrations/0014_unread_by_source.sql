-- The inbox's unread count per source, read from a small partial index instead of a join of every unread
-- entry with entry_sources.
--
-- An entry is counted under each source that carries it (a row of entry_sources). Nearly every entry is
-- carried by exactly the source that stored it (entries.source_id), and for those the count per source is a
-- count per entries.source_id, which the index entries_unread_by_source answers alone. `also_carried` marks
-- the others: an entry some other source carries too (a syndicated copy, a paper a feed also posted), set by
-- the trigger below whenever such a row is added; those few, and shown links (whose entry_sources rows, if
-- any, belong to other feeds), are counted row by row through entries_unread_carried. The mark is never
-- cleared (a stale mark only sends an entry through the exact, slower count), and is not copied by export or
-- migrate-to: adding the entry_sources rows sets it again.

ALTER TABLE entries ADD COLUMN also_carried INTEGER NOT NULL DEFAULT 0;

UPDATE entries SET also_carried = 1 WHERE EXISTS (
    SELECT 1 FROM entry_sources es WHERE es.entry_id = entries.id AND es.source_id IS NOT entries.source_id);

CREATE TRIGGER entry_sources_also_carried AFTER INSERT ON entry_sources BEGIN
    UPDATE entries SET also_carried = 1
    WHERE id = new.entry_id AND also_carried = 0 AND source_id IS NOT new.source_id;
END;

-- An entry moved to another source (its own unsubscribed) may be carried by a third.
CREATE TRIGGER entries_also_carried AFTER UPDATE OF source_id ON entries
WHEN new.also_carried = 0 AND EXISTS (
    SELECT 1 FROM entry_sources es WHERE es.entry_id = new.id AND es.source_id IS NOT new.source_id)
BEGIN
    UPDATE entries SET also_carried = 1 WHERE id = new.id;
END;

-- With the category and crawl time too, the reader API's unread counts (per source, folder and category, with
-- the newest crawl time of each) read it alone as well.
CREATE INDEX entries_unread_by_source ON entries (source_id, category, added)
WHERE read = 0 AND promo = 0 AND duplicate_of IS NULL AND kind = 'post' AND also_carried = 0;

CREATE INDEX entries_unread_carried ON entries (kind, parent_id)
WHERE read = 0 AND promo = 0 AND duplicate_of IS NULL AND (also_carried = 1 OR kind = 'link');
