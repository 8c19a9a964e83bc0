"""The learned classifier and promo judge: saved fits, uncertainty, the user's labels, what a post is for."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from blogreader.config import load_settings
from blogreader.enrich import local_classifier, model_cache, promo_model
from blogreader.enrich.base import Document
from blogreader.enrich.local_classifier import Example, LocalClassifier
from blogreader.enrich.promo import judge_promo
from blogreader.enrich.runner import enrich_entries
from blogreader.enrich.taxonomy import DEFAULT_TAXONOMY
from blogreader.models import ParsedEntry
from blogreader.normalize.entry import normalize_entry
from blogreader.store import Store

REAL = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "real" / "posts.json"
RL_TEXT = ("We train a policy with reinforcement learning: the agent collects rollouts, a critic estimates the value "
           "function and policy gradient updates maximize the expected reward of the robot's actions. ") * 4


def test_the_fit_is_saved_and_reused_until_the_labels_change(tmp_path, monkeypatch):
    monkeypatch.setattr(model_cache, "SHIPPED", tmp_path / "nothing-shipped")
    first = model_cache.load_or_fit(DEFAULT_TAXONOMY, [], tmp_path)
    assert len(list(tmp_path.glob("classifier-*.npz"))) == 1

    def no_fit(*args, **kwargs):
        raise AssertionError("fitted again although nothing it learns from changed")

    monkeypatch.setattr(local_classifier, "fit", no_fit)
    again = model_cache.load_or_fit(DEFAULT_TAXONOMY, [], tmp_path)
    doc = Document("Policy gradients for robot control", RL_TEXT)
    assert again.classify(doc) == first.classify(doc)
    monkeypatch.undo()

    labelled = [Example(Document("My weekly notes", "notes of the week"), "Writing")]
    model_cache.load_or_fit(DEFAULT_TAXONOMY, labelled, tmp_path)
    assert len(list(tmp_path.glob("classifier-*.npz"))) == 2  # a new label: one new fit


def test_a_clear_post_is_filed_and_an_empty_one_is_uncertain():
    classifier = LocalClassifier(DEFAULT_TAXONOMY)
    clear = classifier.classify(Document("Policy gradients for robot control", RL_TEXT))
    assert (clear.category, clear.origin) == ("RL", "local")
    vague = classifier.classify(Document("Lorem ipsum", "Dolor sit amet, consectetur adipiscing elit."))
    assert vague.origin == "uncertain" and vague.category  # the best guess is kept, marked as a guess


def _library(tmp_path: Path, posts: list[tuple[str, str]]) -> tuple[Store, object, list[int]]:
    settings = load_settings(tmp_path / "library")
    store = Store.open(settings.database_path)
    source, _ = store.add_source("https://blog.example/feed", "feed", title="Example blog")
    entries = [normalize_entry(ParsedEntry(title, f"https://blog.example/{n}", content_html=f"<p>{text}</p>"),
                               "https://blog.example/feed") for n, (title, text) in enumerate(posts)]
    return store, settings, store.save_entries(source.id, entries).ids


def test_a_custom_label_does_not_take_over_entries_or_move_labelled_ones(tmp_path):
    posts = [("Week 12 notes", "Links I liked this week and a few thoughts on them."),
             ("Reward models for robot arms", RL_TEXT),
             ("Sparse autoencoders on a small model", "We train sparse autoencoders on the residual stream and "
              "find interpretable features; probing and steering with them changes the model's behaviour. " * 3),
             ("Faster attention kernels", "A CUDA kernel for attention on GPUs: tiling in shared memory, fused "
              "softmax and the memory bandwidth of the H100. " * 3)]
    store, settings, ids = _library(tmp_path, posts)
    try:
        enrich_entries(store, settings)
        store.edit(ids[0], category="My Weeklies")
        store.edit(ids[1], category="Safety")  # the user's own verdict, even if the model disagrees
        enrich_entries(store, settings)
        categories = [store.entry(entry_id).category for entry_id in ids]
        assert categories[0] == "My Weeklies" and categories[1] == "Safety"
        assert "My Weeklies" not in categories[2:]
        store.edit(ids[2], category="Interpretability")
        enrich_entries(store, settings)
        assert [store.entry(entry_id).category for entry_id in ids[:3]] == ["My Weeklies", "Safety", "Interpretability"]
    finally:
        store.close()


def test_promotions_are_judged_by_purpose_not_by_the_source_name():
    hiring = Document("We are hiring research interns", "Our team is looking for interns to join us this summer. "
                      "Apply through our careers page before the deadline; interns work with a mentor on real projects.")
    assert judge_promo(hiring).promo
    release = Document("vLLM now supports prefix caching", "vLLM " * 5 + "adds automatic prefix caching: the KV cache "
                       "blocks of a shared prompt are hashed and reused across requests, cutting prefill time. " * 8,
                       source="vllm")
    assert not judge_promo(release).promo


def test_a_new_library_loads_the_shipped_fit_instead_of_fitting(tmp_path, monkeypatch):
    shipped = model_cache.SHIPPED / f"classifier-{model_cache.cache_key(DEFAULT_TAXONOMY, [])}.npz"
    assert shipped.exists(), "the default fit is stale: run python -m blogreader.enrich.model_cache"

    def no_fit(*args, **kwargs):
        raise AssertionError("a library without labels fitted the default taxonomy again")

    monkeypatch.setattr(local_classifier, "fit", no_fit)
    classifier = model_cache.load_or_fit(DEFAULT_TAXONOMY, [], tmp_path)
    assert classifier.classify(Document("Policy gradients for robot control", RL_TEXT)).category == "RL"
    assert not list(tmp_path.glob("classifier-*.npz"))


def test_the_shipped_promo_model_matches_its_examples():
    key_file = Path(promo_model.__file__).with_name("promo_model.key")
    assert key_file.read_text(encoding="utf-8").strip() == promo_model.training_key(), \
        "run: python -m blogreader.enrich.promo_model"


def test_list_promo_shows_what_was_hidden(cli, tmp_path):
    assert cli("list", "--promo").code == 0
    home = tmp_path / "library"
    store = Store.open(load_settings(home).database_path)
    try:
        source, _ = store.add_source("https://blog.example/feed", "feed", title="Example blog")
        entries = [normalize_entry(ParsedEntry(title, f"https://blog.example/{n}", content_html="<p>Text here.</p>"),
                                   None) for n, title in enumerate(["A promotion", "A post"])]
        ids = store.save_entries(source.id, entries).ids
        store.set_promo([ids[0]], True)
    finally:
        store.close()
    shown = cli("list", "--promo", "--json")
    assert shown.code == 0 and [entry["title"] for entry in shown.json] == ["A promotion"]
    assert cli("list", "--promo", "--unread").code == 2


@pytest.mark.skipif(not REAL.exists(), reason=f"{REAL} is absent: the real-posts corpus is not here")
def test_real_posts_promo_flags_do_not_depend_on_the_source_name():
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
    import quality_real_labels

    _, posts = quality_real_labels.load(REAL)
    promo = quality_real_labels.promo_report(posts)
    assert promo["short_name_vllm"]["false_flags"] == [] == promo["feed_titles"]["false_flags"]
    assert promo["short_name_vllm"]["recall"] == promo["feed_titles"]["recall"] > 0.5


def test_the_real_quality_report_skips_without_the_corpus(tmp_path):
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
    import quality_real_labels

    result = quality_real_labels.report(tmp_path / "absent.json")
    assert "absent" in result["skipped"]
    json.dumps(result)


SAFETY_TEXT = ("Jailbreaks and backdoors: we red-team the model for misalignment, measure AI risk and propose "
               "governance rules for deployment. ") * 4
VAGUE_TEXT = "A short note from the lab this week: what we did, who visited and what comes next. "


def test_labels_teach_their_own_source_what_it_writes_about():
    """A lab whose labels are mostly Safety: its vague entries lean Safety; the same entry of another feed does not."""
    labels = [Example(Document(f"Red-teaming note {n}", SAFETY_TEXT, source="Safety Lab"), "Safety") for n in range(8)]
    labels += [Example(Document(f"Lab week {n}", VAGUE_TEXT, source="Safety Lab"), "Safety") for n in range(4)]
    labels += [Example(Document("Robot policy notes", RL_TEXT, source="Safety Lab"), "RL")]
    classifier = LocalClassifier(DEFAULT_TAXONOMY, labels)
    assert classifier.local.weights["Safety Lab"] > 0  # leaving each label out, the shares filed more of them right
    post = Document("Lab week 9", VAGUE_TEXT, source="Safety Lab")
    own = classifier.classify(post)
    other = classifier.classify(Document(post.title, post.text, source="Another Blog"))
    assert own.category == "Safety"
    share = lambda result: result.confidence if result.category == "Safety" else 0.0  # noqa: E731
    assert share(own) > share(other)
    # words that clearly say otherwise keep their category in the labelled source too
    assert classifier.classify(Document("Policy gradients for robot control", RL_TEXT, source="Safety Lab")).category == "RL"


def test_labels_that_do_not_predict_their_source_are_not_heard():
    """Labels the fit alone already files right teach nothing more: the source's entries are filed as without them."""
    labels = [Example(Document(f"Robot policy {n}", RL_TEXT, source="Robot Lab"), "RL") for n in range(6)]
    classifier = LocalClassifier(DEFAULT_TAXONOMY, labels)
    assert classifier.local.weights["Robot Lab"] == 0
    post = Document("Sparse autoencoders", "We train sparse autoencoders on the residual stream and find "
                    "interpretable features; probing and steering with them. " * 3, source="Robot Lab")
    assert classifier.classify(post).category == LocalClassifier(DEFAULT_TAXONOMY).classify(post).category


def test_the_base_fit_is_kept_beside_the_taught_one(tmp_path):
    labels = [Example(Document("A lab note", RL_TEXT, source="Robot Lab"), "RL")]
    model_cache.load_or_fit(DEFAULT_TAXONOMY, labels, tmp_path)
    assert len(list(tmp_path.glob("classifier-*.npz"))) == 1  # the taught fit; the base one ships with the package
    again = model_cache.load_or_fit(DEFAULT_TAXONOMY, labels, tmp_path)
    assert again.base is not None and again.classify(Document("Robot policy", RL_TEXT, source="Other")).category == "RL"


def test_labels_of_one_source_leave_other_sources_as_they_were():
    """Twenty labels of one blog teach that blog only: an entry of another blog is filed exactly as without them."""
    labels = [Example(Document(f"Lab note {n}", SAFETY_TEXT, source="Safety Lab"), "Safety") for n in range(10)]
    labels += [Example(Document(f"Robot note {n}", RL_TEXT, source="Safety Lab"), "Safety") for n in range(10)]
    taught = LocalClassifier(DEFAULT_TAXONOMY, labels)
    alone = LocalClassifier(DEFAULT_TAXONOMY)
    for text in (RL_TEXT, SAFETY_TEXT, VAGUE_TEXT):
        post = Document("A post", text, source="Another Blog")
        assert taught.classify(post) == alone.classify(post)


def test_a_set_without_roundups_reports_roundup_figures_as_not_applicable(tmp_path):
    """A held-out set of articles only: the roundup figures are None (nothing to score), not 0.0 and missed;
    false splits are still counted, and the set's own split is reported."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
    import quality_real_text

    prose = "<p>We trained a small model on our own notes and measured how often it was right. </p>" * 30
    posts = [{"id": f"notes:{n}", "source": "notes", "title": f"Notes {n}", "url": f"https://notes.example/{n}",
              "published": None, "html": prose, "reference_summary": None, "items": None} for n in range(2)]
    corpus = {"split": "heldout", "sources": {"notes": {"feed_title": "Notes"}}, "posts": posts}
    path = tmp_path / "posts.json"
    path.write_text(json.dumps(corpus), encoding="utf-8")
    result = quality_real_text.report(path)
    assert result["split"] == "heldout" and result["roundup_posts"] == 0
    assert result["roundup_item_recall"] is None and result["roundup_item_precision"] is None
    assert result["met"]["item_recall"] is None and result["met"]["false_splits"] is True
    assert result["roundups_by_source"] == {}
