"""The PostgreSQL schema (the baseline equal to SQLite schema 13, then the later migration pairs) matches the
newest SQLite schema: same tables, columns, NOT NULLs, defaults and index names, and the behaviour its
triggers, constraints and search index stand for."""

from __future__ import annotations

from importlib import resources

import psycopg
import pytest

from blogreader.store.database import connect, schema_version
from blogreader.store.postgres import postgres_migrations

ENGINE_PRIVATE = {"rowid", "search_vector"}  # PostgreSQL stand-ins for SQLite's rowid and FTS5 table
NOW = "2026-03-02T10:00:00+00:00"


def baseline_sql() -> str:
    return (resources.files("blogreader.store").joinpath("migrations", "postgresql", "0013_baseline.sql")
            .read_text(encoding="utf-8"))


@pytest.fixture
def pg(postgres_schema_url):
    with psycopg.connect(postgres_schema_url, autocommit=True) as conn:
        for version, _name, sql in postgres_migrations():
            conn.execute(sql)
            conn.execute("UPDATE schema_version SET version = %s", (version,))
        yield conn


@pytest.fixture
def sqlite_library(tmp_path):
    conn = connect(tmp_path / "x.db")
    yield conn
    conn.close()


def sqlite_tables(conn) -> list[str]:
    rows = conn.execute("""SELECT name FROM sqlite_master WHERE type = 'table'
                           AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'entries_fts%' ORDER BY name""")
    return [row[0] for row in rows]


def normal_default(value: str | None) -> str | None:
    return None if value is None else value.removesuffix("::text")


def test_the_postgresql_scripts_reach_the_newest_sqlite_schema(pg):
    # A new SQLite migration needs its PostgreSQL twin; the baseline stands for schema 13.
    assert baseline_sql().rstrip().endswith("VALUES (13);")
    assert pg.execute("SELECT version FROM schema_version").fetchall() == [(schema_version(),)]


def test_every_table_and_column_of_sqlite_is_there_with_its_constraints(pg, sqlite_library):
    tables = sqlite_tables(sqlite_library)
    assert {"sources", "entries", "entry_sources", "mentions", "meta", "entry_bands", "published",
            "discussions"} <= set(tables)
    pg_tables = {row[0] for row in pg.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()")}
    assert pg_tables == set(tables) | {"schema_version"}
    for table in tables:
        # table_xinfo: generated columns (sort_date) too, which table_info hides.
        lite = [(row["name"], bool(row["notnull"]), row["dflt_value"])
                for row in sqlite_library.execute(f"PRAGMA table_xinfo({table})")]
        ours = [(name, nullable == "NO", normal_default(default)) for name, nullable, default, identity in pg.execute(
            """SELECT column_name, is_nullable, column_default, is_identity FROM information_schema.columns
               WHERE table_schema = current_schema() AND table_name = %s ORDER BY ordinal_position""", (table,))
            if name not in ENGINE_PRIVATE]
        primary = {row["name"] for row in sqlite_library.execute(f"PRAGMA table_xinfo({table})") if row["pk"]}
        # SQLite lets a primary key column be NULL unless it says NOT NULL (or is the rowid); PostgreSQL never.
        lite = [(name, notnull or name in primary, default) for name, notnull, default in lite]
        assert ours == lite, table


def test_every_text_column_compares_by_bytes_as_sqlite_does(pg):
    loose = pg.execute("""SELECT table_name || '.' || column_name FROM information_schema.columns
                          WHERE table_schema = current_schema() AND data_type = 'text'
                          AND collation_name IS DISTINCT FROM 'C'""").fetchall()
    assert loose == []


def test_every_sqlite_index_has_a_namesake(pg, sqlite_library):
    lite = {row[0] for row in sqlite_library.execute(
        "SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL")}
    ours = {row[0] for row in pg.execute("SELECT indexname FROM pg_indexes WHERE schemaname = current_schema()")}
    assert lite <= ours
    assert "entries_search" in ours


def test_text_sorts_by_code_point_as_in_sqlite(pg, sqlite_library):
    titles = ["apple", "Zebra", "éclair", "Banana"]
    for conn, mark in ((pg, "%s"), (sqlite_library, "?")):
        for number, title in enumerate(titles, start=1):
            conn.execute(f"INSERT INTO sources (url, kind, title, created) VALUES ({mark}, 'feed', {mark}, {mark})",
                         (f"https://example.org/{number}", title, NOW))
    in_sqlite = [row[0] for row in sqlite_library.execute("SELECT title FROM sources ORDER BY title")]
    assert [row[0] for row in pg.execute("SELECT title FROM sources ORDER BY title")] == in_sqlite
    assert in_sqlite == ["Banana", "Zebra", "apple", "éclair"]


def add_entry(conn, title: str, **columns) -> int:
    columns = {"title": title, "added": NOW, **columns}
    names = ", ".join(columns)
    marks = ", ".join(["%s"] * len(columns))
    return conn.execute(f"INSERT INTO entries ({names}) VALUES ({marks}) RETURNING id",
                        list(columns.values())).fetchone()[0]


def mention(conn, entry_id: int, roundup_id: int, rank: int) -> None:
    conn.execute("""INSERT INTO mentions (entry_id, roundup_id, rank, position, title, added)
                    VALUES (%s, %s, %s, %s, 'an item', %s)""", (entry_id, roundup_id, rank, rank, NOW))


def test_deleting_a_roundup_moves_its_items_to_the_next_roundup_naming_them(pg):
    first, second = add_entry(pg, "Weekly 1"), add_entry(pg, "Weekly 2")
    shared = add_entry(pg, "A paper both name", kind="link", parent_id=first, rank=1)
    only_first = add_entry(pg, "A paper one names", kind="link", parent_id=first, rank=2)
    kept = add_entry(pg, "A paper the user starred", kind="link", parent_id=first, rank=3, starred=1)
    mention(pg, shared, first, 1)
    mention(pg, only_first, first, 2)
    mention(pg, kept, first, 3)
    mention(pg, shared, second, 7)

    pg.execute("DELETE FROM entries WHERE id = %s", (first,))

    rows = dict((row[0], row[1:]) for row in pg.execute("SELECT id, parent_id, rank FROM entries"))
    assert rows[shared] == (second, 7)      # moved, with the rank the other roundup gave it
    assert only_first not in rows           # nothing else named it: it went with its roundup
    assert rows[kept] == (None, None)       # the user kept it: it stands alone
    assert pg.execute("SELECT roundup_id FROM mentions").fetchall() == [(second,)]


def test_deleting_every_roundup_naming_a_kept_item_in_one_statement_keeps_it(pg):
    # The case where PostgreSQL's end-of-statement cascades differ from SQLite's: while the second roundup is
    # deleted, the first one's mentions are not cascaded yet; the item must not move back to it.
    first, second = add_entry(pg, "Weekly 1", source_id=None), add_entry(pg, "Weekly 2")
    picked = add_entry(pg, "A picked paper", kind="link", parent_id=first, rank=1, picked=1)
    mention(pg, picked, first, 1)
    mention(pg, picked, second, 4)

    pg.execute("DELETE FROM entries WHERE id IN (%s, %s)", (first, second))

    assert pg.execute("SELECT id, parent_id, rank FROM entries").fetchall() == [(picked, None, None)]
    assert pg.execute("SELECT count(*) FROM mentions").fetchone()[0] == 0


def test_the_search_vector_finds_a_stemmed_word_of_the_text_and_ranks_titles_first(pg):
    in_text = add_entry(pg, "Notes from a week", text="We trained sparse autoencoders on a small model.")
    in_title = add_entry(pg, "Autoencoders, explained", text="A long read.")
    add_entry(pg, "Unrelated", text="Reward models and preference data.")
    found = pg.execute("""SELECT id FROM entries, websearch_to_tsquery('english', %s) AS q
                          WHERE search_vector @@ q ORDER BY ts_rank(search_vector, q) DESC""",
                       ("autoencoder",)).fetchall()
    assert [row[0] for row in found] == [in_title, in_text]
    # The vector follows an edit, as the FTS5 triggers did.
    pg.execute("UPDATE entries SET note = 'about distillation' WHERE id = %s", (in_text,))
    assert pg.execute("SELECT id FROM entries WHERE search_vector @@ websearch_to_tsquery('english', %s)",
                      ("distilled",)).fetchall() == [(in_text,)]


def test_a_huge_post_of_distinct_tokens_is_stored_and_its_opening_searchable(pg):
    tokens = " ".join(f"tok{number:07x}" for number in range(150_000))  # about 1.6 million characters
    entry = add_entry(pg, "A data dump", text="sparsity " + tokens)
    assert pg.execute("SELECT id FROM entries WHERE search_vector @@ websearch_to_tsquery('english', 'sparsity')"
                      ).fetchall() == [(entry,)]


def test_a_second_entry_with_the_same_canonical_url_is_refused(pg):
    add_entry(pg, "First", canonical_url="https://example.org/post")
    add_entry(pg, "No address")
    add_entry(pg, "No address either")  # the index is partial: many entries have none
    with pytest.raises(psycopg.errors.UniqueViolation):
        add_entry(pg, "Copy", canonical_url="https://example.org/post")


def test_sort_date_is_published_else_added_and_ids_may_be_given(pg):
    dated = add_entry(pg, "Dated", published="2026-01-05T00:00:00+00:00")
    undated = add_entry(pg, "Undated")
    imported = add_entry(pg, "Imported", id=1000)
    rows = dict(pg.execute("SELECT id, sort_date FROM entries").fetchall())
    assert rows[dated] == "2026-01-05T00:00:00+00:00"
    assert rows[undated] == NOW
    assert imported == 1000


def test_an_import_may_write_an_item_before_its_roundup_when_it_defers_the_checks(pg):
    with pg.transaction():
        pg.execute("SET CONSTRAINTS ALL DEFERRED")
        add_entry(pg, "Item", id=11, parent_id=10)
        add_entry(pg, "Roundup", id=10)
    assert pg.execute("SELECT parent_id FROM entries WHERE id = 11").fetchone() == (10,)
    with pytest.raises(psycopg.errors.ForeignKeyViolation):  # without deferring, checked at once
        add_entry(pg, "Orphan", parent_id=999)


def test_a_category_lookup_without_case_uses_the_lower_index(pg):
    for number in range(200):
        add_entry(pg, f"Post {number}", category=["RL", "Interpretability", "Agents"][number % 3])
    pg.execute("ANALYZE entries")
    pg.execute("SET enable_seqscan = off")
    plan = "\n".join(row[0] for row in pg.execute(
        """EXPLAIN SELECT id FROM entries WHERE lower(category) = lower(%s COLLATE "C")
           ORDER BY sort_date DESC LIMIT 5""", ("rl",)))
    assert "entries_by_category" in plan
    assert pg.execute("SELECT count(*) FROM entries WHERE lower(category) = lower(%s COLLATE \"C\")",
                      ("rl",)).fetchone()[0] == 67


FRESH_VECTOR = """setweight(to_tsvector('english', left(coalesce(text, ''), 200000)), 'D')
    || setweight(to_tsvector('english', coalesce(title, '')), 'A')
    || setweight(to_tsvector('english', coalesce(summary, '')), 'B')
    || setweight(to_tsvector('english', coalesce(note, '')), 'B')"""


def test_the_search_vector_is_rebuilt_only_when_what_it_holds_changes(pg):
    # A generated column was recomputed on every UPDATE of the row, parsing the whole post again when an entry
    # was marked read or enrichment wrote its summary. The trigger keeps the vector when only flags change,
    # and reuses the text's part when only the title, summary or note change.
    entry = add_entry(pg, "Sparse features", text="We trained sparse autoencoders on a small model.")
    vector = pg.execute("SELECT search_vector::text FROM entries WHERE id = %s", (entry,)).fetchone()[0]
    pg.execute("UPDATE entries SET read = 1, picked = 1, category = 'Interpretability' WHERE id = %s", (entry,))
    pg.execute("UPDATE entries SET search_vector = NULL WHERE id = %s", (entry,))  # not writable by hand
    assert pg.execute("SELECT search_vector::text FROM entries WHERE id = %s", (entry,)).fetchone()[0] == vector

    pg.execute("UPDATE entries SET summary = 'A note on distillation.' WHERE id = %s", (entry,))
    pg.execute("UPDATE entries SET note = 'compare with probing', title = 'Features, again' WHERE id = %s", (entry,))
    same = pg.execute(f"SELECT search_vector = ({FRESH_VECTOR}) FROM entries WHERE id = %s", (entry,)).fetchone()[0]
    assert same  # exactly the vector parsed afresh, though the text was not parsed again
    for words in ("distilled", "probe", "autoencoder", "features again"):
        assert pg.execute("SELECT id FROM entries WHERE search_vector @@ plainto_tsquery('english', %s)",
                          (words,)).fetchall() == [(entry,)], words
    pg.execute("UPDATE entries SET text = 'Reward models now.' WHERE id = %s", (entry,))
    assert pg.execute("SELECT id FROM entries WHERE search_vector @@ plainto_tsquery('english', 'autoencoder')"
                      ).fetchall() == []
    assert pg.execute(f"SELECT search_vector = ({FRESH_VECTOR}) FROM entries WHERE id = %s", (entry,)).fetchone()[0]


def test_the_inbox_count_indexes_read_unread_entries_alone(pg):
    for number in range(300):
        add_entry(pg, f"Post {number}", category=["RL", "Agents"][number % 2], read=int(number % 3 == 0))
    pg.execute("ANALYZE entries")
    pg.execute("SET enable_seqscan = off")
    plan = "\n".join(row[0] for row in pg.execute(
        """EXPLAIN SELECT e.source_id, count(*) FROM entries e WHERE e.read = 0 AND e.promo = 0
           AND e.duplicate_of IS NULL AND e.kind = 'post' AND e.also_carried = 0 GROUP BY e.source_id"""))
    assert "entries_unread_by_source" in plan
