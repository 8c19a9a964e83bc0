-- Sources, entries, which sources carry which entries, and full-text search.

CREATE TABLE sources (
    id            INTEGER PRIMARY KEY,
    url           TEXT NOT NULL UNIQUE,
    kind          TEXT NOT NULL CHECK (kind IN ('feed', 'listing')),
    title         TEXT,
    site_url      TEXT,
    category      TEXT,
    etag          TEXT,
    last_modified TEXT,
    body_hash     TEXT,
    last_fetched  TEXT,
    last_error    TEXT,
    error_count   INTEGER NOT NULL DEFAULT 0,
    disabled      INTEGER NOT NULL DEFAULT 0,
    retry_after   TEXT,
    created       TEXT NOT NULL
);

CREATE TABLE entries (
    id              INTEGER PRIMARY KEY,
    kind            TEXT NOT NULL DEFAULT 'post' CHECK (kind IN ('post', 'link')),
    source_id       INTEGER REFERENCES sources (id) ON DELETE SET NULL,
    guid            TEXT,
    url             TEXT,
    canonical_url   TEXT,
    title           TEXT NOT NULL,
    title_origin    TEXT NOT NULL DEFAULT 'feed',
    author          TEXT,
    published       TEXT,
    added           TEXT NOT NULL,
    updated         TEXT,
    sort_date       TEXT GENERATED ALWAYS AS (coalesce(published, added)) VIRTUAL,
    content_html    TEXT NOT NULL DEFAULT '',
    text            TEXT NOT NULL DEFAULT '',
    word_count      INTEGER NOT NULL DEFAULT 0,
    reading_minutes INTEGER NOT NULL DEFAULT 1,
    feed_summary    TEXT,
    content_hash    TEXT,
    summary         TEXT,
    summary_origin  TEXT,
    category        TEXT,
    category_origin TEXT,
    read            INTEGER NOT NULL DEFAULT 0,
    picked          INTEGER NOT NULL DEFAULT 0,
    picked_at       TEXT,
    starred         INTEGER NOT NULL DEFAULT 0,
    note            TEXT,
    promo           INTEGER NOT NULL DEFAULT 0,
    parent_id       INTEGER REFERENCES entries (id) ON DELETE CASCADE,
    rank            INTEGER,
    duplicate_of    INTEGER REFERENCES entries (id) ON DELETE SET NULL
);

CREATE UNIQUE INDEX entries_by_canonical_url ON entries (canonical_url) WHERE canonical_url IS NOT NULL;
CREATE INDEX entries_by_guid ON entries (guid) WHERE guid IS NOT NULL;
CREATE INDEX entries_by_date ON entries (sort_date DESC, id DESC);
CREATE INDEX entries_by_source ON entries (source_id, sort_date DESC);
CREATE INDEX entries_picked ON entries (picked_at) WHERE picked = 1;
CREATE INDEX entries_by_parent ON entries (parent_id) WHERE parent_id IS NOT NULL;

-- An entry carried by several sources (the same post syndicated) is one row above and a row per source here.
CREATE TABLE entry_sources (
    entry_id  INTEGER NOT NULL REFERENCES entries (id) ON DELETE CASCADE,
    source_id INTEGER NOT NULL REFERENCES sources (id) ON DELETE CASCADE,
    guid      TEXT,
    PRIMARY KEY (entry_id, source_id)
);
CREATE INDEX entry_sources_by_guid ON entry_sources (source_id, guid);

CREATE VIRTUAL TABLE entries_fts USING fts5 (
    title, summary, text, note,
    content = 'entries', content_rowid = 'id', tokenize = 'porter unicode61 remove_diacritics 2'
);

CREATE TRIGGER entries_fts_insert AFTER INSERT ON entries BEGIN
    INSERT INTO entries_fts (rowid, title, summary, text, note)
    VALUES (new.id, new.title, new.summary, new.text, new.note);
END;

CREATE TRIGGER entries_fts_delete AFTER DELETE ON entries BEGIN
    INSERT INTO entries_fts (entries_fts, rowid, title, summary, text, note)
    VALUES ('delete', old.id, old.title, old.summary, old.text, old.note);
END;

CREATE TRIGGER entries_fts_update AFTER UPDATE OF title, summary, text, note ON entries BEGIN
    INSERT INTO entries_fts (entries_fts, rowid, title, summary, text, note)
    VALUES ('delete', old.id, old.title, old.summary, old.text, old.note);
    INSERT INTO entries_fts (rowid, title, summary, text, note)
    VALUES (new.id, new.title, new.summary, new.text, new.note);
END;

CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT
);
