"""Feed bytes in an encoding the parsers read right, when the document misstates or omits its own."""

from __future__ import annotations

import codecs
import re

_BOMS = (codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)  # the UTF-32 BOMs start with these too
_XML_DECLARATION = re.compile(rb"^\s*<\?xml[^>]*?\bencoding\s*=\s*[\"']([A-Za-z0-9._:-]{1,40})[\"']", re.I)
_CHARSET = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9._:-]{1,40})", re.I)
_ENCODING_ATTRIBUTE = re.compile(r"(^\s*<\?xml[^>]*?\bencoding\s*=\s*[\"'])[A-Za-z0-9._:-]{1,40}([\"'])", re.I)
_FALLBACK = "blogreader-windows-1252"
# UTF-16/32 without a BOM, known by how "<" starts the document; feedparser-rs reads none of them.
_WIDE = ((b"<\x00\x00\x00", "utf-32-le"), (b"\x00\x00\x00<", "utf-32-be"), (b"<\x00", "utf-16-le"),
         (b"\x00<", "utf-16-be"))
DETECT_SAMPLE = 262_144  # bytes of a document whose text a detector looks at
MIN_DETECT = 32  # non-ASCII bytes a detector needs to tell KOI8-R from Shift_JIS; fewer are read as Windows-1252
# Guesses not taken: a Latin reading of bytes that are not UTF-8 is the Windows-1252 one, which the fallback
# makes byte by byte (and which keeps the UTF-8 around a stray byte); a detector cannot tell the Latin ones apart.
_LATIN = frozenset({
    "ascii", "utf_8", "utf_16", "utf_32", "latin_1", "iso8859_1", "cp1252", "cp1250", "cp1254", "cp1257", "cp1258",
    "cp437", "cp850", "cp858", "mac_roman", "mac_latin2", "mac_iceland", "mac_turkish", "hp_roman8", "cp037", "cp500",
    "cp1140",
    "iso8859_2", "iso8859_3", "iso8859_4", "iso8859_9", "iso8859_10", "iso8859_13", "iso8859_14", "iso8859_15",
    "iso8859_16",
})


def readable_bytes(body: bytes, content_type: str = "") -> bytes:
    """`body` as UTF-8 when it is neither UTF-8 nor in the encoding it declares; otherwise unchanged.

    The parsers read a document as UTF-8 unless it has a BOM or declares another encoding; a
    Latin-1 feed with no declaration, or one that says UTF-8 and is not, would lose every accented
    letter to U+FFFD. Such a body is decoded with the charset of the HTTP Content-Type when that
    works, else as UTF-8 with each stray byte read as Windows-1252, the usual culprit.
    """
    if not body or body.startswith(_BOMS):
        return body  # a BOM: the parsers detect these themselves
    wide = next((codec for start, codec in _WIDE if body.startswith(start)), None)
    if wide is not None:
        text = body.decode(wide, errors="replace")
        return _ENCODING_ATTRIBUTE.sub(r"\g<1>utf-8\g<2>", text, count=1).encode("utf-8")
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
    if text is None and not http:
        text = _detected(body)
    if text is None:
        text = body.decode("utf-8", errors=_FALLBACK)
    return _ENCODING_ATTRIBUTE.sub(r"\g<1>utf-8\g<2>", text, count=1).encode("utf-8")


def _detected(body: bytes) -> str | None:
    """`body` in the legacy encoding charset-normalizer finds in its text (KOI8-R, Shift_JIS, GB18030...).

    None when the body is mostly UTF-8 (a few stray bytes), when the guess is a Latin encoding, or when the
    guessed encoding does not read every byte: the Windows-1252 fallback then reads it.
    """
    head = body[:DETECT_SAMPLE]
    mostly = head.decode("utf-8", errors="replace")
    stray = mostly.count("\ufffd")
    if len(mostly) - len(mostly.encode("ascii", "ignore")) - stray >= stray:
        return None
    # Only the text between tags: the markup is ASCII whatever the encoding, and it drowns a short title.
    sample = b" ".join(piece.strip() for piece in re.split(rb"[<>]", head) if not piece.isascii())
    if len(sample) - len(sample.decode("latin-1").encode("ascii", "ignore")) < MIN_DETECT:
        return None  # a handful of odd bytes: any guess would be a coin toss
    import charset_normalizer

    best = charset_normalizer.from_bytes(sample).best()
    codec = _codec(best.encoding) if best else None
    if codec is None or codec.replace("-", "_") in _LATIN:
        return None
    try:
        return body.decode(codec)
    except UnicodeDecodeError:
        return None


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
