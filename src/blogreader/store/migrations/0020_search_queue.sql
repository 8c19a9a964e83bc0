-- A fetch indexes the posts it stores once per batch, not once per post (store/search_queue.py): FTS5 wrote
-- its terms out at every statement that fired the insert trigger, a segment per post, and storing a post cost
-- 147 µs with the trigger against 57 µs without. The three triggers of 0018 are made again with a WHEN that
-- asks the connection's search queue: inside a batch, search_queue_takes(new.id) keeps the new post for the
-- batch, which writes its index row just before it commits; a post still queued is not in the index, so
-- search_queue_holds(old.id) spares it the 'delete' that would take out words it never put in. Every other
-- connection's queue is never opened: both functions answer 0 and the triggers index as before. The
-- functions are registered by every connection of ours (store.database.connect), and by
-- store.packed_posts.register_post_text for another program, with a queue never opened.
DROP TRIGGER entries_fts_insert;
DROP TRIGGER entries_fts_delete;
DROP TRIGGER entries_fts_update;

CREATE TRIGGER entries_fts_insert AFTER INSERT ON entries WHEN search_queue_takes(new.id) = 0 BEGIN
    INSERT INTO entries_fts (rowid, title, summary, text, note)
    VALUES (new.id, new.title, new.summary, post_text(new.text, new.content_html), new.note);
END;

CREATE TRIGGER entries_fts_delete AFTER DELETE ON entries WHEN search_queue_holds(old.id) = 0 BEGIN
    INSERT INTO entries_fts (entries_fts, rowid, title, summary, text, note)
    VALUES ('delete', old.id, old.title, old.summary, post_text(old.text, old.content_html), old.note);
END;

CREATE TRIGGER entries_fts_update AFTER UPDATE OF title, summary, text, note ON entries
WHEN search_queue_holds(old.id) = 0 BEGIN
    INSERT INTO entries_fts (entries_fts, rowid, title, summary, text, note)
    VALUES ('delete', old.id, old.title, old.summary, post_text(old.text, old.content_html), old.note);
    INSERT INTO entries_fts (rowid, title, summary, text, note)
    VALUES (new.id, new.title, new.summary, post_text(new.text, new.content_html), new.note);
END;
