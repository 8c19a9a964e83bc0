from blogreader.enrich.base import Document
from blogreader.enrich.local_classifier import Example, LocalClassifier
from blogreader.enrich.promo import judge_promo, judge_promos
from blogreader.enrich.taxonomy import DEFAULT_TAXONOMY, Category

PITCH = """Hey friend!
Many teams have a learning budget that goes unspent every year.
If you've been paying for this newsletter yourself, your employer can probably reimburse it.
Forward the receipt to your manager, or use the template below.
Our group subscriptions come with a discount for teams of five or more.
Thanks for reading and for your support!"""

CONTENT = """Sparse autoencoders decompose a model's activations into features.
We trained one on the residual stream of a 1B model.
Features cluster by layer, and steering along one changes the model's persona.
Probing shows the directions are linear."""


def test_a_subscription_pitch_is_promo_and_an_explainer_is_not():
    assert judge_promo(Document("Expense your subscription to Feature Notes", PITCH, source="Feature Notes")).promo
    assert not judge_promo(Document("Sparse autoencoders, explained", CONTENT, source="Feature Notes")).promo


def test_a_long_post_that_mentions_a_discount_once_is_not_promo():
    body = (CONTENT + "\n") * 60 + "Readers get a discount on the workshop."
    assert not judge_promo(Document("Probing residual streams", body, source="Feature Notes")).promo


RECAP_OPENING = (
    "Last week our whole team travelled to the annual community conference, and what a week it was. We met hundreds "
    "of users at our booth, gave three talks on the main stage, ran a hands-on workshop and hosted a dinner for the "
    "community. Thank you to everyone who stopped by to say hello, to our speakers, and to the organisers. Here are "
    "the highlights of our week, the photos from the booth, and where you can meet us next. ")


RECAP_BODY = (
    "On the first day our booth was busy from the morning on, and the team answered questions about the product "
    "until the hall closed. Our talk on the main stage filled the room, and the recording is on our channel. "
    "The workshop sold out within an hour, so we will run it again at the next meetup. Thank you to our sponsors "
    "and to the volunteers who made the dinner possible. We will be at three more events this year: come and say "
    "hello, and follow us for the dates. ")

PERSONAL_UPDATE = (
    "First of all, a very happy new year to you! I hope this year turns out better than the last one for all of "
    "us. Last year I started my first job as a scientist, which kept me away from this blog for months, and I am "
    "super excited to be back and to write again. Thank you for reading, and for all your messages while I was "
    "away. This post starts where the last one stopped. ")


def test_a_long_event_recap_is_promo_and_a_long_explainer_is_not():
    # Over SHORT_POST_WORDS: the model reads the title and the opening, held to LONG_POST_THRESHOLD, and since the
    # opening reads as a notice, the rest of the post too: a recap stays about the event all through.
    recap = judge_promo(Document("Our week at the community conference: a recap", RECAP_OPENING + RECAP_BODY * 14))
    assert recap.promo and "p=" in recap.reason
    assert not judge_promo(Document("Probing residual streams", (CONTENT + "\n") * 60)).promo


def test_a_post_that_opens_on_its_author_and_then_explains_its_subject_is_content():
    # The opening alone reads as a note about the blog; the rest is the explainer it introduces. A notice is
    # about its publisher all through, so the post is judged by all of it.
    title = "Sparse autoencoders, explained"
    assert judge_promo(Document(title, PERSONAL_UPDATE + RECAP_BODY * 3)).promo  # about the author all through
    assert not judge_promo(Document(title, PERSONAL_UPDATE + (CONTENT + "\n") * 12)).promo
    assert not judge_promo(Document(title, PERSONAL_UPDATE + (CONTENT + "\n") * 60)).promo  # and a long one


def test_posts_judged_together_get_the_verdicts_each_gets_alone():
    hiring = ("Research internships this summer", "Our team is looking for interns to join us this summer. Apply through "
              "our careers page before the deadline; interns work with a mentor on real projects and publish with us.")
    cases = [
        Document("Expense your subscription to Feature Notes", PITCH),  # the headline pitches, the post is short
        Document("Sparse autoencoders, explained", CONTENT),  # short: the model reads it
        Document(*hiring),  # short: the model flags it
        Document("Probing residual streams", (CONTENT + "\n") * 60),  # long, no pitch: the model reads it as content
        Document("A note", "Too short for the model."),  # under the model's words: the sentences decide
        Document("Our new course is open", (CONTENT + "\n") * 60),  # a pitch on a long post
    ] * 2
    verdicts = judge_promos(cases)
    assert verdicts == [judge_promo(doc) for doc in cases]
    assert [verdict.promo for verdict in verdicts[:6]] == [True, False, True, False, False, False]
    assert "p=" in verdicts[2].reason  # the batch's model verdict, not a screen's
    assert judge_promos([]) == []


def test_taxonomy_only_classification_files_clear_posts():
    classifier = LocalClassifier(DEFAULT_TAXONOMY)
    cases = {
        "Sparse autoencoders on the residual stream": "Interpretability",
        "Speculative decoding with a draft model halves latency": "Inference",
        "GRPO and reward models for reasoning-free preference optimization": "RL",
        "Writing a clear abstract: advice for PhD students": "Writing",
    }
    for title, expected in cases.items():
        category = classifier.classify(Document(title, "")).category
        assert category == expected and type(category) is str, title  # plain str: pickles and serializes anywhere


def test_user_labels_teach_the_classifier_and_add_categories():
    taxonomy = (Category("Systems", "GPUs, kernels"), Category("Interpretability", "probing, steering"))
    examples = [Example(Document(f"Steering vectors study {n}", "activation steering persona direction"), "Interp")
                for n in range(4)]
    classifier = LocalClassifier(taxonomy, examples)
    assert "Interp" in classifier.names
    result = classifier.classify(Document("A new steering vectors result", "activation steering of persona"))
    assert result.category == "Interp" and result.origin == "local"
