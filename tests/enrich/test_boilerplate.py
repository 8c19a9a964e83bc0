from blogreader.normalize.boilerplate import strip_promo_blocks

POST = """✨ Before we begin, I want to introduce you to my new course on agents. ✨
It covers planning, memory and evaluation, with twelve hands-on projects.
Enrol this week and get a launch discount.
Claim your 40% discount →
Sparse autoencoders decompose activations into features.
Subscribe now
We trained one on a 1B model and found 30k interpretable features.
Share
This post is completely free to read. Show your love by restacking it and sharing it with others!
Join the paid tier today to get access to all posts in this newsletter:
🧠 Circuits, explained
🔭 Probing 101
and so many more!
Join 'Feature Notes' premium today
Leave a comment
The features cluster by layer depth."""


def test_sponsor_blocks_buttons_and_pitches_are_removed():
    assert strip_promo_blocks(POST).split("\n") == [
        "Sparse autoencoders decompose activations into features.",
        "We trained one on a 1B model and found 30k interpretable features.",
        "The features cluster by layer depth.",
    ]


def test_content_that_mentions_the_words_is_kept():
    text = "We share weights between layers.\nSubscribers to the mailing list asked about MoE routing.\nRead more about routing below, where we compare three designs."
    assert strip_promo_blocks(text) == text


def test_a_block_start_without_a_call_to_action_only_drops_its_own_line():
    text = "Sponsored by Acme GPUs\nAttention is a weighted average.\nIt is cheap to compute."
    assert strip_promo_blocks(text) == "Attention is a weighted average.\nIt is cheap to compute."


def test_a_pitch_spelt_with_letters_that_fold_onto_ascii_is_removed_as_the_pattern_reads_it():
    # Under IGNORECASE the long s is an "s", the dotless i an "i" and the dotted capital I an "i"; lower() keeps
    # the first two and turns the third into "i" and a combining dot, so the screens must fold them the same way.
    for pitch in ("Please consider ſubscribing to this blog.", "Send a gİft subscription today.",
                  "Please consıder subscrıbing.", "THANKS FOR READİNG, and please SUBSCRİBE"):
        text = f"Attention is a weighted average.\n{pitch}\nIt is cheap to compute."
        assert strip_promo_blocks(text) == "Attention is a weighted average.\nIt is cheap to compute.", pitch
    kept = "The Kelvin sign K and the long s ſ in a physics post.\nIstanbul, İzmir and Diyarbakır."
    assert strip_promo_blocks(kept) == kept
