"""Normalize: sanitized HTML, plain text, counts, canonical URLs, repaired text."""
