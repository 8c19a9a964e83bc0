"""Identity of works: every link shape of one paper or post folds to one address; different works never do."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from blogreader.dedupe.works import same_work, work_url
from blogreader.normalize.urls import canonical_url

ROOT = Path(__file__).resolve().parents[2]


def quality_module():
    spec = importlib.util.spec_from_file_location("quality_for_works", ROOT / "bench" / "quality.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_labelled_link_pairs_meet_the_floors():
    scores = quality_module().work_pair_scores()
    assert scores["work_pairs"] >= 150
    assert scores["work_pair_precision"] == 1.0, scores["work_pair_errors"]
    assert scores["work_pair_recall"] >= 0.98, scores["work_pair_errors"]


@pytest.mark.parametrize("link", [
    "https://arxiv.org/pdf/2401.12345v2.pdf", "https://huggingface.co/papers/2401.12345",
    "https://www.alphaxiv.org/abs/2401.12345", "https://ar5iv.labs.arxiv.org/html/2401.12345",
    "https://ar5iv.org/abs/2401.12345v1", "http://export.arxiv.org/abs/2401.12345",
    "https://arxiv.org/html/2401.12345v3/", "https://doi.org/10.48550/arXiv.2401.12345",
])
def test_arxiv_mirrors_and_viewers_fold_to_the_abstract(link):
    assert canonical_url(link) == "https://arxiv.org/abs/2401.12345"


def test_old_arxiv_ids_keep_their_archive_and_drop_the_subject_class():
    assert canonical_url("https://arxiv.org/pdf/hep-th/9901001v2") == "https://arxiv.org/abs/hep-th/9901001"
    assert canonical_url("https://arxiv.org/abs/math.GT/0309136") == "https://arxiv.org/abs/math/0309136"
    assert canonical_url("https://arxiv.org/abs/2401.1234") != canonical_url("https://arxiv.org/abs/2401.12345")


def test_dois_fold_case_and_escaping_and_keep_their_suffix():
    expected = "https://doi.org/10.1016/s0004-3702(98)00023-x"
    assert canonical_url("https://DX.DOI.org/10.1016%2FS0004-3702%2898%2900023-X") == expected
    assert canonical_url("https://dl.acm.org/doi/pdf/10.1145/3442188.3445922") == "https://doi.org/10.1145/3442188.3445922"
    assert not same_work("https://doi.org/10.1145/3442188.3445922", "https://doi.org/10.1145/3442188")
    odd = canonical_url("https://doi.org/10.1002/(SICI)1097-4571(199806)49:8<693::AID-ASI4>3.0.CO;2-O")
    assert "<" not in odd and canonical_url(odd) == odd


def test_openreview_and_forum_posts_fold_by_id():
    assert canonical_url("https://openreview.net/pdf?id=HkxLXnAcFQ") == "https://openreview.net/forum?id=HkxLXnAcFQ"
    assert work_url("https://openreview.net/attachment?id=HkxLXnAcFQ&name=supplementary_material") is None
    post = "https://www.lesswrong.com/posts/AanbbjYr5zckMKde7"
    assert canonical_url("https://www.alignmentforum.org/posts/AanbbjYr5zckMKde7/a-slug") == post
    assert canonical_url("https://www.greaterwrong.com/posts/AanbbjYr5zckMKde7/a-slug") == post
    assert work_url(post + "/a-slug?commentId=k3Fz8WqLmN2pR7tYc") is None


def test_a_page_naming_another_address_as_canonical_is_that_work():
    assert same_work("https://aistrategy.substack.com/p/x", "https://www.notes.example/p/x",
                     page_canonical_a="https://www.notes.example/p/x")
    assert not same_work("https://aistrategy.substack.com/p/x", "https://www.notes.example/p/x")


@pytest.mark.parametrize("text", ["", "not a url", "https://", "ftp://arxiv.org/abs/2401.12345",
                                  "https://doi.org/", "https://doi.org/" + "10.1/" + "x" * 400,
                                  "https://openreview.net/forum?id=", "https://[::1/abs/2401.12345"])
def test_odd_links_name_no_work(text):
    assert work_url(text) is None


def test_every_canonical_work_address_is_stable():
    rows = (ROOT / "tests" / "fixtures" / "works" / "url_pairs.tsv").read_text(encoding="utf-8").splitlines()
    for line in rows:
        if line and not line.startswith(("#", "label\t")):
            for link in line.split("\t")[1:5]:
                if link:
                    once = canonical_url(link)
                    assert canonical_url(once) == once, link


def test_huge_links_are_read_in_one_pass_and_name_no_work():
    # Every pattern is anchored and linear: a megabyte of near-misses answers at once, and correctly.
    assert work_url("https://arxiv.org/abs/" + "1" * 1_000_000) is None
    assert work_url("https://dl.acm.org/doi/10.1145/" + "a/" * 500_000 + " ") is None
    assert work_url("https://openreview.net/forum?" + "id=x&" * 200_000) is None
    assert work_url("https://www.lesswrong.com/posts/" + "A" * 1_000_000) is None
    assert canonical_url("https://arxiv.org/abs/2401.12345?" + "a=1&" * 100_000) == "https://arxiv.org/abs/2401.12345"
