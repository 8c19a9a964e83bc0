"""A table's cells are separate pieces of text: their words never run together."""

from blogreader.normalize.text import html_to_text, word_count


def test_cells_of_a_row_are_kept_apart():
    text = html_to_text("<table><tr><th>Paper</th><th>Why</th></tr>"
                        "<tr><td>Sparse attention, in real time.</td><td>The model reads less.</td></tr></table>")
    assert "time.The" not in text and "PaperWhy" not in text
    assert text.split("\n") == ["Paper", "Why", "Sparse attention, in real time.", "The model reads less."]
    assert word_count(text) == 11


def test_a_header_row_is_not_mistaken_for_a_cell():
    assert html_to_text("<table><thead><tr><td>a</td></tr></thead></table>") == "a"
