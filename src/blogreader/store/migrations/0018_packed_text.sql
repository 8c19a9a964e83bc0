-- A post's text is stored packed against its HTML (store/packed_posts.py): a few dozen bytes where it took
-- kilobytes. The search index reads the text through post_text(), a function every connection of ours
-- registers, and gets the same words it indexed before; text stored before, or short, stays plain and
-- post_text() returns it as it is. Rows already indexed are not touched.
DROP TRIGGER entries_fts_insert;
DROP TRIGGER entries_fts_delete;
DROP TRIGGER entries_fts_update;

CREATE TRIGGER entries_fts_insert AFTER INSERT ON entries BEGIN
    INSERT INTO entries_fts (rowid, title, summary, text, note)
    VALUES (new.id, new.title, new.summary, post_text(new.text, new.content_html), new.note);
END;

CREATE TRIGGER entries_fts_delete AFTER DELETE ON entries BEGIN
    INSERT INTO entries_fts (entries_fts, rowid, title, summary, text, note)
    VALUES ('delete', old.id, old.title, old.summary, post_text(old.text, old.content_html), old.note);
END;

CREATE TRIGGER entries_fts_update AFTER UPDATE OF title, summary, text, note ON entries BEGIN
    INSERT INTO entries_fts (entries_fts, rowid, title, summary, text, note)
    VALUES ('delete', old.id, old.title, old.summary, post_text(old.text, old.content_html), old.note);
    INSERT INTO entries_fts (rowid, title, summary, text, note)
    VALUES (new.id, new.title, new.summary, post_text(new.text, new.content_html), new.note);
END;

-- A packed text reads only with the HTML it was packed against: whatever changes that HTML must write the
-- text with it (every writer of ours does). A tool that would change the HTML alone is stopped here, before
-- the text became unreadable.
CREATE TRIGGER entries_text_follows_html BEFORE UPDATE OF content_html ON entries
WHEN typeof(old.text) = 'blob' AND new.text IS old.text AND new.content_html IS NOT old.content_html BEGIN
    SELECT RAISE(ABORT, 'a packed text reads only with the HTML it was packed against: write both together');
END;
