"""The pages stored entries link to that a fetch reads after storing them: a roundup's bare items (a title and an
address) are summed up from theirs, and a teaser whose page could not be reached when it was stored is completed
from its page by a later fetch. Each waits until its page is read, turns out gone or empty, or has failed as many
times as MAX_PAGE_TRIES allows (`page_tried_at`, `page_tries`: migrations 0021 and 0023).
"""

from __future__ import annotations

import json
import sqlite3

from blogreader.clock import utc_now
from blogreader.dedupe.fingerprint import text_fingerprint
from blogreader.store.dialect import in_json_list, is_postgres
from blogreader.store.duplicates import rewrite_bands
from blogreader.store.packed_posts import remember_text, stored_post


# Tries of a linked page that could not be reached or failed with a server error, each in a later run of its feed
# (hours apart on the feed's schedule): a site down for a day is read, one down for good stops costing tries.
MAX_PAGE_TRIES = 3
# Entries whose linked page a fetch still reads (the partial indexes of migrations 0021 and 0023 say the same), with
# `{t}` the table's alias: a bare item no page was read for, and a teaser whose page failed in a way that may pass.
_ITEM_WAITING = "{t}kind = 'link' AND {t}word_count = 0 AND {t}page_tried_at IS NULL AND {t}url IS NOT NULL"
_TEASER_WAITING = "{t}kind = 'post' AND {t}page_tries > 0 AND {t}page_tried_at IS NULL AND {t}url IS NOT NULL"
ITEM_WAITING, TEASER_WAITING = _ITEM_WAITING.format(t=""), _TEASER_WAITING.format(t="")


def page_fact(waiting: bool, failed_tries: int) -> str:
    """What became of the page a teaser or a bare item links to, when its text still waits for it or never came, in
    the words `blogreader show` and the web app's entry page both say it; "" when there is nothing to say."""
    tries = f"{failed_tries} time{'s' if failed_tries != 1 else ''}"
    if waiting:
        return (f"full text: its page could not be reached ({tries}); the next fetch tries again" if failed_tries
                else "full text: its page is read by the next fetch")
    if failed_tries >= MAX_PAGE_TRIES:
        return f"full text: its page could not be reached ({tries}); given up"
    return ""


class LinkedPageQueries:
    """Mixin of Store: the linked pages waiting to be read, and what reading them gives an entry."""

    conn: sqlite3.Connection

    def pages_waiting(self, source_id: int) -> bool:
        """Does any entry of the source wait for its linked page (a bare item's, a teaser's)? One statement, two
        index probes: a refresh asks it of every unchanged feed."""
        return bool(self.conn.execute(  # entries_page_waiting (0021) and entries_teaser_waiting (0023)
            f"""SELECT EXISTS (SELECT 1 FROM entries WHERE source_id = :source AND {ITEM_WAITING})
                    OR EXISTS (SELECT 1 FROM entries WHERE source_id = :source AND {TEASER_WAITING})""",
            {"source": source_id}).fetchone()[0])

    def linked_page_state(self, entry_id: int) -> tuple[bool, int]:
        """(is the entry waiting for a fetch to read its linked page, how many tries of that page failed so far):
        a bare item whose page no fetch has read yet, or a teaser whose page could not be reached."""
        row = self.conn.execute(f"SELECT ({ITEM_WAITING}) OR ({TEASER_WAITING}), page_tries FROM entries WHERE id = ?",
                                (entry_id,)).fetchone()
        return (bool(row[0]), int(row[1])) if row else (False, 0)

    def waiting_items(self, source_id: int, roundup_ids: list[int], limit: int) -> list[tuple[int, str]]:
        """(id, address) of items that are a link and nothing more (no words of their own, none read from their
        page) and whose page no fetch has tried yet, at most `limit`: first those of `roundup_ids` (this run's
        roundups of the source) in the order printed, then the source's others, newest first (the ones an earlier
        run left, those never tried before those that failed). The address is the canonical one: a paper's abstract
        page rather than its PDF (arxiv.org/pdf/... is arxiv.org/abs/...), without tracking parameters."""
        found: dict[int, str] = {}
        if roundup_ids:
            found.update(self.conn.execute(
                f"""SELECT e.id, coalesce(e.canonical_url, e.url) FROM mentions m JOIN entries e ON e.id = m.entry_id
                    WHERE m.roundup_id {in_json_list(self.conn, '?')} AND {_ITEM_WAITING.format(t="e.")}
                    ORDER BY m.roundup_id, m.position LIMIT ?""",
                (json.dumps([int(i) for i in roundup_ids]), limit)).fetchall())
        if len(found) < limit:
            for entry_id, address in self.conn.execute(  # entries_page_waiting (migration 0021)
                    f"""SELECT id, coalesce(canonical_url, url) FROM entries WHERE source_id = ? AND {ITEM_WAITING}
                        ORDER BY page_tries, id DESC LIMIT ?""", (source_id, limit)):
                if len(found) < limit:
                    found.setdefault(entry_id, address)
        return list(found.items())

    def tried_pages(self, entry_ids: list[int]) -> None:
        """Note that a fetch tried the pages these entries link to and is done with them (read, gone, or holding no
        article): they wait no longer."""
        self.conn.execute(f"UPDATE entries SET page_tried_at = ? WHERE id {in_json_list(self.conn, '?')}",
                          (utc_now(), json.dumps([int(i) for i in entry_ids])))

    def failed_pages(self, entry_ids: list[int]) -> None:
        """Note a failed try of the pages these entries link to that may pass later (the server was down or too
        slow): they wait for the next fetches until their pages have failed MAX_PAGE_TRIES times."""
        self.conn.execute(f"""UPDATE entries SET page_tries = page_tries + 1,
                                  page_tried_at = CASE WHEN page_tries + 1 >= ? THEN ? END
                              WHERE id {in_json_list(self.conn, '?')}""",
                          (MAX_PAGE_TRIES, utc_now(), json.dumps([int(i) for i in entry_ids])))

    def read_item_page(self, entry_id: int, page: str, html: str, text: str, words: int, minutes: int) -> bool:
        """Give a bare item the text of the page it links to (`page`: that page's canonical address), which it is
        summed up and filed from, and which shows under every roundup naming it, since it is none's words; False
        when it has words of its own by now (another roundup's blurb, a user's edit) and keeps them."""
        stored_html, stored_text = stored_post(html, text, is_postgres(self.conn))
        remember_text(stored_text, stored_html, text)
        cursor = self.conn.execute(
            """UPDATE entries SET content_html = ?, text = ?, word_count = ?, reading_minutes = ?, page_canonical = ?,
                   enriched_at = NULL
               WHERE id = ? AND kind = 'link' AND word_count = 0""",
            (stored_html, stored_text, words, minutes, page, entry_id))
        return cursor.rowcount == 1

    def waiting_teasers(self, source_id: int, limit: int) -> list[tuple[int, str, int]]:
        """(id, address, words) of the source's teasers whose page failed in a way that may pass and is to be tried
        again, at most `limit`, the fewest tries first."""
        return [tuple(row) for row in self.conn.execute(  # entries_teaser_waiting (migration 0023)
            f"""SELECT id, url, word_count FROM entries WHERE source_id = ? AND {TEASER_WAITING}
                ORDER BY page_tries, id DESC LIMIT ?""", (source_id, limit))]

    def complete_teaser(self, entry_id: int, page: str, html: str, text: str, words: int, minutes: int) -> bool:
        """Give a teaser the full text its page holds (`page`: that page's canonical address), to be summed up and
        filed again from it, and found by its copies through it; False when the stored text says as much by now
        (the feed gave the whole post since)."""
        stored = self.conn.execute("SELECT word_count FROM entries WHERE id = ?", (entry_id,)).fetchone()
        if stored is None or stored[0] >= words:
            return False
        rewrite_bands(self.conn, entry_id, text)  # reads the teaser's text: before the update
        stored_html, stored_text = stored_post(html, text, is_postgres(self.conn))
        remember_text(stored_text, stored_html, text)
        self.conn.execute(
            """UPDATE entries SET content_html = ?, text = ?, word_count = ?, reading_minutes = ?, fingerprint = ?,
                   page_canonical = coalesce(page_canonical, ?), enriched_at = NULL
               WHERE id = ?""",
            (stored_html, stored_text, words, minutes, text_fingerprint(text), page, entry_id))
        return True
