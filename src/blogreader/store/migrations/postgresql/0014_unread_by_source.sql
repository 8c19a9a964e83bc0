-- Twin of ../0014_unread_by_source.sql (read it for `also_carried` and the two partial indexes), plus what the
-- measurements of docs/postgresql.md asked of PostgreSQL alone:
--
-- * entries_by_category_name: the categories in use are read by a loose index scan (a recursive query taking
--   the next name after the last, one index probe per category) instead of a scan of the whole table.
-- * search_vector is kept by a trigger instead of being a generated column. PostgreSQL recomputes a stored
--   generated column on every UPDATE of the row: marking an entry read, or enrichment writing its summary,
--   parsed the whole post again. The trigger runs only when the title, summary, note or text is written,
--   and parses the text only when the text changed: the text's part of the vector is its first part, weight D
--   (nothing else in the vector weighs D), so ts_filter(old vector, '{d}') is the text's vector unchanged, and
--   only the short fields are parsed again. Same weights, same words, same query syntax as before.
--   The vectors already stored (title first) stay as they are: they match the same words; their first
--   rewrite puts the text first.

ALTER TABLE entries ADD COLUMN also_carried INTEGER NOT NULL DEFAULT 0;

UPDATE entries SET also_carried = 1 WHERE EXISTS (
    SELECT 1 FROM entry_sources es WHERE es.entry_id = entries.id AND es.source_id IS DISTINCT FROM entries.source_id);

CREATE FUNCTION entry_sources_also_carried() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE entries SET also_carried = 1
    WHERE id = NEW.entry_id AND also_carried = 0 AND source_id IS DISTINCT FROM NEW.source_id;
    RETURN NULL;
END;
$$;

CREATE TRIGGER entry_sources_also_carried AFTER INSERT ON entry_sources
FOR EACH ROW EXECUTE FUNCTION entry_sources_also_carried();

CREATE FUNCTION entries_also_carried() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.also_carried = 0 AND EXISTS (
            SELECT 1 FROM entry_sources es WHERE es.entry_id = NEW.id AND es.source_id IS DISTINCT FROM NEW.source_id) THEN
        NEW.also_carried := 1;
    END IF;
    RETURN NEW;
END;
$$;

CREATE TRIGGER entries_also_carried BEFORE UPDATE OF source_id ON entries
FOR EACH ROW EXECUTE FUNCTION entries_also_carried();

CREATE INDEX entries_unread_by_source ON entries (source_id, category, added)
WHERE read = 0 AND promo = 0 AND duplicate_of IS NULL AND kind = 'post' AND also_carried = 0;

CREATE INDEX entries_unread_carried ON entries (kind, parent_id, id)
WHERE read = 0 AND promo = 0 AND duplicate_of IS NULL AND (also_carried = 1 OR kind = 'link');

CREATE INDEX entries_by_category_name ON entries (category);

-- The search vector, kept by a trigger.
ALTER TABLE entries ALTER COLUMN search_vector DROP EXPRESSION;

CREATE FUNCTION entries_search_vector() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    body tsvector;
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.text IS NOT DISTINCT FROM OLD.text THEN
        IF NEW.title IS NOT DISTINCT FROM OLD.title AND NEW.summary IS NOT DISTINCT FROM OLD.summary
                AND NEW.note IS NOT DISTINCT FROM OLD.note THEN
            NEW.search_vector := OLD.search_vector;  -- nothing it holds changed (or a write to the vector itself)
            RETURN NEW;
        END IF;
        body := ts_filter(OLD.search_vector, '{d}');
    ELSE
        body := setweight(to_tsvector('english', left(coalesce(NEW.text, ''), 200000)), 'D');
    END IF;
    NEW.search_vector := body
        || setweight(to_tsvector('english', coalesce(NEW.title, '')), 'A')
        || setweight(to_tsvector('english', coalesce(NEW.summary, '')), 'B')
        || setweight(to_tsvector('english', coalesce(NEW.note, '')), 'B');
    RETURN NEW;
END;
$$;

CREATE TRIGGER entries_search_vector BEFORE INSERT OR UPDATE OF title, summary, note, text, search_vector ON entries
FOR EACH ROW EXECUTE FUNCTION entries_search_vector();
