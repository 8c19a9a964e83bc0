"""The one HTTP client every request of the program goes through."""

from blogreader.fetch.client import Fetcher, fetch_one

__all__ = ["Fetcher", "fetch_one"]
