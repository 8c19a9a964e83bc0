"""The error hierarchy: every error names the stage, the thing, and the next step."""


class BlogReaderError(Exception):
    """Base of every error BlogReader reports to a user."""

    exit_code = 1
    transient = False  # would the same request likely succeed later? (UnreachableError, some HTTP statuses)


class UsageError(BlogReaderError):
    """Bad input from the user: nothing was changed."""

    exit_code = 2


class ConfigError(UsageError):
    """The library folder or config.toml cannot be used."""


class FetchError(BlogReaderError):
    """A URL could not be fetched."""


class UnreachableError(FetchError):
    """The server could not be reached, or did not answer whole and in time: worth asking again later."""

    transient = True


class NoConnectionError(UnreachableError):
    """No connection was made at all: the name did not resolve, or the connection was refused or timed out. When
    every source fails so, the machine is offline (pipeline.RefreshReport.offline), not the sources."""


class BlockedAddressError(FetchError):
    """A URL points at an address that fetches may not reach."""


class ParseError(BlogReaderError):
    """Fetched bytes could not be read as what they were expected to be."""


class StoreError(BlogReaderError):
    """The database cannot be used."""


class BusyError(StoreError):
    """Another process holds what this one must write, longer than the busy (or lock) timeout: try again."""

    retry_after_seconds = 5


class NotFoundError(UsageError):
    """An id or name the user gave does not exist."""
