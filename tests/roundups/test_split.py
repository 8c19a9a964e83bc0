"""Roundup splitting pinned on hand-written fixtures: three roundup shapes in several templates, and near-misses.

Every fixture in tests/fixtures/roundups/ is a post body as a feed or page would carry it. Each test runs it
through the product's sanitizer first, as the pipeline does, then asserts the exact split: rank as printed,
title without its number, and the link the item sends readers to (never an image or CDN link, a context link
inside the blurb, a subscribe/share/comment button, or another post of the same publication).

Where the splitter gets a fixture wrong, the test asserts the correct result and may be marked
xfail(strict=True) with the reason, naming the splitter fault, not the fixture.

`pytest -s tests/roundups -k precision` prints item precision and recall over all fixtures.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from blogreader.normalize.sanitize import sanitize_html
from blogreader.roundups import split_roundup

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "roundups"

@dataclass
class Case:
    page_url: str
    publication_url: str | None
    expected: list[tuple[int, str, str]]
    items_fault: str | None = None  # why the exact-split test is expected to fail
    blurbs_fault: str | None = None  # why the blurb test is expected to fail
    kind: str = "roundup"
    notes: list[str] = field(default_factory=list)


CASES: dict[str, Case] = {
    # 1a. Substack-like: <h3>10. Title</h3> down to 1., sponsor block, CDN images, context links, buttons,
    #     a link to the newsletter's own earlier post, and "3.Title" without a space.
    "numbered_substack_desc": Case(
        "https://www.gradientledger.pub/p/this-week-in-ai-research-w24",
        "https://www.gradientledger.pub",
        [
            (10, "Sparse Mixture-of-Depths for Long-Context Retrieval", "https://arxiv.org/abs/2606.11873"),
            (9, "CodeArena-Live: Contamination-Free Evaluation of Coding Agents", "https://arxiv.org/pdf/2606.12044v1"),
            (8, "Falcon-Edge 3", "https://www.tii.ae/news/falcon-edge-3-ternary-models-on-device"),
            (7, "Self-Distilled Reasoners: On-Policy Distillation Without a Teacher", "https://arxiv.org/abs/2606.12390"),
            (6, "Lumen-OCR 2", "https://northwind.ai/news/lumen-ocr-2"),
            (5, "Process Reward Models Are Secretly Value Functions", "https://arxiv.org/abs/2606.13102"),
            (4, "Tool-Use Curricula for Small Language Models", "https://arxiv.org/abs/2606.13577"),
            (3, "Verifier-Guided Test-Time Scaling for Theorem Proving", "https://arxiv.org/pdf/2606.14011"),
            (2, "KV-Cache Quantization Without Calibration Data", "https://arxiv.org/abs/2606.14420"),
            (1, "Agents That Write Their Own Unit Tests", "https://arxiv.org/abs/2606.15003"),
        ],
    ),
    # 1b. Ascending "<h2>1) <a>Title</a></h2>", no read-more line, context links in blurbs.
    "numbered_linked_h2_asc": Case(
        "https://sundaypapers.dev/posts/2026-06-14-seven-papers/",
        "https://sundaypapers.dev/",
        [
            (1, "Muon at Scale: Orthogonal Updates for 100B-Parameter Training", "https://arxiv.org/abs/2606.09114"),
            (2, "When Do Reasoning Models Overthink? A Budget-Aware Analysis", "https://arxiv.org/abs/2606.09342"),
            (3, "Tokenizer-Free Language Models with Learned Byte Patching", "https://openreview.net/forum?id=Xk3pQ9vLm2"),
            (4, "3D Scene Graphs as Memory for Embodied Agents", "https://arxiv.org/abs/2606.10077"),
            (5, "Calibrated Refusals: Teaching Models When Not to Answer", "https://arxiv.org/abs/2606.10231"),
            (6, "Data Mixing Laws for Continued Pretraining", "https://arxiv.org/abs/2606.10588"),
            (7, "Sparse Autoencoders Find Planning Features in Chess Models", "https://arxiv.org/abs/2606.10902"),
        ],
        items_fault=None,
    ),
    # 1c. Bold-paragraph headings "<p><strong>5. Title</strong></p>" with "Paper: arXiv" / "[paper] [code]".
    "numbered_bold_paragraphs": Case(
        "https://notes.latentlab.io/papers-of-the-week-24/",
        "https://notes.latentlab.io/",
        [
            (5, "Low-Rank Adapters Forget Less Than Full Fine-Tuning", "https://arxiv.org/abs/2606.07781"),
            (4, "Speculative Decoding with Draft Heads Trained on Rejections", "https://arxiv.org/abs/2606.07902"),
            (3, "Vision-Language Models Cannot Count Past Seven", "https://arxiv.org/abs/2606.08015"),
            (2, "Retrieval Heads Explain Long-Context Failures", "https://arxiv.org/abs/2606.08233"),
            (1, "Learning to Search with Language Model Priors", "https://arxiv.org/abs/2606.08410"),
        ],
        items_fault=None,
    ),
    # 1d. Medium-like: "<h3>1. Title</h3>", Medium CDN images, "📄 Paper: <url>" and "💻 Code: <url>" lines.
    "numbered_medium_emoji_links": Case(
        "https://medium.com/@rhea.kapoor/top-ai-papers-of-the-week-june-8-14-3c9a1f0e2b7d",
        "https://medium.com/@rhea.kapoor",
        [
            (1, "FlashDecoding-MoE: Fast Inference for Fine-Grained Experts", "https://arxiv.org/abs/2606.05518"),
            (2, "Reward Hacking in Agentic Coding Benchmarks", "https://arxiv.org/abs/2606.05701"),
            (3, "Small Models Can Self-Correct with the Right Feedback", "https://arxiv.org/abs/2606.05833"),
            (4, "GraphRAG Without the Graph", "https://arxiv.org/abs/2606.06047"),
            (5, "Diffusion Language Models Learn to Plan Backwards", "https://arxiv.org/abs/2606.06190"),
            (6, "Measuring Long-Horizon Agent Reliability", "https://arxiv.org/abs/2606.06322"),
        ],
        items_fault=None,
        blurbs_fault=None,
    ),
    # 1e. WordPress-like: "<h3>5. <a>Title</a></h3>" counting down, "project page" / "GitHub" context links.
    "numbered_linked_h3_desc": Case(
        "https://mlfieldnotes.wordpress.com/2026/06/16/five-papers/",
        "https://mlfieldnotes.wordpress.com/",
        [
            (5, "Video World Models Need Physics Supervision", "https://arxiv.org/abs/2606.03310"),
            (4, "Quantization-Aware Distillation for 4-bit Reasoning Models", "https://arxiv.org/abs/2606.03544"),
            (3, "A Survey of Evaluation for LLM Agents", "https://arxiv.org/abs/2606.03861"),
            (2, "Tracing Model Circuits at Scale", "https://www.anthropic.com/research/tracing-model-circuits-at-scale"),
            (1, "Prompt Caching Is a Side Channel", "https://arxiv.org/abs/2606.04127"),
        ],
        items_fault=None,
    ),
    # 2a. Links and recs: <li><p><strong>heading</strong></p><p><a>linked title</a></p> commentary, quotes,
    #     a context link and a footnote list inside one bullet. Title = the linked title.
    "links_recs_paragraphs": Case(
        "https://kernelnotes.dev/2026/06/links-and-recs-june/",
        "https://kernelnotes.dev/",
        [
            (1, "A Field Guide to LLM Post-Training – Hugging Face", "https://huggingface.co/blog/post-training-field-guide"),
            (2, "Warp Specialization, From First Principles : gpuguy’s notes", "https://gpuguy.github.io/posts/warp-specialization/"),
            (3, "Your Benchmark Is Leaking", "https://evalsguild.substack.com/p/your-benchmark-is-leaking"),
            (4, "How Long Is Your Context Really? – Mira Patel", "https://mirapatel.net/writing/effective-context/"),
            (5, "tritonhub/liger-mini: Fused training kernels in Triton", "https://github.com/tritonhub/liger-mini"),
            (6, "[2606.02241] Scaling Laws for Reinforcement Learning from Verifiable Rewards", "https://arxiv.org/abs/2606.02241"),
        ],
        items_fault=None,
        blurbs_fault=None,
        kind="links",
    ),
    # 2b. Links and recs: <li><h4>heading</h4><p><a>linked title</a></p><blockquote>..., one bullet whose link
    #     line is a bare URL (title: the heading), one whose link is inline in the first sentence.
    "links_recs_h4_quotes": Case(
        "https://www.fenwick.blog/category/links-and-recs/",
        "https://www.fenwick.blog/",
        [
            (1, "Why Attention Sinks Exist — LessWrong", "https://www.lesswrong.com/posts/q7XbR2mPa/why-attention-sinks-exist"),
            (2, "Speculative Decoding in Production | PyTorch", "https://pytorch.org/blog/speculative-decoding-in-production/"),
            (3, "Evolving coding agents", "https://open.substack.com/pub/mlbreakdowns/p/evolutionary-coding-agents"),
            (4, "Forecasting research bets", "https://asteriskmag.com/issues/11/how-to-fund-a-moonshot"),
            (5, "[2606.01187] Translating Between Embedding Spaces Without Paired Data", "https://arxiv.org/abs/2606.01187"),
            (6, "[2606.01502] What Tokenizers Buy Transformers: A Markov View", "https://arxiv.org/abs/2606.01502"),
            (7, "[2606.01893] Reverse-Engineering the Warp Scheduler of Modern GPUs", "https://arxiv.org/abs/2606.01893"),
        ],
        items_fault=None,
        kind="links",
    ),
    # 2c. Links and recs, compact <li><p><strong>..</strong></p><p><a>..</a></p><p>..</p></li>, one bullet with
    #     a one-line note.
    "links_recs_short_notes": Case(
        "https://tensorgarden.net/links/2026-06/",
        "https://tensorgarden.net/",
        [
            (1, "Load Balancing Without Auxiliary Losses", "https://www.moeworkshop.org/blog/load-balancing-without-aux-loss"),
            (2, "Five Tokenizer Bugs That Cost Me a Week", "https://karinalopez.dev/notes/tokenizer-bugs"),
            (3, "Pipeline Parallelism | How To Scale Your Model", "https://jax-ml.github.io/scaling-book/pipelining/"),
            (4, "Curation at Scale: What We Learned Filtering 20T Tokens", "https://www.datologyai.com/post/curation-at-scale"),
            (5, "circuitlab/attribution-graphs: Open-source attribution graphs for open-weight models", "https://github.com/circuitlab/attribution-graphs"),
        ],
        items_fault=None,
        blurbs_fault=None,
        kind="links",
    ),
    # 3a. Weekly digest: <h3> titles, summary ending in <a>Source</a>, optional take, newsletter footer.
    "digest_h3_source": Case(
        "https://weeklysignal.substack.com/p/what-caught-my-attention-in-w24",
        "https://weeklysignal.substack.com",
        [
            (1, "Reasoning Traces Are Mostly Post-Hoc", "https://arxiv.org/abs/2606.04410"),
            (2, "Open-Weight Model Tops a Coding Leaderboard", "https://huggingface.co/blog/open-coder-rl-release"),
            (3, "Energy Use of Inference, Measured", "https://www.iea.org/reports/energy-and-ai-inference-2026"),
            (4, "Sparse Attention Goes Mainstream", "https://blog.vllm.ai/2026/06/10/sparse-attention.html"),
            (5, "Agents Get a Standard Permission Model", "https://agentpermissions.org/spec/draft-01"),
            (6, "Synthetic Data Collapse, Revisited", "https://arxiv.org/abs/2606.05129"),
        ],
        blurbs_fault=None,
        kind="digest",
    ),
    # 3b. Weekly digest: <p><strong> titles.
    "digest_strong_titles": Case(
        "https://aiweekly.beehiiv.com/p/issue-112",
        "https://aiweekly.beehiiv.com",
        [
            (1, "Adam Without the Second Moment", "https://arxiv.org/abs/2606.02877"),
            (2, "A Benchmark for Scientific Agents", "https://openai.com/index/paper-reproduction-benchmark/"),
            (3, "Phi-Style Model Beats Models Five Times Its Size", "https://www.microsoft.com/en-us/research/blog/small-model-large-reasoning/"),
            (4, "Court Rules on Training Data", "https://www.reuters.com/legal/court-rules-ai-training-books-fair-use-2026-06-12/"),
            (5, "Running Models in the Browser", "https://webllm.dev/blog/webgpu-everywhere"),
        ],
        kind="digest",
    ),
    # 3c. Weekly digest: <h2> titles; one item's summary runs over two paragraphs before its Source link.
    "digest_h2_two_paragraphs": Case(
        "https://www.signalandnoise.news/w25/",
        "https://www.signalandnoise.news",
        [
            (1, "Learned Optimizers Reach Production", "https://arxiv.org/abs/2606.06611"),
            (2, "The Hidden Cost of Long System Prompts", "https://www.promptlayer.dev/blog/hidden-cost-of-long-system-prompts"),
            (3, "Robot Foundation Model Learns from Videos", "https://www.physicalintelligence.company/blog/learning-from-human-video"),
            (4, "Evaluation Contamination Detector Released", "https://github.com/evalhygiene/contam-detect"),
            (5, "Multimodal Models Read Charts Badly", "https://arxiv.org/abs/2606.07044"),
        ],
        items_fault=None,
        blurbs_fault=None,
        kind="digest",
    ),
    # 4. Near-misses: must not split.
    "nearmiss_tutorial_numbered_sections": Case("https://lorafromscratch.dev/posts/lora-support-tickets/", "https://lorafromscratch.dev/", [], kind="near-miss"),
    "nearmiss_steps_ol": Case("https://trainfaster.blog/profiling-checklist/", "https://trainfaster.blog/", [], kind="near-miss"),
    "nearmiss_steps_ol_linked": Case(
        "https://gpuhomelab.net/2026/06/workstation-setup/", "https://gpuhomelab.net/", [],
        items_fault=None, kind="near-miss",
    ),
    "nearmiss_essay_inline_links": Case("https://scalingessays.substack.com/p/is-scaling-over", "https://scalingessays.substack.com", [], kind="near-miss"),
    "nearmiss_tag_links": Case("https://notes.latentlab.io/tags/", "https://notes.latentlab.io/", [], kind="near-miss"),
    "nearmiss_further_reading": Case("https://ropeexplained.dev/posts/rotary-intuition/", "https://ropeexplained.dev/", [], kind="near-miss"),
}

PROMO = re.compile(
    r"\bsubscribe|^share$|\bshare (?:this|it)\b|before we begin|grab your copy|introduce you to|leave a comment|"
    r"evaluating llm systems in production",
    re.IGNORECASE | re.MULTILINE,
)


def split_fixture(name: str):
    case = CASES[name]
    html = sanitize_html((FIXTURES / f"{name}.html").read_text(encoding="utf-8"), case.page_url)
    return split_roundup(html, case.page_url, case.publication_url)


def _param(name: str, fault: str | None):
    marks = [pytest.mark.xfail(strict=True, raises=AssertionError, reason=fault)] if fault else []
    return pytest.param(name, marks=marks, id=name)


def test_every_fixture_has_a_case_and_every_case_a_fixture():
    assert sorted(path.stem for path in FIXTURES.glob("*.html")) == sorted(CASES)


@pytest.mark.parametrize("name", [_param(name, case.items_fault) for name, case in CASES.items()])
def test_split_is_exact(name):
    items = split_fixture(name)
    assert [(item.rank, item.title, item.url) for item in items] == CASES[name].expected


@pytest.mark.parametrize(
    "name", [_param(name, case.blurbs_fault) for name, case in CASES.items() if case.expected]
)
def test_blurbs_are_commentary_without_promo(name):
    items = split_fixture(name)
    assert items, "the roundup did not split, so there are no blurbs to check"
    for item in items:
        assert item.blurb.strip(), f"item {item.rank} has an empty blurb"
        promo = PROMO.search(item.blurb)
        assert promo is None, f"item {item.rank} blurb carries promo text {promo.group(0)!r}: {item.blurb!r}"


def test_no_main_link_is_an_image_a_button_or_the_publications_own_post():
    """Across every fixture's output, no main link is an image/CDN, a button, or the publication's own post."""
    bad = re.compile(r"substackcdn\.com|cdn-images|/content/images/|\.(?:png|jpe?g|webp)$|/subscribe|action=share|/comments\b")
    for name, case in CASES.items():
        own = case.publication_url.split("//", 1)[1].split("/", 1)[0].removeprefix("www.") if case.publication_url else None
        for item in split_fixture(name):
            assert item.url, f"{name}: item {item.rank} has no link"
            assert not bad.search(item.url), f"{name}: item {item.rank} links {item.url}"
            if own and own != "medium.com":
                assert own not in item.url, f"{name}: item {item.rank} links the publication's own {item.url}"


def test_precision_and_recall_over_all_fixtures():
    """Item precision and recall over every fixture (run with -s to see the table).

    An item counts as correct only when rank, title and main link are all exactly as expected; items from a
    near-miss are all false positives. The link-only figures count an item correct when its main link is.
    """
    exact_tp = exact_pred = link_tp = gold = 0
    rows = []
    for name, case in CASES.items():
        got = [(item.rank, item.title, item.url) for item in split_fixture(name)]
        tp = sum((Counter(got) & Counter(case.expected)).values())
        ltp = sum((Counter(url for _, _, url in got) & Counter(url for _, _, url in case.expected)).values())
        exact_tp, exact_pred, link_tp, gold = exact_tp + tp, exact_pred + len(got), link_tp + ltp, gold + len(case.expected)
        rows.append(f"  {name:<38} {case.kind:<9} expected {len(case.expected):>2}  got {len(got):>2}  exact {tp:>2}  link {ltp:>2}")
    precision = exact_tp / exact_pred if exact_pred else 1.0
    recall = exact_tp / gold if gold else 1.0
    link_precision = link_tp / exact_pred if exact_pred else 1.0
    link_recall = link_tp / gold if gold else 1.0
    print("\nroundup split quality over", len(CASES), "fixtures")
    print("\n".join(rows))
    print(f"  items: expected {gold}, predicted {exact_pred}, exactly right {exact_tp}")
    print(f"  item precision {precision:.1%}  recall {recall:.1%}   (rank + title + link)")
    print(f"  link precision {link_precision:.1%}  recall {link_recall:.1%}   (main link only)")
    assert 0.0 <= precision <= 1.0 and 0.0 <= recall <= 1.0


# --- robustness ---------------------------------------------------------------------------------------------------

_TAGS = ["p", "h2", "h3", "h4", "li", "ul", "ol", "div", "blockquote", "strong", "em", "a", "hr", "img", "table", "td"]
_HREFS = [
    "https://arxiv.org/abs/2606.00001", "/p/other-post", "#fn-1", "https://substackcdn.com/image/fetch/x.png",
    "https://pub.example/subscribe?x=1", "mailto:a@b.c", "javascript:alert(1)", "", "http://", "https://[::1]/",
]
_TEXT = st.sampled_from(["10. Title", "3.Title", "1) Paper", "Source", "Read more using this link", "Share",
                         "Subscribe now", "✨ Before we begin", "Paper:", "[paper]", "", "   ", "<", "&amp;", "é",
                         "A long sentence of commentary about transformers and their training data mixtures."])


@st.composite
def html_soup(draw):
    """Tag soup biased toward roundup-like structure: numbered headings, links, lists, unbalanced tags."""
    parts = []
    for _ in range(draw(st.integers(0, 40))):
        tag = draw(st.sampled_from(_TAGS))
        kind = draw(st.integers(0, 3))
        if tag == "a":
            parts.append(f'<a href="{draw(st.sampled_from(_HREFS))}">{draw(_TEXT)}</a>')
        elif kind == 0:
            parts.append(f"<{tag}>")  # left open
        elif kind == 1:
            parts.append(f"</{tag}>")  # stray close
        else:
            parts.append(f"<{tag}>{draw(_TEXT)}{draw(st.text(max_size=20))}</{tag}>")
    return "".join(parts)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    html=st.one_of(st.text(max_size=400), html_soup()),
    page_url=st.sampled_from([None, "https://www.gradientledger.pub/p/roundup", "not a url", "ftp://x/"]),
    publication_url=st.sampled_from([None, "https://www.gradientledger.pub", ""]),
)
def test_split_never_raises_on_sanitized_text_or_html(html, page_url, publication_url):
    """The product path: anything the sanitizer lets through splits or gives [], never an exception."""
    items = split_roundup(sanitize_html(html, page_url), page_url, publication_url)
    assert isinstance(items, list)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@example(html='<p>a</p><p><a href="http://[::1/x">x</a></p><p>c</p>', page_url=None)
@given(html=st.one_of(st.text(max_size=400), html_soup()), page_url=st.sampled_from([None, "https://a.example/p/1"]))
def test_split_never_raises_on_raw_text_or_html(html, page_url):
    """Raw, unsanitized input (a caller that skipped the sanitizer): still never an exception."""
    assert isinstance(split_roundup(html, page_url), list)


@settings(max_examples=100, deadline=None)
@example(page_url="https://ok.example/p/1", publication_url="http://[oops/")
@given(page_url=st.one_of(st.none(), st.text(max_size=40)), publication_url=st.one_of(st.none(), st.text(max_size=40)))
def test_split_never_raises_on_malformed_page_or_publication_url(page_url, publication_url):
    html = "<p>intro</p><h3>1. A</h3><p>x <a href=\"https://arxiv.org/abs/1\">paper</a></p><h3>2. B</h3><p>y</p><p>z</p>"
    assert isinstance(split_roundup(html, page_url, publication_url), list)
