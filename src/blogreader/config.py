"""One typed Settings: defaults < config.toml < BLOGREADER_* environment < command-line flags."""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, fields, replace
from pathlib import Path

from blogreader.enrich.taxonomy import DEFAULT_TAXONOMY, Category
from blogreader.errors import ConfigError

CONFIG_NAME = "config.toml"
DATABASE_NAME = "blogreader.db"

DEFAULT_CONFIG = """\
# BlogReader configuration. Every setting is optional; these are the defaults.

# Let fetches reach loopback and private-network addresses (a feed on your own LAN).
# Off by default: a pasted URL must not be able to probe your network.
allow_private_networks = false

# Subscribe a new library to the starter set of AI/ML blogs on its first `update`.
starter_subscriptions = true

# The library: blogreader.db in this folder (SQLite), or a team's PostgreSQL ($BLOGREADER_DATABASE_URL wins).
# database = "postgresql://blogreader@db.example/blogreader"

[fetch]
concurrency = 50          # requests in flight at once, all hosts together
per_host = 2              # requests in flight to one host
connect_timeout = 10      # seconds to open a connection
total_timeout = 30        # seconds for a whole request, body included
max_bytes = 20_000_000    # response-size cap, applied to decoded bytes
max_redirects = 5
max_retry_wait = 30       # longest Retry-After (seconds) waited out within one run

[enrich]
# Summaries: "feed" (the item's own subtitle when it is a real summary), "extractive" (offline),
# or "llm:MODEL" (any model of the `llm` library); a comma-separated list tries each in turn.
summarizer = "feed,extractive"
classifier = "local"      # "local" (offline, learns from your labels) or "llm:MODEL"
llm_timeout = 60          # seconds a model may take for one entry
full_text = true          # fetch the article page of a teaser, and of a roundup item that is a bare link

[publish]
outputs = ["readme", "feed"]   # what `update` writes into this folder: readme, digest, feed, site
# title = "Reading list"       # the readme's heading (default: an imported list's own, else "Reading list")
# description = "Posts worth your time, month by month."
# digest_title = "What caught my attention in {week}"
# site_url = "https://example.org/reading/"   # where the site is served: the Atom feed's links
# templates = "templates"      # a folder of your own templates, overriding the built-in ones by name
# feed_limit = 100             # newest picks in the Atom feed; 0 for all

[web]
# Images in posts (`blogreader serve`): "proxy" fetches them through BlogReader's guarded fetcher, so
# the blog never sees your address or when you read; "off" shows a link instead, loaded (through the
# same proxy) only when you click it. Either way the browser never contacts the image's host itself.
images = "proxy"
# Opening an entry's page marks it read; false leaves it unread until you press r.
mark_read_on_open = true

[api]
# What reader apps (the Google Reader API of `blogreader serve`; see `blogreader api-password`) get as an
# item's `summary`: "summary" is BlogReader's summary, with the post in `content`; "full" is that summary
# followed by the post, for apps that show `summary` as the article (NetNewsWire and others made for FreshRSS).
summary = "summary"

[schedule]
# How often `blogreader serve` and `blogreader worker` poll each source. A source's interval follows how often
# it publishes (a quarter of its typical gap between posts), kept between these limits (seconds).
min_interval = 900        # 15 minutes: the most often any source is polled
max_interval = 86400      # 1 day: the least often a healthy source is polled
default_interval = 3600   # until a source has enough dated posts to learn from
max_backoff = 172800      # 2 days: the longest wait after repeated failures
jitter = 0.1              # add up to this fraction of the interval, so sources drift apart

# The taxonomy: uncomment to replace the default categories.
# [[taxonomy]]
# name = "Interp"
# description = "sparse autoencoders, probing, steering"
"""


@dataclass(frozen=True)
class FetchSettings:
    """Limits of the HTTP client."""

    concurrency: int = 50
    per_host: int = 2
    connect_timeout: float = 10.0
    total_timeout: float = 30.0
    max_bytes: int = 20_000_000
    max_redirects: int = 5
    max_retry_wait: float = 30.0
    allow_private_networks: bool = False


@dataclass(frozen=True)
class EnrichSettings:
    """Which backends enrich entries, and how."""

    summarizer: str = "feed,extractive"
    classifier: str = "local"
    llm_timeout: float = 60.0
    full_text: bool = True


@dataclass(frozen=True)
class PublishSettings:
    """What `publish` and `update` write, and how it is titled."""

    title: str | None = None
    description: str | None = None
    digest_title: str = "What caught my attention in {week}"
    digest_description: str | None = None
    outputs: tuple[str, ...] = ("readme", "feed")
    templates: Path | None = None
    site_url: str | None = None
    feed_limit: int = 100


PUBLISH_OUTPUTS = ("readme", "digest", "feed", "site")
IMAGE_MODES = ("proxy", "off")


@dataclass(frozen=True)
class WebSettings:
    """How the web app shows what it reads."""

    images: str = "proxy"
    mark_read_on_open: bool = True


API_SUMMARIES = ("summary", "full")


@dataclass(frozen=True)
class ApiSettings:
    """What the reader API sends apps."""

    summary: str = "summary"


@dataclass(frozen=True)
class ScheduleSettings:
    """When the background scheduler polls each source (seconds)."""

    min_interval: int = 900
    max_interval: int = 86400
    default_interval: int = 3600
    max_backoff: int = 172800
    jitter: float = 0.1


@dataclass(frozen=True)
class Settings:
    """Everything configurable, resolved once per command."""

    home: Path
    database_url: str | None = None
    allow_private_networks: bool = False
    starter_subscriptions: bool = True
    fetch: FetchSettings = FetchSettings()
    enrich: EnrichSettings = EnrichSettings()
    taxonomy: tuple = DEFAULT_TAXONOMY
    publish: PublishSettings = PublishSettings()
    web: WebSettings = WebSettings()
    schedule: ScheduleSettings = ScheduleSettings()
    api: ApiSettings = ApiSettings()

    @property
    def database_path(self) -> Path:
        return self.home / DATABASE_NAME

    @property
    def database(self) -> Path | str:
        """The library's database: a PostgreSQL address when one is configured, else the SQLite file."""
        return self.database_url or self.database_path

    @property
    def config_path(self) -> Path:
        return self.home / CONFIG_NAME


def default_home() -> Path:
    """The library folder when neither --home nor $BLOGREADER_HOME is given."""
    from platformdirs import user_data_dir

    return Path(user_data_dir("blogreader", appauthor=False))


def resolve_home(flag: str | os.PathLike | None) -> Path:
    """--home, else $BLOGREADER_HOME, else the platform's user data folder."""
    if flag:
        return Path(flag).expanduser()
    env = os.environ.get("BLOGREADER_HOME")
    if env:
        return Path(env).expanduser()
    return default_home()


def load_settings(home: Path, *, create: bool = True) -> Settings:
    """Read config.toml in `home` (writing the commented default when absent) and the environment."""
    if home.exists() and not home.is_dir():
        raise ConfigError(f"library folder {home} is a file; pass --home with a folder")
    path = home / CONFIG_NAME
    if create and not path.exists():
        try:
            home.mkdir(parents=True, exist_ok=True)
            path.write_text(DEFAULT_CONFIG, encoding="utf-8")
        except OSError as exc:
            raise ConfigError(
                f"cannot create the library folder {home}: {exc.strerror}; "
                "pass --home with a writable folder"
            ) from None
    data = _read_toml(path) if path.exists() else {}
    settings = _from_mapping(home, data)
    return _apply_environment(settings)


def _read_toml(path: Path) -> dict:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: {exc}; fix the file or delete it to get the defaults") from None
    except OSError as exc:
        raise ConfigError(f"cannot read {path}: {exc.strerror}") from None


def _from_mapping(home: Path, data: dict) -> Settings:
    fetch_data = data.get("fetch", {})
    if not isinstance(fetch_data, dict):
        raise ConfigError(f"{home / CONFIG_NAME}: [fetch] must be a table")
    fetch_kwargs = {}
    for spec in fields(FetchSettings):
        if spec.name in fetch_data:
            fetch_kwargs[spec.name] = _typed(spec.name, fetch_data[spec.name], spec.type, home)
    unknown = set(fetch_data) - {spec.name for spec in fields(FetchSettings)}
    if unknown:
        raise ConfigError(
            f"{home / CONFIG_NAME}: unknown [fetch] setting {', '.join(sorted(unknown))}; "
            "see the commented defaults in the README"
        )
    allow = bool(data.get("allow_private_networks", False))
    return Settings(
        home=home,
        database_url=_database_url(home / CONFIG_NAME, data.get("database"), "database"),
        allow_private_networks=allow,
        starter_subscriptions=bool(data.get("starter_subscriptions", True)),
        fetch=replace(FetchSettings(**fetch_kwargs), allow_private_networks=allow),
        enrich=_enrich_settings(home, data.get("enrich", {})),
        taxonomy=_taxonomy(home, data.get("taxonomy")),
        publish=_publish_settings(home, data.get("publish", {})),
        web=_web_settings(home, data.get("web", {})),
        schedule=_schedule_settings(home, data.get("schedule", {})),
        api=_api_settings(home, data.get("api", {})),
    )


def _checked_table(home: Path, data, section: str, settings_class) -> Path:
    """Refuse a [section] that is not a table or names a setting `settings_class` does not have."""
    where = home / CONFIG_NAME
    if not isinstance(data, dict):
        raise ConfigError(f"{where}: [{section}] must be a table")
    unknown = set(data) - {spec.name for spec in fields(settings_class)}
    if unknown:
        raise ConfigError(f"{where}: unknown [{section}] setting {', '.join(sorted(unknown))}; see the README")
    return where


def _enrich_settings(home: Path, data) -> EnrichSettings:
    where = _checked_table(home, data, "enrich", EnrichSettings)
    values = {}
    for name in ("summarizer", "classifier"):
        if name in data:
            if not isinstance(data[name], str) or not data[name].strip():
                raise ConfigError(f"{where}: [enrich] {name} must be a backend name such as \"extractive\"")
            values[name] = data[name].strip()
    if "llm_timeout" in data:
        values["llm_timeout"] = _typed("llm_timeout", data["llm_timeout"], "float", home)
    if "full_text" in data:
        values["full_text"] = bool(data["full_text"])
    return EnrichSettings(**values)


def _publish_settings(home: Path, data) -> PublishSettings:
    where = _checked_table(home, data, "publish", PublishSettings)
    values = {}
    for name in ("title", "description", "digest_title", "digest_description", "site_url", "templates"):
        if name in data:
            if not isinstance(data[name], str):
                raise ConfigError(f"{where}: [publish] {name} must be a string")
            values[name] = data[name].strip() or None
    if values.get("site_url") and not values["site_url"].startswith(("http://", "https://")):
        raise ConfigError(f"{where}: [publish] site_url must be an http(s) address, such as \"https://example.org/\"")
    if values.get("templates"):
        values["templates"] = home / Path(values["templates"]).expanduser()
    if not values.get("digest_title", True):
        values.pop("digest_title")
    if "outputs" in data:
        outputs = data["outputs"]
        if not isinstance(outputs, list) or any(item not in PUBLISH_OUTPUTS for item in outputs):
            raise ConfigError(f"{where}: [publish] outputs must be a list drawn from {', '.join(PUBLISH_OUTPUTS)}")
        values["outputs"] = tuple(dict.fromkeys(outputs))
    if "feed_limit" in data:
        limit = data["feed_limit"]
        if isinstance(limit, bool) or not isinstance(limit, int) or limit < 0:
            raise ConfigError(f"{where}: [publish] feed_limit must be a whole number, 0 for all")
        values["feed_limit"] = limit
    return PublishSettings(**values)


def _web_settings(home: Path, data) -> WebSettings:
    where = _checked_table(home, data, "web", WebSettings)
    images = data.get("images", WebSettings.images)
    if images not in IMAGE_MODES:
        raise ConfigError(f"{where}: [web] images must be \"proxy\" or \"off\", not {images!r}")
    mark_read = data.get("mark_read_on_open", WebSettings.mark_read_on_open)
    if not isinstance(mark_read, bool):
        raise ConfigError(f"{where}: [web] mark_read_on_open must be true or false, not {mark_read!r}")
    return WebSettings(images=images, mark_read_on_open=mark_read)


def _api_settings(home: Path, data) -> ApiSettings:
    where = _checked_table(home, data, "api", ApiSettings)
    summary = data.get("summary", ApiSettings.summary)
    if summary not in API_SUMMARIES:
        raise ConfigError(f"{where}: [api] summary must be \"summary\" or \"full\", not {summary!r}")
    return ApiSettings(summary=summary)


def _schedule_settings(home: Path, data) -> ScheduleSettings:
    where = _checked_table(home, data, "schedule", ScheduleSettings)
    values = {}
    for spec in fields(ScheduleSettings):
        if spec.name not in data:
            continue
        value = data[spec.name]
        whole = spec.type == "int"
        if isinstance(value, bool) or not isinstance(value, int if whole else (int, float)) or value < 0 or (
                whole and value == 0) or (not whole and value > 1):
            wanted = "a positive whole number of seconds" if whole else "a fraction from 0 to 1, such as 0.1"
            raise ConfigError(f"{where}: [schedule] {spec.name} must be {wanted}, not {value!r}")
        values[spec.name] = value
    settings = ScheduleSettings(**values)
    if settings.min_interval > settings.max_interval:
        raise ConfigError(f"{where}: [schedule] min_interval ({settings.min_interval}) is above max_interval "
                          f"({settings.max_interval}); lower one or raise the other")
    clamped = max(settings.min_interval, min(settings.max_interval, settings.default_interval))
    return replace(settings, default_interval=clamped, max_backoff=max(settings.max_backoff, settings.max_interval))


def _taxonomy(home: Path, data) -> tuple:
    """The categories from [[taxonomy]] tables, or the default."""
    if data is None:
        return DEFAULT_TAXONOMY
    where = home / CONFIG_NAME
    if not isinstance(data, list) or not data:
        raise ConfigError(f"{where}: taxonomy must be [[taxonomy]] tables with a name and a description")
    categories = []
    for item in data:
        if not isinstance(item, dict) or not isinstance(item.get("name"), str) or not item["name"].strip():
            raise ConfigError(f"{where}: every [[taxonomy]] table needs a name")
        categories.append(Category(item["name"].strip(), str(item.get("description", "")).strip()))
    return tuple(categories)


def _typed(name: str, value, type_name: str, home: Path):
    wanted = {"int": int, "float": (int, float), "bool": bool}[type_name]
    if isinstance(value, bool) and type_name != "bool" or not isinstance(value, wanted):
        raise ConfigError(f"{home / CONFIG_NAME}: [fetch] {name} must be a number, not {value!r}")
    if type_name != "bool" and value <= 0:
        raise ConfigError(f"{home / CONFIG_NAME}: [fetch] {name} must be positive, not {value!r}")
    return value


def _database_url(where, value, name: str) -> str | None:
    """A PostgreSQL address, or None for the SQLite file in the library folder."""
    if value not in (None, "") and not (isinstance(value, str) and value.startswith(("postgresql://", "postgres://"))):
        raise ConfigError(f'{where}: {name} must be a PostgreSQL address such as "postgresql://user@host/dbname", '
                          f"not {value!r}; leave it out to use SQLite")
    return value or None


def _apply_environment(settings: Settings) -> Settings:
    url = os.environ.get("BLOGREADER_DATABASE_URL")
    if url:
        settings = replace(settings, database_url=_database_url("$BLOGREADER_DATABASE_URL", url, "it"))
    flag = os.environ.get("BLOGREADER_ALLOW_PRIVATE_NETWORKS")
    if flag is None:
        return settings
    allow = flag.strip().lower() in {"1", "true", "yes", "on"}
    return replace(
        settings,
        allow_private_networks=allow,
        fetch=replace(settings.fetch, allow_private_networks=allow),
    )
