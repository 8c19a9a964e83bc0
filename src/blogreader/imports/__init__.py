"""Readers of files a user brings: curated Markdown lists and lists of URLs."""
