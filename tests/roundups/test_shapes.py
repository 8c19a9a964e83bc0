"""Roundup shapes that real newsletters take, beyond the first three: a table with one item a row (Markdown
or HTML), e-mail layout tables, unnumbered headings, titled paragraphs (plain, bold, bold-italic titles),
numbered lists; and articles whose own sections, glossary terms or result tables are never items.

Fixtures in tests/fixtures/roundup_shapes/ are written by us. Each runs through the sanitizer first, as the
pipeline does; the test asserts the exact (rank, title, url) split, or none for a near-miss.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from blogreader.normalize.sanitize import sanitize_html
from blogreader.roundups import split_roundup

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "roundup_shapes"
PUBLICATION = "https://pub.example/"

EXPECTED: dict[str, list[tuple[int, str, str]]] = {
    # A heading per paper, its links printed as bare addresses on lines of their own: the heading is the title and
    # the first address the link; an address line is no title of its own.
    "headings_with_bare_links": [
        (1, "Masked Patches Teach Small Encoders", "https://arxiv.org/abs/2608.11001"),
        (2, "Curriculum by Loss, Revisited", "https://arxiv.org/abs/2608.11002"),
        (3, "Label Noise Is Mostly Ambiguity", "https://openreview.net/forum?id=Lb3Nx9q"),
        (4, "Few-Shot Segmentation Without Masks", "https://arxiv.org/abs/2608.11004"),
    ],
    # A heading per paper over its commentary and a list of its video, write-up, paper and code: the paper is the
    # link whose text is the heading's title, the list is the item's own; the post's introduction (with the
    # curator's own links), its table of contents (links within the page) and its references are no items.
    "headings_with_resource_lists": [
        (1, "Masked Patches Teach Small Encoders", "https://arxiv.org/abs/2608.11001"),
        (2, "Curriculum by Loss, Revisited", "https://arxiv.org/abs/2608.11002"),
        (3, "Label Noise Is Mostly Ambiguity", "https://openreview.net/forum?id=Lb3Nx9q"),
        (4, "Few-Shot Segmentation Without Masks", "https://arxiv.org/abs/2608.11004"),
    ],
    # Paragraphs whose first line is a numbered title, then its source's link alone on a line, then commentary;
    # the careers list after them is a shorter run of its own, not items.
    "numbered_title_paragraphs": [
        (1, "A simulator for soft grippers goes open source", "https://sim.example.org/blog/soft-grippers-open"),
        (2, "Warehouse robots learn to share aisles", "https://news.example.com/robotics/shared-aisles"),
        (3, "A quadruped that climbs ladders", "https://lab.example.edu/papers/ladder-quadruped.pdf"),
        (4, "Publication of the week: tactile sensing from a camera inside the fingertip",
         "https://arxiv.org/abs/2608.14004"),
    ],
    # Headings that only count the papers ("Paper 1", "Paper 2"), each over the paper's linked title, its code and
    # its project page: the linked title names the item and is its link, not the project page.
    "counter_headings_over_linked_titles": [
        (1, "Separate Any Sound You Describe", "https://papers.example.org/audio-separation/paper.pdf"),
        (2, "Hard Instances First for 3D Detection", "https://arxiv.org/abs/2608.15002"),
        (3, "Red Teaming in a Feedback Loop", "https://arxiv.org/abs/2608.15003"),
        (4, "Language Models as Industrial Controllers", "https://arxiv.org/abs/2608.15004"),
    ],
    # Bullets of commentary that each end by citing their one link (a pull request): the line is the item.
    "changelog_cited_bullets": [
        (1, "Graphs that enter and leave mixed precision are now cached instead of being compiled again at every "
            "start", "https://github.com/example/compiler/pull/5101"),
        (2, "Tracing a list subclass with its own constructor no longer breaks the graph into pieces",
         "https://github.com/example/compiler/pull/5102"),
        (3, "A leak of shape records that outlived the compilation that made them is fixed",
         "https://github.com/example/compiler/pull/5103"),
        (4, "The profiler marker is emitted behind a runtime check, which cuts a tenth of the fixed cost of every call",
         "https://github.com/example/compiler/pull/5104"),
    ],
    # Titles numbered with the CJK enumeration comma ("1、"), each a link over a line of commentary, the numbers
    # starting again in each section; the text has no spaces between words, so each character counts as one.
    "numbered_cjk_linked_titles": [
        (1, "稀疏注意力的新进展", "https://ml-notes.example.cn/sparse-attention"),
        (2, "小模型也能做数学推理", "https://arxiv.org/abs/2608.12001"),
        (3, "轻量评测工具", "https://github.com/example/tiny-eval"),
        (4, "数据去重脚本", "https://github.com/example/data-dedupe"),
    ],
    # A table of links per section, none of them most of the post alone: the tables together are the roundup.
    "tables_per_section": [
        (1, "Routing tokens by difficulty", "https://arxiv.org/abs/2608.13001"),
        (2, "Reward models that abstain", "https://arxiv.org/abs/2608.13002"),
        (3, "Long context without the cache", "https://arxiv.org/abs/2608.13003"),
        (1, "eval-kit", "https://github.com/example/eval-kit"),
        (2, "A short course on diffusion", "https://course.example.edu/diffusion"),
        (3, "Notes on the KV cache", "https://blog.example.com/kv-cache-notes"),
    ],
    # Cards built from divs: a byline paragraph, then the title as a bare link beside it, then a cover image link.
    "cards_in_sections": [
        (1, "Version 2 of the dialogue plugin is out: what is next?", "https://www.youtube.com/watch?v=card0001"),
        (2, "A new pre-alpha build of the engine!", "https://forum.engine.example/t/pre-alpha-build"),
        (3, "Building a real-time game clock", "https://sam.example.net/real-time-clock"),
        (4, "A 2D minimap with fog of war", "https://www.youtube.com/watch?v=card0004"),
        (5, "A pack of water shaders for 2D scenes", "https://github.com/example/shader-pack"),
    ],
    "table_markdown": [
        (1, "Sparse Routers Learn Curricula", "https://arxiv.org/abs/2607.01011"),
        (2, "Quiet Tokens", "https://arxiv.org/pdf/2607.01022v2"),
        (3, "Reward Models Disagree", "https://arxiv.org/abs/2607.01033"),
        (4, "A Field Guide to Agent Failures", "https://example-lab.org/reports/agent-failures"),
    ],
    "table_html_linked_titles": [
        (1, "Why warmup works", "https://blog.optimlab.example/posts/lr-warmup"),
        (2, "Tokenizer drift", "https://arxiv.org/abs/2607.02044"),
        (3, "A lecture on diffusion sampling", "https://www.youtube.com/watch?v=abc123"),
        (4, "tiny-evals", "https://github.com/example/tiny-evals"),
        (5, "Calibration under shift", "https://openreview.net/forum?id=Qz81kLm"),
    ],
    "newsletter_layout_tables": [
        (1, "Protein folding at planetary scale", "https://deepmind.example.com/blog/protein-folding-at-scale"),
        (2, "New chip export rules", "https://www.example-news.com/2026/07/chip-export-rules"),
        (3, "Small models that plan", "https://arxiv.org/abs/2607.03055"),
    ],
    "newsletter_layout_headings": [
        (1, "Retrieval that reads tables", "https://arxiv.org/abs/2607.04066"),
        (2, "A sampler in four steps", "https://github.com/example/four-step-sampler"),
        (3, "An honest benchmark", "https://openreview.net/forum?id=Hb82Lqp"),
    ],
    "headings_unnumbered": [
        (1, "Benchmarks leak, and here is how much", "https://arxiv.org/abs/2607.05077"),
        (2, "Judges prefer long answers", "https://blog.evalfolks.example/length-bias"),
        (3, "Human raters drift too", "https://arxiv.org/abs/2607.05099"),
        (4, "Cheap evals that track expensive ones", "https://github.com/example/tiny-suite"),
    ],
    "bold_titled_paragraphs": [
        (1, "Scaling laws for data pruning", "https://arxiv.org/abs/2607.06011"),
        (2, "Why RLHF collapses diversity", "https://arxiv.org/abs/2607.06022"),
        (3, "Speculative decoding, explained", "https://jay.example.io/speculative-decoding"),
        (4, "Open weights, closed data", "https://essays.example.org/open-weights-closed-data"),
    ],
    "bold_italic_linked_titles": [
        (1, "tracecat", "https://github.com/example/tracecat"),
        (2, "shardview", "https://pypi.org/project/shardview/"),
        (3, "evalkit", "https://example-tools.dev/evalkit"),
    ],
    "plain_title_paragraphs": [
        (1, "Grokking in linear models", "https://arxiv.org/abs/2607.07011"),
        (2, "Circuits in vision models", "https://distill.example.pub/2026/circuits-in-vision"),
        (3, "The loss landscape of transformers", "https://arxiv.org/abs/2607.07033"),
    ],
    "numbered_list_ol": [
        (1, "Learning from play", "https://www.youtube.com/watch?v=talk111"),
        (2, "The bitter lesson, revisited", "https://www.youtube.com/watch?v=talk222"),
        (3, "Memory in state-space models", "https://slideslive.example.com/38901"),
        (4, "Evaluating agents honestly", "https://www.youtube.com/watch?v=talk444"),
    ],
    # Several lists of linked titles under section headings, with or without commentary; a list of names is none.
    "link_lists_by_section": [
        (1, "Lab One publishes its open-weights policy", "https://lab-one.example.org/blog/open-weights-policy"),
        (2, "fastserve 2.0", "https://github.com/example/fastserve/releases/tag/v2.0"),
        (3, "The speakers of the autumn conference are announced", "https://conf.example.com/2026/speakers"),
        (4, "Your evals are leaking", "https://essays.example.net/evals-are-leaking"),
        (5, "Why model judges prefer long answers", "https://blog.example.io/why-judges-prefer-long-answers"),
        (6, "A long thread on tokenizers", "https://notes.example.dev/tokenizers-thread"),
        (7, "Sparse attention at one million tokens", "https://arxiv.org/abs/2607.08123"),
        (8, "evalkit", "https://github.com/example/evalkit"),
        (9, "shardcheck", "https://pypi.org/project/shardcheck/"),
    ],
    # Bold title lines, each over a paragraph whose own link (or two) sits in the commentary; the first is the subject.
    "bold_lines_inline_links": [
        (1, "Agents that plan with a world model", "https://arxiv.org/abs/2607.09011"),
        (2, "A named-entity corpus for a low-resource language", "https://github.com/example-nlp/ner-corpus"),
        (3, "Scaling laws for retrieval-augmented models", "https://arxiv.org/abs/2607.09033"),
        (4, "Calibrated judges", "https://judges.example.org/"),
        (5, "A visual guide to graph neural networks", "https://distill.example.pub/graph-networks-guide"),
        (6, "Benchmarks for tabular reasoning", "https://huggingface.example.co/datasets/tab-reason"),
    ],
    # Top stories headed by a linked line or a linked heading, the rest paragraphs that open on their link.
    "linked_titles_mixed_markup": [
        (1, "A lab releases an open reasoning model that rivals closed ones",
         "https://news.example.com/2026/07/lab-releases-open-reasoning-model"),
        (2, "AI tutors in classrooms, one year on", "https://magazine.example.org/ai-in-classrooms-one-year-on"),
        (3, "A robot that tends plants under solar panels", "https://science.example.edu/releases/robot-gardener"),
        (4, "Controlling a robot arm by thought alone", "https://science.example.edu/releases/thought-controlled-arm"),
        (5, "Growing small models into large ones to save training compute", "https://arxiv.org/abs/2607.10111"),
        (6, "A chipmaker's earnings double on demand for accelerators",
         "https://business.example.com/chipmaker-earnings-ai-demand"),
        (7, "A warehouse-robot startup raises a large round", "https://business.example.com/startup-raises-for-robot-warehouses"),
    ],
    # A featured list with commentary and a list of bare links: one roundup of both lists.
    "lists_featured_and_brief": [
        (1, "Type checking a million lines in a second", "https://compilers.example.dev/posts/type-checking-fast"),
        (2, "Three pitfalls of lazy evaluation, and how to spot them", "https://notes.example.org/lazy-evaluation-pitfalls"),
        (3, "Announcing buildtool 3", "https://release.example.com/announcing-buildtool-3"),
        (4, "Writing parsers from scratch", "https://blog.example.net/parsers-from-scratch"),
        (5, "Streaming libraries compared", "https://talks.example.tv/streaming-libraries-compared"),
        (6, "tiny-json: a JSON library in 300 lines", "https://github.com/example/tiny-json"),
    ],
    # Linked headings each with a subtitle heading under it (the authors) and a paragraph, grouped by category.
    "headings_with_subtitles": [
        (1, "Book: the mathematics of machine learning", "https://book.example.org/math-for-ml/"),
        (2, "Students that outperform their teachers", "https://arxiv.org/abs/2607.11011"),
        (3, "Critical periods in the training of deep networks", "https://arxiv.org/abs/2607.11022"),
        (4, "Seeing in the dark", "https://github.com/example-lab/see-in-the-dark"),
    ],
    # A tutorial's bold step lines, two of five with a link: steps, not recommendations.
    # A heading per talk over fields ("Podcast: <link>") and notes under deeper headings that every talk fills in
    # ("One-Sentence Takeaway", "Main Ideas"): the linked field is the item's link, the notes its commentary, the
    # issue's own title over its contents no item; the notes' lists of mentioned links are not items either.
    "headings_with_field_links_and_notes": [
        (1, "Why schedulers still matter for training runs", "https://podcasts.example.com/systems-hour/ep-41"),
        (2, "Small models that plan before they answer", "https://www.youtube.com/watch?v=plan0001"),
        (3, "Cleaning a web crawl at petabyte scale", "https://podcasts.example.com/data-desk/ep-7"),
        (4, "What a benchmark leaks and how to notice", "https://www.youtube.com/watch?v=leak0002"),
    ],
    # A changelog digest: its featured changes under linked titles, the other merges as bullets that name each
    # change with a link in mid-sentence, all to pull requests of one tracker (the line is the title; a bullet citing
    # two takes its first, a bullet with none is no item); the news and schedule paragraphs above are no items.
    "featured_and_other_merges": [
        (1, "#40211: Scheduler retries bind with a patch", "https://github.com/example/orchestrator/pull/40211"),
        (2, "#40187: Node labels for the old architecture names are gone",
         "https://github.com/example/orchestrator/pull/40187"),
        (3, "Proposal 3120: Keep the volume's reclaim policy when it is deleted first",
         "https://github.com/example/proposals/tree/main/sig-storage/3120-retain-on-delete"),
        (4, "Node metrics work on hosts with init containers present", "https://github.com/example/orchestrator/pull/40102"),
        (5, "Keep volume size requests from overflowing on very large claims",
         "https://github.com/example/orchestrator/pull/40095"),
        (6, "The job controller backs off exponentially after repeated failures, and logs the delay it chose",
         "https://github.com/example/orchestrator/pull/40090"),
        (7, "Container runtimes may annotate image specs, mostly for one platform",
         "https://github.com/example/orchestrator/pull/40077"),
        (8, "Default storage class uses the faster file system on new clusters",
         "https://github.com/example/orchestrator/pull/40064"),
    ],
    # Lists of links under section headings that are links themselves (to the section's own index page): the
    # lists' bullets are the items, not the few linked headings over them.
    "linked_section_headings_over_lists": [
        (1, "Announcing the style team", "https://blog.example-lang.org/2026/09/01/style-team.html"),
        (2, "Project grants are open for applications", "https://foundation.example-lang.org/news/2026-09-02-grants.html"),
        (3, "Analyzer changelog 150", "https://analyzer.example.dev/thisweek/2026/09/02/changelog-150.html"),
        (4, "Careful mode: run your code with extra checks", "https://careful.example.net/blog/2026/careful-mode.html"),
        (5, "A UI library where everything is a future", "https://ui.example.io/posts/async-ui/"),
        (6, "Quirks of the token representation", "https://notes.example.com/2026/09/tokens.html"),
        (7, "Brute forcing protected archives", "https://zip.example.org/brute-forcing-archives/"),
        (8, "Six things you can do with a copy-on-write pointer", "https://cow.example.dev/six-things"),
        (9, "Writing a parser without allocations", "https://www.youtube.com/watch?v=talk00001"),
        (10, "humansize, which formats byte counts for people", "https://crates.example-lang.org/crates/humansize"),
        (11, "compiler: list impls for primitives", "https://github.com/example-lang/compiler/pull/10231"),
        (12, "linter: a new saturating add lint", "https://github.com/example-lang/compiler/pull/10240"),
        (13, "linter: keep comments in the suggested fix", "https://github.com/example-lang/compiler/pull/10245"),
        (14, "analyzer: add the macro dependency to compiler crates", "https://github.com/example-lang/compiler/pull/10250"),
        (15, "docs: explain the new borrow rules", "https://github.com/example-lang/compiler/pull/10252"),
        (16, "build: construct the target configuration step by step", "https://github.com/example-lang/compiler/pull/10260"),
        (17, "test runner: flag to set the number of threads", "https://github.com/example-lang/compiler/pull/10261"),
        (18, "library: add major and minor device numbers on one platform", "https://github.com/example-lang/compiler/pull/10270"),
    ],
    # A tutorial's steps, each linking a page of one section of the documentation in mid-sentence: pages named by
    # words, not a tracker's numbered entries, so the steps stay one article.
    "nearmiss_steps_into_one_docs_section": [],
    # An article's sections, each opening on a sentence that cites one page, with subsections of their own that
    # differ from section to section ("Steps to Install", "Heap Usage"): an outline, not a list of picks.
    "nearmiss_article_sections_with_subsections": [],
    # An article whose sections each credit a figure ("Source: <link>", which reads as an onward link) and two of
    # which have steps of their own: subsections that are no shared template make the headings an outline.
    "nearmiss_article_credits_and_steps": [],
    "nearmiss_bold_steps": [],
    # An article that ends on a short list of further reading: the list is a small part of the post.
    "nearmiss_article_with_resources": [],
    # An article's headed sections that each cite one paper, a glossary of bold terms, a results table, and an
    # article whose numbered subsections each open on their pull request's link (a quarter of its words).
    "nearmiss_article_sections": [],
    "nearmiss_numbered_subsections": [],
    # A tutorial whose setup steps each end "... or use this link": a few lines of a long post, not a digest.
    "nearmiss_tutorial_console_links": [],
    "nearmiss_glossary_bold_terms": [],
    # A tutorial's numbered steps written as paragraphs with a title line, citing docs inside their prose: no step
    # gives a link on a line of its own, so they are steps, not items.
    "nearmiss_numbered_step_paragraphs": [],
    # A guide whose steps each end on their docs, video and tool, between an introduction and a closing section
    # that link nowhere: no step links a work its title names, so its first and last sections are not set aside.
    "nearmiss_sections_with_resource_lists": [],
    "nearmiss_results_table": [],
}


CITED = {"changelog_cited_bullets", "featured_and_other_merges"}  # items that are one line naming or citing their link:
# title and blurb alike
BARE_LINKS = {"link_lists_by_section", "lists_featured_and_brief", "cards_in_sections",
              "linked_section_headings_over_lists"}  # fixtures where some items are a linked title alone


def _split(name: str):
    url = PUBLICATION + "p/" + name
    return split_roundup(sanitize_html((FIXTURES / f"{name}.html").read_text(encoding="utf-8"), url), url, PUBLICATION)


def test_every_fixture_has_an_expectation():
    assert sorted(path.stem for path in FIXTURES.glob("*.html")) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_split_is_exact(name):
    assert [(item.rank, item.title, item.url) for item in _split(name)] == EXPECTED[name]


@pytest.mark.parametrize("name", [name for name, expected in EXPECTED.items() if expected])
def test_blurbs_are_the_commentary_without_title_links_or_promo(name):
    for item in _split(name):
        assert item.blurb or name in BARE_LINKS, item
        if name not in CITED:
            assert not item.blurb.startswith(item.title), item.blurb  # the title is not repeated as its blurb
        for word in ("Unsubscribe", "Claim the offer", "Read more", "Read the paper"):
            assert word not in item.blurb, item.blurb


def test_a_sponsor_between_headed_items_is_not_part_of_the_item_before_it():
    items = _split("newsletter_layout_headings")
    assert all("GPU cloud" not in item.blurb for item in items)


def test_the_last_numbered_item_stops_at_a_closing_section_above_its_level():
    items = [f"<h3>{n}. Paper number {n}</h3><p>Why paper {n} matters, in a sentence or two of commentary.</p>"
             f'<p><a href="https://arxiv.org/abs/2607.0{n}000">Read it here</a></p>' for n in (1, 2, 3)]
    closing = "<h2>Before you go</h2><p>Thanks for reading this week's issue; see you next week.</p>"
    page = PUBLICATION + "p/week"
    split = split_roundup("".join(items) + closing, page, PUBLICATION)
    assert [item.url for item in split] == [f"https://arxiv.org/abs/2607.0{n}000" for n in (1, 2, 3)]
    assert "Before you go" not in split[-1].blurb and "Thanks for reading" not in split[-1].blurb


def test_a_bullet_keeps_its_commentary_without_its_title_or_emoji():
    items = _split("link_lists_by_section")
    assert items[3].blurb.startswith("a careful look at how benchmark items end up in pretraining data")
    assert items[2].blurb == ""  # a linked title alone


def test_a_subtitle_heading_under_an_item_title_is_part_of_its_item():
    first = _split("headings_with_subtitles")[0]
    assert first.blurb.startswith("Three authors from two universities\nA free book covering the linear algebra")


def test_a_cards_byline_is_not_commentary_on_the_card_before_it():
    assert [item.blurb for item in _split("cards_in_sections")] == [""] * 5


def test_the_first_bare_address_under_a_heading_is_its_link_not_an_item():
    items = _split("headings_with_bare_links")
    assert items[0].blurb.startswith("What is it? A pretraining recipe"), items[0].blurb  # no address lines
    assert "Why it matters?" in items[0].blurb and "Curriculum" not in items[0].blurb


def test_table_row_item_keeps_its_row_commentary():
    first = _split("table_markdown")[0]
    assert first.blurb.startswith("shows that a mixture-of-experts router")
    assert "converge 20% sooner" in first.blurb


def test_real_roundups_split_and_no_other_post_does():
    """On the real posts of ../shared/corpus/real (dev set): every roundup splits into its items, no other post splits."""
    import json

    from tests.conftest import corpus_file

    posts = json.loads(corpus_file("real/posts.json").read_text(encoding="utf-8"))["posts"]
    page = "http://127.0.0.1:8765/p"
    for post in posts:
        items = split_roundup(sanitize_html(post["html"], page), page, "http://127.0.0.1:8765/")
        if post["items"]:
            assert [item.url for item in items] == [truth["url"] for truth in post["items"]], post["id"]
        else:
            assert items == [], post["id"]


def test_a_bullet_ending_on_its_linked_words_keeps_them_in_its_title():
    """"Added [support for X]": the link's words are part of the line, so the title is the whole line (a cited
    "#5103" is left out of it, as in changelog_cited_bullets)."""
    changes = ["Added [support for tracing list subclasses]", "Fixed [a leak of shape records]",
               "Removed [the old profiler hook]", "Documented [the cache directory setting]"]
    bullets = "".join(f'<li>{line.split("[")[0]}<a href="https://github.com/example/compiler/pull/{n}">'
                      f'{line.split("[")[1].rstrip("]")}</a>.</li>' for n, line in enumerate(changes, start=7001))
    items = split_roundup(sanitize_html(f"<p>This week's merged changes.</p><ul>{bullets}</ul>", PUBLICATION),
                          PUBLICATION + "p/changes", PUBLICATION)
    assert [item.title for item in items] == [line.replace("[", "").replace("]", "") for line in changes]


def test_links_tagged_by_the_mailing_platform_are_still_recommendations():
    # E-mail platforms tag every outbound link ("?utm_medium=email&..."); a share button is told by its own address
    # (action=share, /subscribe), not by that tag.
    html = (FIXTURES / "table_markdown.html").read_text(encoding="utf-8")
    tagged = re.sub(r'href="(https://[^"?]+)"', r'href="\1?utm_campaign=weekly&amp;utm_medium=email&amp;utm_source=list"',
                    html)
    assert tagged != html
    plain = [(item.rank, item.title) for item in split_roundup(sanitize_html(html, PUBLICATION), PUBLICATION, PUBLICATION)]
    found = [(item.rank, item.title) for item in split_roundup(sanitize_html(tagged, PUBLICATION), PUBLICATION, PUBLICATION)]
    assert found == plain and len(found) >= 3


@pytest.mark.parametrize("name", ["@person{n}", "Person{n}"])  # a handle, or a name that is its profile's whole path
def test_a_list_of_contributors_handles_is_no_list_of_reads(name):
    picks = "".join(f'<li><a href="https://github.com/example/plugin-{n}">plugin-{n}</a>: a plugin that adds feature {n} '
                     f'to the editor, with a short demo and its options explained</li>' for n in range(1, 6))
    thanks = "".join(f'<li><a href="https://github.com/person{n}">{name.format(n=n)}</a></li>' for n in range(1, 7))
    html = f"<h2>New plugins</h2><ul>{picks}</ul><h2>Edited by</h2><ul>{thanks}</ul>"
    items = split_roundup(sanitize_html(html, PUBLICATION), PUBLICATION, PUBLICATION)
    assert [item.url for item in items] == [f"https://github.com/example/plugin-{n}" for n in range(1, 6)]


def test_a_list_of_projects_named_by_their_addresses_is_still_a_list_of_reads():
    # A name that is only part of its address's path (owner/project) names a project, not a person.
    picks = "".join(f'<li><a href="https://github.com/owner{n}/tool{n}">tool{n}</a></li>' for n in range(1, 7))
    html = f"<h2>Tools</h2><ul>{picks}</ul>"
    items = split_roundup(sanitize_html(html, PUBLICATION), PUBLICATION, PUBLICATION)
    assert [item.url for item in items] == [f"https://github.com/owner{n}/tool{n}" for n in range(1, 7)]


def _outline(label: str, links: range) -> str:
    nested = "".join(f'<li><a href="https://site{n}.example/post-{n}">Post {n} on editing text faster</a> (a video, '
                     f'{n} minutes)</li>' for n in links)
    return f"<li>{label}<ul>{nested}</ul></li>"


def test_an_outline_of_labelled_link_lists_is_split_into_the_links():
    # One list whose bullets only label the lists under them ("Beginner:"), as an issue exported from an outline is.
    html = "<ul>" + _outline("Beginner:", range(1, 4)) + _outline("Emacs Lisp:", range(4, 8)) + \
        _outline("Other tools and news", range(8, 10)) + "</ul>"
    items = split_roundup(sanitize_html(html, PUBLICATION), PUBLICATION, PUBLICATION)
    assert [item.url for item in items] == [f"https://site{n}.example/post-{n}" for n in range(1, 10)]
    # A label under a label ("Community:" over "Essays:" over the essays) gives way too.
    inner = _outline("Essays:", range(12, 15))
    nested = "<ul>" + _outline("Beginner:", range(1, 4)) + _outline("Community:", range(10, 12)).replace(
        "</ul></li>", inner + "</ul></li>") + "</ul>"
    items = split_roundup(sanitize_html(nested, PUBLICATION), PUBLICATION, PUBLICATION)
    assert sorted(item.url for item in items) == sorted(f"https://site{n}.example/post-{n}"
                                                        for n in [1, 2, 3, 10, 11, 12, 13, 14])
    assert items[0].title == "Post 1 on editing text faster"


def test_a_bullet_with_its_own_notes_under_it_is_still_one_item():
    # A linked title over a list of its notes is one recommendation, not a label over links.
    bullets = "".join(f'<li><a href="https://site{n}.example/paper-{n}">Paper {n}</a><ul><li>why it matters, '
                      f'in a line</li><li>see also <a href="https://site{n}.example/code">the code</a></li></ul></li>'
                      for n in range(1, 6))
    items = split_roundup(sanitize_html(f"<ul>{bullets}</ul>", PUBLICATION), PUBLICATION, PUBLICATION)
    assert [item.url for item in items] == [f"https://site{n}.example/paper-{n}" for n in range(1, 6)]


def test_a_reddit_thread_is_a_recommendation_and_a_posts_comments_button_is_not():
    threads = "".join(f'<li><a href="https://www.reddit.com/r/editors/comments/abc{n}/tip_{n}/">Tip {n}: a faster way '
                      f'to move between windows</a></li>' for n in range(1, 5))
    button = f'<li><a href="{PUBLICATION}p/this-issue/comments">Leave a comment</a></li>'
    html = f"<h2>Discussions</h2><ul>{threads}{button}</ul>"
    items = split_roundup(sanitize_html(html, "https://weekly.other.example/p/this-issue"),
                          "https://weekly.other.example/p/this-issue", "https://weekly.other.example/")
    assert [item.url for item in items] == [f"https://www.reddit.com/r/editors/comments/abc{n}/tip_{n}/"
                                            for n in range(1, 5)]


def test_titled_items_each_with_their_own_short_list_of_links_are_items():
    # "### plugin" then a paragraph, then "- Reddit" and "- GitHub": the item's own links, not a section of items.
    items_html = "".join(
        f'<h3>plugin-{n}.nvim</h3><p>A plugin that does thing {n} well, announced this week with a demo.</p>'
        f'<ul><li><a href="https://www.reddit.com/r/neovim/comments/x{n}/plugin_{n}/">Reddit</a></li>'
        f'<li><a href="https://github.com/author{n}/plugin-{n}.nvim">GitHub</a></li></ul>' for n in range(1, 6))
    items = split_roundup(sanitize_html(items_html, PUBLICATION), PUBLICATION, PUBLICATION)
    assert [item.title for item in items] == [f"plugin-{n}.nvim" for n in range(1, 6)]


def test_a_linked_line_that_only_names_a_kind_of_link_is_no_item():
    # Each paper: its linked title, then a "Demo" or "Weights" line linked on its own; those lines are its links,
    # not titles of items of their own.
    papers_html = "".join(
        f'<p><a href="https://arxiv.org/abs/2608.160{n}">A paper about method number {n}</a></p>'
        f'<p><a href="https://demos.example.org/method-{n}">{label}</a></p>'
        f'<p>The abstract of paper {n}: what it does, how it was measured and what it found, in a few sentences.</p>'
        for n, label in zip(range(1, 6), ["Demo", "Weights", "Demo", "Live demo", "Model card"]))
    items = split_roundup(sanitize_html(papers_html, PUBLICATION), PUBLICATION, PUBLICATION)
    assert [item.title for item in items] == [f"A paper about method number {n}" for n in range(1, 6)]


def test_a_bullet_whose_link_only_points_or_is_a_name_with_a_digit_keeps_its_words_as_title():
    # "[here]" names nothing: the bullet's words are what it points at. A line that ends citing its link is the
    # title, and "deeplearning4j" is a name that stays in it, not a reference like "#5103" that is cut off.
    bullets = [
        'Word2Vec in Python in gensim, and where to start, <a href="https://gensim.example.org/intro">here</a> and '
        '<a href="https://gensim.example.org/tutorial">here</a>',
        'Word2vec in Java in <a href="https://dl4j.example.org/word2vec">deeplearning4j</a>',
        'A Java version from <a href="https://github.com/example/word2vec-java">Example Labs</a>',
        'Word2vec in <a href="https://spark.example.org/mllib#word2vec">Spark MLlib</a>',
    ]
    html = "<ul>" + "".join(f"<li>{bullet}</li>" for bullet in bullets) + "</ul>"
    items = split_roundup(sanitize_html(html, PUBLICATION), PUBLICATION, PUBLICATION)
    assert [item.title for item in items] == ["Word2Vec in Python in gensim, and where to start",
                                              "Word2vec in Java in deeplearning4j",
                                              "A Java version from Example Labs", "Word2vec in Spark MLlib"]
