"""The near-duplicate bands of a SQLite library, written once per batch (store/band_queue.py).

Expected: a fetch's batch writes every kept post's 32 band rows as it commits, in the index's order; until
then a later post of the same batch finds its copy among the queued ones; a feed's unit rolled back takes
its queued rows with it (and an id given again gets only its new post's rows); a post whose text changes
within the batch keeps only the rows of its new text; writes outside a batch write their rows at once.
"""

from __future__ import annotations

import random
from array import array

import pytest

from blogreader.dedupe.near_duplicates import BANDS
from blogreader.models import NewEntry
from blogreader.store import Store
from blogreader.store.band_queue import BandQueue, in_key_order
from blogreader.store.database import Batch
from blogreader.store.duplicates import near_duplicate_marks

pytestmark = pytest.mark.sqlite_only  # a PostgreSQL connection has no queue: its bands are written at once

STORY = " ".join(f"Sentence {n} on how sparse autoencoders split a model's features into parts." for n in range(14))
OTHER = " ".join(f"Paragraph {n} about retrieval, rerankers and the indexes they read from." for n in range(14))


def post(guid: str, text: str, site: str = "blog") -> NewEntry:
    return NewEntry(title=f"Post {guid}", url=f"https://{site}.example.com/{guid}", canonical_url=None, guid=guid,
                    author=None, published=None, content_html=f"<p>{text}</p>", text=text,
                    word_count=len(text.split()), reading_minutes=1, feed_summary=None,
                    content_hash=f"{guid}:{hash(text)}")


def band_rows(store: Store, entry_id: int) -> list[int]:
    return [row[0] for row in store.conn.execute("SELECT key FROM entry_bands WHERE entry_id = ? ORDER BY band",
                                                 (entry_id,))]


def keys_of(text: str) -> list[int]:
    return list(near_duplicate_marks(text).keys)


@pytest.fixture
def store(tmp_path):
    store = Store.open(tmp_path / "blogreader.db")
    for name in ("blog", "mirror"):
        store.add_source(f"https://{name}.example.com/feed", "feed")
    yield store
    store.close()


def test_a_batch_writes_each_post_s_bands_as_it_commits(store):
    batch = Batch(store.conn, 10)
    with batch.unit():
        first = store.save_entries(1, [post("a", STORY)]).ids[0]
    assert band_rows(store, first) == []  # queued, not written yet
    with batch.unit():
        second = store.save_entries(1, [post("b", OTHER)]).ids[0]
    batch.commit()
    assert band_rows(store, first) == keys_of(STORY)
    assert band_rows(store, second) == keys_of(OTHER)
    assert len(band_rows(store, first)) == BANDS


def test_a_copy_later_in_the_same_batch_is_linked_to_the_queued_story(store):
    batch = Batch(store.conn, 10)
    with batch.unit():
        story = store.save_entries(1, [post("a", STORY)]).ids[0]
    with batch.unit():
        # A new opening, so only the bands lead to the story (not its opening words), and a footer.
        copy = store.save_entries(2, [post("b", "First, a word from the editors of this mirror. " + STORY
                                           + " Shared by a reader.", site="mirror")]).ids[0]
    batch.commit()
    assert store.entry(copy).duplicate_of == story


def test_a_unit_rolled_back_takes_its_queued_bands_and_a_reused_id_gets_only_its_own(store):
    batch = Batch(store.conn, 10)
    with batch.unit():
        kept = store.save_entries(1, [post("a", OTHER)]).ids[0]
    with pytest.raises(RuntimeError), batch.unit():
        lost = store.save_entries(1, [post("b", STORY)]).ids[0]
        raise RuntimeError("the feed failed after its posts were stored")
    with batch.unit():
        short = store.save_entries(1, [post("c", "Too short to be told from another post.")]).ids[0]
    batch.commit()
    assert short == lost  # SQLite gave the rolled-back post's id again
    assert band_rows(store, short) == []  # and none of the rolled-back story's rows came with it
    assert band_rows(store, kept) == keys_of(OTHER)
    with batch.unit():  # nor does the story's copy find anything of it
        copy = store.save_entries(2, [post("d", STORY, site="mirror")]).ids[0]
    batch.commit()
    assert store.entry(copy).duplicate_of is None


def test_a_post_rewritten_within_the_batch_keeps_the_bands_of_its_new_text(store):
    batch = Batch(store.conn, 10)
    with batch.unit():
        entry_id = store.save_entries(1, [post("a", STORY)]).ids[0]
    with batch.unit():
        assert store.save_entries(1, [post("a", OTHER)]).updated == 1
    batch.commit()
    assert band_rows(store, entry_id) == keys_of(OTHER)


def test_writes_outside_a_batch_write_their_bands_at_once(store):
    entry_id = store.save_entries(1, [post("a", STORY)]).ids[0]
    assert band_rows(store, entry_id) == keys_of(STORY)


def test_rows_come_in_the_index_s_order():
    rng = random.Random(7)
    posts = [(n, array("q", [rng.getrandbits(64) - (1 << 63) for _ in range(BANDS)])) for n in range(50)]
    expected = sorted((band, key, n) for n, keys in posts for band, key in enumerate(keys))
    assert in_key_order(posts) == expected
    assert in_key_order([(n, list(keys)) for n, keys in posts]) == expected
    uneven = posts[:3] + [(99, posts[3][1][:5])]  # a post of another number of bands: every row, in any order
    assert sorted(in_key_order(uneven)) == sorted((b, k, n) for n, keys in uneven for b, k in enumerate(keys))
    assert in_key_order([]) == []


def test_the_queue_counts_shared_bands_and_undoes_to_a_mark():
    queue = BandQueue()
    queue.add(1, [10, 11, 12])
    mark = queue.mark()
    queue.add(2, [10, 11, 99])
    queue.forget(1)
    assert queue.sharing(3, [10, 11, 12]) == {2: 2}
    queue.roll_back(mark)
    assert queue.sharing(3, [10, 11, 12]) == {1: 3}
    assert queue.sharing(1, [10, 11, 12]) == {}  # never itself
    queue.discard()
    assert queue.sharing(3, [10]) == {} and not queue.open
