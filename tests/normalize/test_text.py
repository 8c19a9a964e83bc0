from hypothesis import given, strategies as st

from blogreader.normalize.sanitize import sanitize_html
from blogreader.normalize.text import html_to_text, plain_title, reading_minutes, repair_text, word_count


def test_blocks_become_lines_and_scripts_vanish():
    html = "<h2>Title</h2><p>One <b>bold</b> line.</p><script>evil()</script><ul><li>a</li><li>b</li></ul>"
    assert html_to_text(html) == "Title\nOne bold line.\na\nb"


def test_entities_are_decoded_once():
    assert html_to_text("<p>A &amp;lt; B &amp; C&nbsp;D</p>") == "A &lt; B & C D"


def test_word_count_and_reading_time():
    assert word_count("Don't split state-of-the-art, e.g. GPT-4.5 models.") == 6
    assert reading_minutes(0) == 1
    assert reading_minutes(220) == 1
    assert reading_minutes(221) == 2
    assert reading_minutes(1937) == 9


def test_mojibake_is_repaired_and_clean_text_untouched():
    assert repair_text("ðŸŒŸ Favourite") == "🌟 Favourite"
    assert repair_text("3Ã—3 grid â†’ faster") == "3×3 grid → faster"
    clean = "“Curly quotes” stay curly — and so do dashes."
    assert repair_text(clean) == clean


def test_titles_lose_markup_and_whitespace():
    assert plain_title("  Probing <em>persona</em>\n directions ") == "Probing persona directions"
    assert plain_title("A &amp; B") == "A & B"


def test_sanitizer_keeps_content_and_drops_active_parts():
    dirty = (
        '<p onclick="x()">Hi <a href="javascript:alert(1)">js</a> <a href="/rel">rel</a>'
        '<img src="data:image/png;base64,AAAA"><iframe src="https://evil.example/"></iframe>'
        '<form action="/x"><input></form><style>body{display:none}</style><span style="position:fixed">s</span></p>'
    )
    clean = sanitize_html(dirty, base_url="https://blog.example.org/post/1")
    for bad in ("onclick", "javascript:", "data:", "<iframe", "<form", "<input", "<style", "style="):
        assert bad not in clean
    assert 'href="https://blog.example.org/rel"' in clean
    assert "Hi" in clean and ">s<" in clean


@given(st.text(max_size=300))
def test_sanitizer_output_never_carries_script_or_handlers(text):
    clean = sanitize_html(f"<div>{text}</div><img src=x onerror=alert(1)><script>{text}</script>")
    lowered = clean.lower()
    assert "<script" not in lowered and "onerror" not in lowered


def test_chinese_and_japanese_characters_each_count_as_a_word():
    """They are written without spaces: a 600-character Chinese post is not one word, nor one minute's read."""
    chinese = "稀疏注意力在长文本上更稳定" * 50  # 650 characters, no spaces
    assert word_count(chinese) == 650 and word_count("注意力 attention 機械学習") == 8
    assert reading_minutes(word_count(chinese)) == 3
    assert word_count("한국어는 단어 사이에 띄어 씁니다") == 5  # Korean spaces its words
