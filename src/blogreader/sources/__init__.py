"""Sources: what a URL is (feed, page with a feed) and subscription lists (OPML)."""
