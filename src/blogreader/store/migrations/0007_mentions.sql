-- Every mention of a work (a roundup item) is its own row, with the rank, title and blurb its roundup gave
-- it and the source that recommended it, so a second roundup naming the same paper keeps its own words
-- and cannot be overwritten by the first. One row per (roundup, work).

CREATE TABLE mentions (
    id         INTEGER PRIMARY KEY,
    entry_id   INTEGER NOT NULL REFERENCES entries (id) ON DELETE CASCADE,
    roundup_id INTEGER NOT NULL REFERENCES entries (id) ON DELETE CASCADE,
    source_id  INTEGER REFERENCES sources (id) ON DELETE SET NULL,
    rank       INTEGER,
    position   INTEGER NOT NULL,
    title      TEXT NOT NULL,
    blurb      TEXT NOT NULL DEFAULT '',
    added      TEXT NOT NULL,
    UNIQUE (roundup_id, entry_id)
);
CREATE INDEX mentions_by_entry ON mentions (entry_id, source_id);

-- Before this table the first roundup's title and blurb were the item entry's own; that is the best
-- record of what each roundup said, until the roundup changes and is split again.
INSERT INTO mentions (entry_id, roundup_id, source_id, rank, position, title, blurb, added)
SELECT ep.entry_id, ep.parent_id, roundup.source_id, ep.rank, ep.position, item.title, item.text,
       coalesce(roundup.added, item.added)
FROM entry_parents ep
JOIN entries item ON item.id = ep.entry_id
JOIN entries roundup ON roundup.id = ep.parent_id;

DROP TABLE entry_parents;

-- An item entry belongs to the first roundup that named it (parent_id, which cascades). Deleting that
-- roundup (its source removed) must not take the item from the other roundups that name it, nor lose
-- what the user kept: such items move to the next roundup naming them, or stand alone.
CREATE TRIGGER entries_keep_items_of_a_deleted_roundup BEFORE DELETE ON entries
WHEN EXISTS (SELECT 1 FROM entries WHERE parent_id = old.id)
BEGIN
    UPDATE entries SET
        parent_id = (SELECT m.roundup_id FROM mentions m WHERE m.entry_id = entries.id AND m.roundup_id != old.id
                     ORDER BY m.id LIMIT 1),
        rank = (SELECT m.rank FROM mentions m WHERE m.entry_id = entries.id AND m.roundup_id != old.id
                ORDER BY m.id LIMIT 1)
    WHERE parent_id = old.id AND (picked = 1 OR starred = 1 OR note IS NOT NULL OR EXISTS (
        SELECT 1 FROM mentions m WHERE m.entry_id = entries.id AND m.roundup_id != old.id));
END;

-- The address an entry's own page names as canonical (rel=canonical), when the page was fetched: a copy
-- whose page names another address is a mirror, whichever copy arrived first.
ALTER TABLE entries ADD COLUMN page_canonical TEXT;
