"""Dedupe: entry identity (in the store) and near-duplicate texts, such as the same post syndicated elsewhere."""
