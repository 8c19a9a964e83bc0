"""The Jinja2 environment: the package's templates, overridden by name from a user's folder."""

from __future__ import annotations

from pathlib import Path

import jinja2
import markupsafe

from blogreader.errors import BlogReaderError, ConfigError
from blogreader.publish import common


def _autoescape(name: str | None) -> bool:
    # HTML is escaped by default; Markdown templates escape through the md_* filters instead.
    return bool(name) and name.endswith((".html", ".html.j2", ".xml", ".xml.j2"))


def _finalize(value):
    # Every {{ value }} of every template, the user's too, loses control characters before it is escaped.
    if isinstance(value, markupsafe.Markup):
        return markupsafe.Markup(common.plain_text(str(value)))
    return common.plain_text(value) if isinstance(value, str) else value


def template_environment(user_folder: Path | None = None) -> jinja2.Environment:
    """An environment that finds templates in `user_folder` first, then in the package."""
    loaders: list[jinja2.BaseLoader] = []
    if user_folder is not None:
        if not user_folder.is_dir():
            raise ConfigError(f"[publish] templates: {user_folder} is not a folder; create it or remove the setting")
        loaders.append(jinja2.FileSystemLoader(str(user_folder)))
    loaders.append(jinja2.PackageLoader("blogreader.publish", "templates"))
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders), autoescape=_autoescape, undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True, trim_blocks=True, lstrip_blocks=True, finalize=_finalize,
    )
    env.filters.update(
        md_cell=common.md_cell, md_text=common.md_text, md_link=common.md_link, md_link_text=common.md_link_text,
        md_url=common.md_url, safe_url=common.safe_url, month_label=common.month_label, one_line=common.one_line,
    )
    env.globals["STAR"] = common.STAR
    return env


def render(env: jinja2.Environment, name: str, **context) -> str:
    """Render template `name`; a broken template is an error naming the file and line, not a traceback."""
    try:
        return env.get_template(name).render(**context)
    except jinja2.TemplateSyntaxError as exc:
        raise BlogReaderError(f"template {exc.filename or name}, line {exc.lineno}: {exc.message}; fix the template") from None
    except jinja2.TemplateNotFound as exc:
        raise BlogReaderError(f"template {exc.name} not found; restore it or remove [publish] templates") from None
    except jinja2.TemplateError as exc:
        raise BlogReaderError(f"template {name}: {exc}; fix the template") from None
