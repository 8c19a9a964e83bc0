"""Roundups: posts that are lists of recommendations, split into one item per recommendation."""

from blogreader.roundups.split import RoundupItem, split_roundup

__all__ = ["RoundupItem", "split_roundup"]
