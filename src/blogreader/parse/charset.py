"""Feed bytes in an encoding the parsers read right, when the document misstates or omits its own."""

from __future__ import annotations

import codecs
import re

_BOMS = (codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)  # the UTF-32 BOMs start with these too
_XML_DECLARATION = re.compile(rb"^\s*<\?xml[^>]*?\bencoding\s*=\s*[\"']([A-Za-z0-9._:-]{1,40})[\"']", re.I)
_CHARSET = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9._:-]{1,40})", re.I)
_ENCODING_ATTRIBUTE = re.compile(r"(^\s*<\?xml[^>]*?\bencoding\s*=\s*[\"'])[A-Za-z0-9._:-]{1,40}([\"'])", re.I)
_FALLBACK = "blogreader-windows-1252"


def readable_bytes(body: bytes, content_type: str = "") -> bytes:
    """`body` as UTF-8 when it is neither UTF-8 nor in the encoding it declares; otherwise unchanged.

    The parsers read a document as UTF-8 unless it has a BOM or declares another encoding; a
    Latin-1 feed with no declaration, or one that says UTF-8 and is not, would lose every accented
    letter to U+FFFD. Such a body is decoded with the charset of the HTTP Content-Type when that
    works, else as UTF-8 with each stray byte read as Windows-1252, the usual culprit.
    """
    if not body or body.startswith(_BOMS) or b"\x00" in body[:4]:
        return body  # a BOM, or UTF-16/32 without one: the parsers detect these themselves
    try:
        body.decode("utf-8")
        return body
    except UnicodeDecodeError:
        pass
    declared = _XML_DECLARATION.match(body[:512])
    if declared and _codec(declared.group(1).decode("ascii")) not in (None, "utf-8"):
        return body  # the parsers honour a declared legacy encoding
    text = None
    http = _CHARSET.search(content_type or "")
    charset = _codec(http.group(1)) if http else None
    if charset and charset != "utf-8":
        try:
            text = body.decode(charset)
        except UnicodeDecodeError:
            text = None
    if text is None:
        text = body.decode("utf-8", errors=_FALLBACK)
    return _ENCODING_ATTRIBUTE.sub(r"\g<1>utf-8\g<2>", text, count=1).encode("utf-8")


def _codec(name: str) -> str | None:
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def _windows_1252(error: UnicodeError) -> tuple[str, int]:
    if not isinstance(error, UnicodeDecodeError):
        raise error
    stray = error.object[error.start:error.end]
    try:
        return stray.decode("cp1252"), error.end
    except UnicodeDecodeError:  # the five bytes Windows-1252 leaves undefined
        return stray.decode("latin-1"), error.end


codecs.register_error(_FALLBACK, _windows_1252)
