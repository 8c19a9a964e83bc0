"""The same post syndicated under another URL is linked to the first copy and not shown twice."""

from __future__ import annotations

from blogreader.dedupe.fingerprint import text_fingerprint

BODY = " ".join(f"Sentence {n} about sparse autoencoders and the features they find in large models." for n in range(12))


def feed(link: str, title: str, body: str, guid: str) -> str:
    return f"""<?xml version="1.0"?><rss version="2.0"><channel><title>{guid}</title><link>https://x.example/</link>
    <item><title>{title}</title><link>{link}</link><guid isPermaLink="false">{guid}-1</guid>
    <description><![CDATA[<p>{body}</p>]]></description></item></channel></rss>"""


def test_fingerprint_ignores_case_punctuation_and_the_ending():
    assert text_fingerprint(BODY) == text_fingerprint(BODY.upper().replace(".", "!") + " Subscribe for more.")
    assert text_fingerprint("too short to tell") is None
    assert text_fingerprint(BODY) != text_fingerprint("Another post entirely. " + BODY)


def test_a_syndicated_copy_is_linked_and_hidden(cli, server):
    cli("add", server.serve("/a.xml", feed("https://author.example/posts/sae", "SAEs at scale", BODY, "a")))
    cli("fetch")
    cli("add", server.serve("/b.xml", feed("https://medium.example/@author/saes-at-scale-1a2b", "SAEs at Scale",
                                            BODY + " Originally published on the author's blog.", "b")))
    cli("fetch")
    everything = cli("list", "--all", "--json").json
    assert len(everything) == 2
    first = next(e for e in everything if e["url"].startswith("https://author.example"))
    copy = next(e for e in everything if e["url"].startswith("https://medium.example"))
    assert copy["duplicate_of"] == first["id"] and first["duplicate_of"] is None
    assert [e["id"] for e in cli("list", "--json").json] == [first["id"]]
