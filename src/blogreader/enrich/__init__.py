"""Enrich: summaries, categories and promotion flags, from pluggable backends."""
