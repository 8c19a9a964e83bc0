"""The few SQL fragments SQLite and PostgreSQL spell differently; every other query is written once.

Each function takes the connection (a sqlite3 connection, or `postgres.PostgresConnection`) and returns SQL
text for it. Nothing here holds user input: values always travel as parameters.
"""

from __future__ import annotations


def is_postgres(conn) -> bool:
    return getattr(conn, "engine", "sqlite") == "postgresql"


def json_values(conn, placeholder: str, alias: str, integer: bool = True) -> str:
    """A table of the items of a JSON array passed as one parameter, named `alias`, with columns `value` and
    `key` (the item's place in the array, from 0). `integer` reads the items as integers on PostgreSQL
    (SQLite keeps each item's own JSON type)."""
    if is_postgres(conn):
        value = "CAST(item AS BIGINT)" if integer else "item"
        return (f"(SELECT {value} AS value, CAST(place - 1 AS INTEGER) AS key"
                f" FROM json_array_elements_text(CAST({placeholder} AS json)) WITH ORDINALITY AS items(item, place))"
                f" AS {alias}")
    return f"json_each({placeholder}) AS {alias}"


def in_json_list(conn, placeholder: str, integer: bool = True) -> str:
    """`IN (...)` over the items of a JSON array parameter."""
    return f"IN (SELECT value FROM {json_values(conn, placeholder, '_listed', integer)})"


def nocase(conn, expression: str) -> str:
    """`expression` compared and grouped without regard to case (SQLite's NOCASE collation; lower() in
    PostgreSQL, which its lower(category) index answers)."""
    if is_postgres(conn):
        # Columns are COLLATE "C" (byte order, ASCII-only case folding, as SQLite's NOCASE); a parameter
        # takes the same collation, so lower() folds it the same way and the lower(category) index serves.
        placeholder = expression.startswith(("?", ":"))
        return f'lower({expression} COLLATE "C")' if placeholder else f"lower({expression})"
    return f"{expression} COLLATE NOCASE"


def group_concat(conn, expression: str, separator_sql: str) -> str:
    """The values of `expression` joined by the separator (an SQL expression such as "char(31)")."""
    if is_postgres(conn):
        return f"string_agg({expression}, {separator_sql.replace('char(', 'chr(')})"
    return f"group_concat({expression}, {separator_sql})"


# Columns the database keeps itself (by triggers) from other rows: never copied, exported or compared.
DERIVED = ("also_carried", "search_vector")


def table_columns(conn, table: str) -> list[str]:
    """The stored columns of `table`, in order (generated, derived and engine-private ones left out)."""
    if is_postgres(conn):
        rows = conn.execute(
            """SELECT column_name FROM information_schema.columns
               WHERE table_schema = current_schema() AND table_name = ? AND is_generated = 'NEVER'
               ORDER BY ordinal_position""", (table,)).fetchall()
        return [row[0] for row in rows if row[0] not in ("rowid", *DERIVED)]
    return [row[1] for row in conn.execute(f"PRAGMA table_info({table})") if row[1] not in DERIVED]


def full_text_search(conn, words: list[str], candidates: int | None = None) -> tuple[str, str, str, dict]:
    """(FROM, WHERE, ORDER BY, parameters) of a full-text search over entries `e` for `words`, every word
    required and stemmed, the title weighing most, then the summary and the note.

    SQLite: FTS5 finds the matches; each word scores 10 where the title holds it and 5 where the summary or
    note does (column filters, which the index answers from which columns hold a word: migration 0019), and
    the newest come first among equals. bm25 would need each match's word counts, which an index without
    word positions gets by reading the post back and tokenizing it again: 330 ms against 53 for a search at
    10,000 posts (bench/web.py).
    PostgreSQL: the tsvector column and its GIN index, ranked by ts_rank over the same weights; only the newest
    `candidates` matches are ranked: ts_rank reads each match's vector, and a common word at a million entries
    matched nearly all of them (10 s; 11 ms for the newest thousand)."""
    if is_postgres(conn):
        newest = f"ORDER BY sort_date DESC, id DESC LIMIT {int(candidates)}" if candidates else ""
        return (f"(SELECT id FROM entries WHERE search_vector @@ plainto_tsquery('english', :words) {newest})"
                " AS hit JOIN entries e ON e.id = hit.id", "1 = 1",
                "ts_rank(e.search_vector, plainto_tsquery('english', :words)) DESC", {"words": " ".join(words)})
    parameters = {"words": " ".join(f'"{word}"' for word in words)}
    scores = []
    for number, word in enumerate(words[:SCORED_WORDS]):
        parameters[f"title_{number}"] = f'{{title}}: "{word}"'
        parameters[f"aside_{number}"] = f'{{summary note}}: "{word}"'
        scores.append(f"10 * (f.rowid IN (SELECT rowid FROM entries_fts WHERE entries_fts MATCH :title_{number}))"
                      f" + 5 * (f.rowid IN (SELECT rowid FROM entries_fts WHERE entries_fts MATCH :aside_{number}))")
    return ("entries_fts f JOIN entries e ON e.id = f.rowid", "entries_fts MATCH :words",
            f"{' + '.join(scores)} DESC, e.sort_date DESC", parameters)


SCORED_WORDS = 8  # a longer query still requires every word; its first 8 rank the matches


def skip_locked(conn) -> str:
    """Appended to a SELECT that picks rows to claim: on PostgreSQL the rows are locked as they are picked and
    those another transaction holds are passed over, so concurrent claimers never take a row twice nor wait on
    each other; SQLite's writer lock (BEGIN IMMEDIATE) already makes every claim run alone."""
    return " FOR UPDATE SKIP LOCKED" if is_postgres(conn) else ""


def greatest(conn, *expressions: str) -> str:
    """The largest of the values (none of them NULL): SQLite's scalar max(), PostgreSQL's greatest()."""
    return f"{'greatest' if is_postgres(conn) else 'max'}({', '.join(expressions)})"


def indexed_by(conn, table: str, index: str) -> str:
    """`table` read through `index` where the engine lets a query say so (SQLite's INDEXED BY, for a planner
    without statistics); PostgreSQL's planner chooses from its own statistics."""
    return table if is_postgres(conn) else f"{table} INDEXED BY {index}"


def joined_in_order(conn) -> str:
    """An inner join whose left table SQLite's planner must read first (its CROSS JOIN, used with an ON
    clause); PostgreSQL plans the order itself and takes a plain JOIN."""
    return "JOIN" if is_postgres(conn) else "CROSS JOIN"


def nocase_value(conn, placeholder: str) -> str:
    """A parameter compared with `nocase(conn, column)`: on PostgreSQL folded under the "C" collation of the
    columns (ASCII letters only, as SQLite's NOCASE), not the database's locale, so "Ünïcode" stays what the
    column's lower() makes of it."""
    if is_postgres(conn):
        return f'lower(CAST({placeholder} AS TEXT) COLLATE "C")'
    return f"{placeholder} COLLATE NOCASE"


def concat_in_order(conn, expression: str, separator_sql: str, rows_sql: str, order_sql: str) -> str:
    """A scalar subquery: the values of `expression` over `rows_sql` (a FROM ... WHERE body) joined by the
    separator in the order of `order_sql`. PostgreSQL orders inside string_agg; SQLite (before 3.44, which has
    no ORDER BY in an aggregate) joins the rows of an ordered subquery, in the order they come."""
    if is_postgres(conn):
        return f"(SELECT string_agg({expression}, {separator_sql.replace('char(', 'chr(')} ORDER BY {order_sql}) FROM {rows_sql})"
    return (f"(SELECT group_concat(_value, {separator_sql}) FROM "
            f"(SELECT {expression} AS _value FROM {rows_sql} ORDER BY {order_sql}))")


def distinct_values(conn, table: str, column: str) -> str:
    """A subquery of the distinct non-NULL values of an indexed `column`, named `column`. PostgreSQL reads them
    by a loose index scan (a recursive query: the least value above the last, one index probe per value;
    SELECT DISTINCT read the whole table, 415 ms at a million entries for 14 categories); SQLite's DISTINCT
    reads its index already."""
    if is_postgres(conn):
        return (f"(WITH RECURSIVE found(value) AS (SELECT min({column}) FROM {table} UNION ALL "
                f"SELECT (SELECT min({column}) FROM {table} WHERE {column} > found.value) FROM found "
                f"WHERE found.value IS NOT NULL) SELECT value AS {column} FROM found WHERE value IS NOT NULL)")
    return f"(SELECT DISTINCT {column} FROM {table} WHERE {column} IS NOT NULL)"
