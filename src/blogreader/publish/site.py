"""The static site: index by month, a page per category, starred; plain files, no server, no JavaScript."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import jinja2

from blogreader.models import Entry
from blogreader.publish.common import unique_slugs
from blogreader.publish.readme import months_newest_first
from blogreader.publish.templates import render


@dataclass(frozen=True)
class CategoryPage:
    name: str
    slug: str
    count: int


def render_site(env: jinja2.Environment, entries: list[Entry], title: str, description: str | None,
                feed_xml: str) -> dict[str, str]:
    """Every page of the site as {relative path: text}; paths use only generated, safe names."""
    by_category: dict[str, list[Entry]] = defaultdict(list)
    for entry in entries:
        if entry.category:
            by_category[entry.category].append(entry)
    slugs = unique_slugs(list(by_category))
    categories = [CategoryPage(name, slugs[name], len(by_category[name]))
                  for name in sorted(by_category, key=lambda name: (name.casefold(), name))]
    newest = sorted(entries, key=lambda entry: (entry.picked_at or "", entry.id), reverse=True)
    common = dict(title=title, description=description, category_slugs=slugs, total=len(entries),
                  starred_count=sum(entry.starred for entry in entries))
    pages = {
        "index.html": render(env, "site/index.html.j2", root="", months=months_newest_first(entries), **common),
        "categories.html": render(env, "site/categories.html.j2", root="", categories=categories, **common),
        "starred.html": render(env, "site/list.html.j2", root="", heading="Starred",
                               entries=[entry for entry in newest if entry.starred], **common),
        "feed.xml": feed_xml,
    }
    for page in categories:
        in_category = sorted(by_category[page.name], key=lambda entry: (entry.picked_at or "", entry.id), reverse=True)
        pages[f"categories/{page.slug}.html"] = render(
            env, "site/list.html.j2", root="../", heading=page.name, entries=in_category, **common)
    return pages
