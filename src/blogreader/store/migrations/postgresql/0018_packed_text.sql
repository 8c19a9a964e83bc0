-- The twin of SQLite's 0018_packed_text: PostgreSQL keeps a post's text as text (it compresses long values
-- itself), so post_text(text, content_html), which SQLite's connections register to read a packed text,
-- returns the text as it is. Queries that read a post's text call it on either engine; the planner inlines it.
CREATE FUNCTION post_text(TEXT, TEXT) RETURNS TEXT
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS 'SELECT $1';
