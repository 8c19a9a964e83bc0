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


def test_the_original_is_decided_by_structure_not_by_arrival():
    from blogreader.dedupe.originals import Copy, first_hand, original

    own = Copy(1, "https://www.author.example/posts/sae", sites=("https://author.example/", "https://author.example/feed"))
    planet = Copy(2, "https://planet.example/mirror/sae", sites=("https://aggregator.example/",))
    assert first_hand(own) and not first_hand(planet)
    assert original(planet, own) is own and original(own, planet) is own
    # A page naming another address as canonical yields to it, whatever the sites say.
    medium = Copy(3, "https://medium.example/@a/sae-1a2b", sites=("https://medium.example/",),
                  page_canonical="http://author.example/posts/sae/")
    assert not first_hand(medium) and original(medium, own) is own
    saved = Copy(4, "https://author.example/posts/sae")  # saved by hand: no source, so no site
    assert original(medium, saved) is saved
    # Naming itself as canonical, or nothing telling the copies apart: the first seen stays the original.
    twin = Copy(5, "https://twin.example/sae", sites=("https://twin.example/",), page_canonical="https://twin.example/sae")
    assert original(twin, own) is twin and original(own, twin) is own
    assert original(Copy(6, None), Copy(7, "not a url")).id == 6
