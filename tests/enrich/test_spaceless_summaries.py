"""Summaries of Chinese and Japanese posts: sentences end at full-width stops, the rules read these languages, and
the extractive summarizer picks a sentence by its character pairs. Texts are written by us."""

from __future__ import annotations

import pytest

from blogreader.enrich.base import Document
from blogreader.enrich.extractive import ExtractiveSummarizer
from blogreader.enrich.sentences import split_sentences
from blogreader.enrich.spaceless import is_spaceless, spaceless_summary, terms
from blogreader.enrich.standalone import standalone_problem

CHINESE_POST = (
    "最近几个月，我一直在读关于推理模型的论文。\n"
    "本文介绍一种在预训练阶段加入数学证明数据的方法，它让语言模型在推理基准上平均提高了百分之十二。\n"
    "但是，这种方法也有局限：证明数据很贵，而且难以收集。\n"
    "此外，我们分析了不同难度题目上的表现，发现提升主要来自中等难度的题目。\n"
    "代码在 https://example.com/code 上可以找到。"
)
JAPANESE_POST = (
    "注意機構は、系列のどの位置に注目するかを学習する仕組みです。"
    "この記事では、線形注意がなぜ長い文脈で速いのかを、計算量の式から説明します。"
    "しかし、線形注意には精度の面で弱点もあります。"
    "最後に、実装のコツをいくつか紹介します。"
)


def test_full_width_stops_end_sentences():
    assert split_sentences("第一句话在这里。第二句话！第三句？「引用」之后。") == [
        "第一句话在这里。", "第二句话！", "第三句？", "「引用」之后。"]
    assert split_sentences("注意機構の説明です。次に進みます。") == ["注意機構の説明です。", "次に進みます。"]


def test_english_sentences_split_as_before():
    assert split_sentences("See e.g. the appendix. No. 3 is next. It ends here.") == [
        "See e.g. the appendix.", "No. 3 is next.", "It ends here."]


@pytest.mark.parametrize("text, problem", [
    ("但是，这种方法也有局限，需要大量的证明数据。", "opens on a word that points back"),
    ("这种方法需要大量高质量的证明数据才能训练。", "opens on a word that points back"),
    ("此外，我们分析了不同难度题目上的表现差异。", "opens on a word that points back"),
    ("しかし、線形注意には精度の面で弱点もあります。", "opens on a word that points back"),
    ("それは長い文脈でとても速く動作するからです。", "opens on a word that points back"),
    ("推理模型", "not cut at a sentence end"),
    ("实验结果。", "a heading, not a sentence"),
    ("第一句话。第二句话在这里。第三句话也在。", "more than two sentences"),
])
def test_rules_read_chinese_and_japanese(text, problem):
    assert standalone_problem(text) == problem


@pytest.mark.parametrize("text", [
    "本文介绍一种在预训练阶段加入数学证明数据的方法。",
    "这篇文章解释注意力机制的原理和实现方式。",
    "この記事では、線形注意がなぜ速いのかを説明します。",
    "大規模言語モデルの推論能力を高める新しい手法を紹介します。",
])
def test_sentences_that_stand_alone_pass(text):
    assert standalone_problem(text) is None


def test_chinese_post_is_summed_up_by_the_sentence_that_says_what_it_is_about():
    summary = ExtractiveSummarizer().summarize(Document("用数学证明数据提升推理模型", CHINESE_POST))
    assert summary is not None
    assert summary.text == "本文介绍一种在预训练阶段加入数学证明数据的方法，它让语言模型在推理基准上平均提高了百分之十二。"
    assert standalone_problem(summary.text) is None


def test_japanese_post_is_summed_up_and_a_short_pick_takes_the_next_sentence():
    summary = spaceless_summary("線形注意はなぜ速いのか", JAPANESE_POST)
    # Under PAIR_BELOW characters, the pick takes the sentence after it, as the English summaries do.
    assert summary == ("この記事では、線形注意がなぜ長い文脈で速いのかを、計算量の式から説明します。"
                       "しかし、線形注意には精度の面で弱点もあります。")
    assert standalone_problem(summary) is None


def test_a_post_of_only_headings_and_links_gets_no_summary():
    assert spaceless_summary("链接", "推理模型\n代码在 https://example.com 上。\n数据") is None


def test_which_texts_are_read_by_character_pairs():
    assert is_spaceless(CHINESE_POST)
    assert is_spaceless(JAPANESE_POST)
    assert not is_spaceless("A post in English that mentions 中文 once, with “quotes”.")
    assert not is_spaceless("Plain ASCII text.")


def test_pairs_leave_function_characters_out_and_keep_latin_words():
    assert terms("我们的Transformer模型") == ["模型", "transformer"]
    assert "的模" not in terms("我们的模型")
    assert terms("線形注意は速い") == ["線形", "形注", "注意"]


def test_english_posts_are_summed_up_as_before():
    text = ("We study how warmup changes the first steps of training with Adam. It matters most for large batches. "
            "The rest of the post gives the derivation and the experiments.")
    summary = ExtractiveSummarizer().summarize(Document("Why warmup helps Adam", text))
    assert summary.text.startswith("Studies how warmup changes") or "warmup" in summary.text


def test_a_chinese_feed_description_is_a_summary_and_a_teaser_is_not():
    from blogreader.enrich.feed_summary import FeedSummarizer

    description = "本文介绍一种在预训练阶段加入数学证明数据的训练方法"
    summary = FeedSummarizer().summarize(Document("推理", CHINESE_POST, feed_summary=description))
    assert summary is not None and summary.text == description + "。"  # ended with its own full stop
    teaser = CHINESE_POST.split("\n")[0][:12]
    assert FeedSummarizer().summarize(Document("推理", CHINESE_POST, feed_summary=teaser)) is None
    # English names inside, spaced apart as Chinese writers do: still counted in characters, not as three words.
    mixed = "基于 RNN 的 Encoder-Decoder 模型有两大痛点"
    assert FeedSummarizer().summarize(Document("推理", CHINESE_POST, feed_summary=mixed)).text == mixed + "。"


def test_a_chinese_post_is_filed_as_a_guess():
    from blogreader.enrich.local_classifier import LocalClassifier
    from blogreader.enrich.taxonomy import DEFAULT_TAXONOMY

    found = LocalClassifier(DEFAULT_TAXONOMY).classify_many([
        Document("用 GPT-4 和 ChatGPT 提示词提升推理", CHINESE_POST),
        Document("Speculative decoding with a draft model",
                 "Speculative decoding drafts tokens with a small model and verifies them with the large one, "
                 "which cuts latency of serving without changing the output distribution."),
    ])
    assert found[0].origin == "uncertain"  # read by its few English words alone, however sure of those
    assert (found[1].category, found[1].origin) == ("Inference", "local")


def test_english_quotes_in_a_chinese_post_are_no_summary_and_a_bare_chinese_link_ends_in_its_own_stop():
    quoted = ("提示词示例如下\n"
              "Please summarize the following meeting notes into three bullet points for the whole team today.\n"
              "下面是模型的回答以及我们对回答质量的简单评价")  # Chinese headings around an English prompt
    assert ExtractiveSummarizer().summarize(Document("会议纪要的提示词", quoted)) is None
    bare = ExtractiveSummarizer().summarize(Document("小模型也能在数学题上做好推理", ""))
    assert bare is not None and bare.text == "小模型也能在数学题上做好推理。"
