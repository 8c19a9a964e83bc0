"""Take docs/inbox.png: the web app's inbox over a few realistic entries, in Debian's headless Chromium.

    .venv/bin/python docs/screenshot.py
"""

from __future__ import annotations

import hashlib
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
        "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"]

# (source, title, summary, category, minutes)
POSTS = [
    ("LessWrong", "Recent LLMs Can Do 2-hop and 3-hop Latent Reasoning",
     "Recent LLMs can now compose facts without chain of thought; filler tokens boost multi-hop performance.",
     "Reasoning", 9),
    ("Anthropic", "Persona Vectors: Monitoring and Controlling Character Traits in LLMs",
     "Finds activation directions that control model traits, enabling monitoring of personality shifts and "
     "preventative steering during training.", "Interpretability", 14),
    ("Interconnects", "How to Design Agentic RL Systems",
     "RL frameworks built for chat cannot run agentic tasks that need containers and tools; proposes an agent "
     "layer with remote execution pools to scale to 128+ parallel rollouts.", "RL", 21),
    ("Vintage Data", "Synthetic Pretraining",
     "Argues synthetic pretraining makes data design central to model development, in three stages: "
     "rephrasing, hardwiring formal systems, and simulated environments.", "Data", 17),
    ("Ahead of AI", "The State of Reinforcement Learning for LLM Reasoning",
     "Surveys GRPO and its variants since DeepSeek-R1 and what actually moved benchmark scores.", "RL", 32),
    ("Kind of Xiaoming", "When I Say \"Toy Models\", What Do I Mean?",
     "Defines toy models for AI research with a four-zone framework of data × network complexity.",
     "ML Theory", 6),
    ("ngrok blog", "What those AI benchmark numbers mean",
     "A guide to fourteen major benchmarks: what each measures and how far to trust the headline numbers.",
     "Eval", 12),
]


def fill(home: Path) -> None:
    from blogreader.config import load_settings
    from blogreader.models import NewEntry
    from blogreader.store import EnrichmentUpdate, Store

    home.mkdir(parents=True)
    (home / "config.toml").write_text("starter_subscriptions = false\n", encoding="utf-8")
    with Store.open(load_settings(home).database_path) as store:
        now = datetime(2026, 3, 12, 9, tzinfo=UTC)
        for index, (source, title, summary, category, minutes) in enumerate(POSTS):
            slug = title.lower().replace(" ", "-")[:40]
            source_id = store.add_source(f"https://{source.lower().replace(' ', '')}.example/feed", "feed",
                                         title=source)[0].id
            text = f"{title}. {summary} " * 8
            entry = NewEntry(title=title, url=f"https://{source.lower().replace(' ', '')}.example/{slug}",
                             canonical_url=None, guid=slug, author=None, published=now - timedelta(hours=7 * index),
                             content_html=f"<p>{text}</p>", text=text, word_count=minutes * 220,
                             reading_minutes=minutes, feed_summary=None,
                             content_hash=hashlib.blake2b(text.encode(), digest_size=16).hexdigest())
            [entry_id] = store.save_entries(source_id, [entry]).ids
            store.save_enrichment([EnrichmentUpdate(entry_id, summary=summary, summary_origin="extractive",
                                                    category=category, category_origin="local")])
            if index == 1:
                store.set_starred([entry_id], True)
            if index == 3:
                store.set_picked([entry_id], True)


def main() -> int:
    import uvicorn
    from playwright.sync_api import sync_playwright

    from blogreader.config import load_settings
    from blogreader.web.server import bind

    out = Path(__file__).parent / "inbox.png"
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp) / "library"
        fill(home)
        bound = bind(load_settings(home), "127.0.0.1", 0)
        server = uvicorn.Server(uvicorn.Config(bound.app(), log_level="warning"))
        thread = threading.Thread(target=server.run, kwargs={"sockets": [bound.sock]}, daemon=True)
        thread.start()
        while not server.started:
            time.sleep(0.01)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
            page = browser.new_page(viewport={"width": 1100, "height": 860}, color_scheme="light")
            page.goto(f"http://127.0.0.1:{bound.port}/")
            page.keyboard.press("j")  # the second entry selected, as while triaging
            page.mouse.move(0, 0)
            page.screenshot(path=str(out))
            browser.close()
        server.should_exit = True
        thread.join(5)
    print(out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
