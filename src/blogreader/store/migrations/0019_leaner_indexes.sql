-- The two largest indexes of a library, made smaller (store/duplicates.py, store/dialect.py):
--
-- * The full-text index keeps which columns of a post hold a word, not where in them (detail=column). A
--   search asks for every word of the query, each on its own (store/search.py), never for a phrase, so
--   the word positions were never read; they were 60% of the index. Matches are ranked by the columns
--   holding each word (dialect.full_text_search), which the index answers without reading a post back.
-- * The near-duplicate bands lose their copy ordered by entry (entry_bands_by_entry, as large as the bands
--   themselves), and with it the foreign key whose cascade needed it. An entry's bands are deleted by their
--   own keys, recomputed from the text they were made from, when the text changes, and with the entries of
--   a removed source; `compact` drops any band whose entry is gone.
--
-- Both are rebuilt here, once: the search index from every entry's text (through post_text, as the
-- triggers read it), the bands by copying their rows in key order. Measured on a library of 20,000 posts
-- (2.1 KB of text each): 1.7-2.0 s, its backup included.
-- The triggers of 0018 stay: they name the index, which is made again under the same name.
DROP TABLE entries_fts;

CREATE VIRTUAL TABLE entries_fts USING fts5 (
    title, summary, text, note,
    content = 'entries', content_rowid = 'id', tokenize = 'porter unicode61 remove_diacritics 2',
    detail = column
);
INSERT INTO entries_fts (entries_fts, rank) VALUES ('automerge', 8);
INSERT INTO entries_fts (rowid, title, summary, text, note)
    SELECT id, title, summary, post_text(text, content_html), note FROM entries;

CREATE TABLE entry_bands_rebuilt (
    band     INTEGER NOT NULL,
    key      INTEGER NOT NULL,
    entry_id INTEGER NOT NULL,
    PRIMARY KEY (band, key, entry_id)
) WITHOUT ROWID;
-- Only the 32 bands that are read (dedupe/near_duplicates.py BANDS): a library from when there were 64 leaves
-- the others behind here, while the rows are copied anyway.
INSERT INTO entry_bands_rebuilt (band, key, entry_id)
    SELECT band, key, entry_id FROM entry_bands WHERE band < 32 ORDER BY band, key, entry_id;
DROP TABLE entry_bands;
ALTER TABLE entry_bands_rebuilt RENAME TO entry_bands;
