"""A Chinese blog end to end, as a user subscribes to one: served from 127.0.0.1, added, fetched and listed. Its
post gets a summary of its own language, a word count by characters, a category marked as a guess, and none of a
video's fallback text. The feed is written by us."""

from __future__ import annotations

from tests.conftest import FIXTURES


def test_a_chinese_post_is_summed_up_counted_and_filed_as_a_guess(cli, server):
    url = server.serve("/feed.xml", (FIXTURES / "feeds" / "chinese_ml_blog.xml").read_bytes(),
                       content_type="application/rss+xml")
    assert cli("add", url).code == 0
    fetched = cli("fetch")
    assert fetched.code == 0, fetched.err
    [entry] = cli("list", "--json").json
    assert entry["summary"] == "本文介绍一种在预训练阶段加入数学证明数据的方法，它让语言模型在五个推理基准上平均提高了百分之十二。"
    assert entry["summary_origin"] == "extractive"
    assert entry["category_origin"] == "uncertain"
    assert entry["word_count"] > 150  # each character a word: one "word" per line before
    shown = cli("show", str(entry["id"]), "--json").json
    assert "强化学习" in shown["text"] and "<p>" in shown["content_html"]  # the post is there, whole
    assert "浏览器不支持" not in shown["text"] and "浏览器不支持" not in shown["content_html"]
