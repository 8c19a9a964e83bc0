"""Writing published files: atomically, only when changed, and a site only over files it wrote itself."""

from __future__ import annotations

import hashlib
import json
import os
import re
import stat
import tempfile
from pathlib import Path, PurePosixPath

from blogreader.errors import BlogReaderError

MANIFEST = ".blogreader-site.json"
MANIFEST_VERSION = 1
_MANIFEST_MAX_BYTES = 10_000_000
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
# The only names render_site gives pages: a stale manifest line of any other shape is not one of ours.
_PAGE_NAME = re.compile(r"^(?:categories/)?[a-z0-9][a-z0-9-]*\.(?:html|xml)$")


def write_atomic(path: Path, text: str) -> None:
    """Write `text` to `path` so readers see the old file or the new one, never half of one."""
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise BlogReaderError(f"cannot write {path}: {exc.strerror}; choose a writable --out") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fchmod(handle.fileno(), 0o666 & ~_umask())  # mkstemp makes 0600; a web server must read it
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise BlogReaderError(f"cannot write {path}: {exc.strerror}; the previous file is unchanged") from None


def _umask() -> int:
    """The process's umask, which the OS only tells by setting it (set straight back)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def write_if_changed(path: Path, text: str) -> bool:
    """Write `text` atomically unless the file already holds it; True when the file changed."""
    path = Path(path)
    try:
        if path.is_file() and not path.is_symlink() and path.read_text(encoding="utf-8") == text:
            return False
    except (OSError, UnicodeDecodeError):
        pass  # unreadable or not ours: write it anew
    _check_folder(path.parent)
    write_atomic(path, text)
    return True


def _check_folder(folder: Path) -> None:
    """A clear error when the folder to write into is, or lies under, a file."""
    for ancestor in (folder, *folder.parents):
        if ancestor.exists():
            if not ancestor.is_dir():
                raise BlogReaderError(f"cannot write into {folder}: {ancestor} is a file, not a folder; "
                                      "choose another --out; nothing was changed")
            return


def write_tree(root: Path, pages: dict[str, str]) -> list[str]:
    """Write `pages` ({relative path: text}) under `root`; returns the paths that changed.

    The folder's manifest names every file BlogReader wrote there, with the SHA-256 of what it wrote.
    Only those files are replaced, and only while they still hold what was written: any other file in
    the way stops the publish before anything is written. A page a previous run wrote and this one does
    not (a category that is gone) is removed only when it is still exactly BlogReader's, inside the folder.
    """
    real_root = _prepare_root(Path(root))
    previous = _read_manifest(real_root)
    texts = {relative: text.encode("utf-8") for relative, text in pages.items()}
    for relative, data in texts.items():
        _check_replaceable(real_root, relative, _digest(data), previous)
    changed = [relative for relative, text in pages.items() if write_if_changed(_confined(real_root, relative), text)]
    for relative in sorted(set(previous) - set(pages)):
        if _remove_if_ours(real_root, relative, previous[relative]):
            changed.append(relative)
    manifest = {"version": MANIFEST_VERSION, "generator": "BlogReader",
                "files": {relative: _digest(data) for relative, data in sorted(texts.items())}}
    write_if_changed(real_root / MANIFEST, json.dumps(manifest, indent=1) + "\n")
    return changed


def _prepare_root(root: Path) -> Path:
    if root.exists() and not root.is_dir():
        raise BlogReaderError(f"cannot publish the site into {root}: it is a file; choose a folder with --out")
    _check_folder(root)
    try:
        root.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise BlogReaderError(f"cannot create {root}: {exc.strerror}; choose a writable --out") from None
    return root.resolve()


def _confined(root: Path, relative: str, create: bool = True) -> Path:
    """The path of `relative` under `root`, refusing absolute paths, `..` and folders that lead elsewhere."""
    parts = PurePosixPath(relative).parts
    if not parts or PurePosixPath(relative).is_absolute() or any(part in ("", ".", "..") for part in parts) \
            or any("\\" in part or "\x00" in part for part in parts):
        raise BlogReaderError(f"refusing to write {relative!r}: not a plain path inside the site folder")
    target = root.joinpath(*parts)
    try:
        if create:
            target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise BlogReaderError(f"cannot create {target.parent}: {exc.strerror}; the site is partly updated") from None
    if not target.parent.resolve().is_relative_to(root):
        raise BlogReaderError(f"refusing to write {target}: {target.parent} is a link out of the site folder")
    return target


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _file_digest(path: Path) -> str | None:
    """The SHA-256 of a regular file's bytes, or None for anything else (a link is not followed, a pipe not read)."""
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        fd = os.open(path, flags)
    except OSError:
        return None
    try:
        with os.fdopen(fd, "rb") as handle:
            if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
                return None
            return hashlib.file_digest(handle, "sha256").hexdigest()
    except OSError:
        return None


def _check_replaceable(root: Path, relative: str, digest: str, previous: dict[str, str | None]) -> None:
    """Refuse, before anything is written, to replace a file BlogReader did not write or that changed since."""
    target = _confined(root, relative, create=False)
    for ancestor in _between(root, target.parent):
        if ancestor.is_symlink() or (os.path.lexists(ancestor) and not ancestor.is_dir()):
            raise BlogReaderError(f"refusing to write {target}: {ancestor} is not a folder BlogReader made; "
                                  "move it away or choose another --out; nothing was changed")
    if not os.path.lexists(target):
        return
    if target.is_symlink() or not target.is_file():
        raise BlogReaderError(f"refusing to replace {target}: it is a link or a folder, not a page BlogReader "
                              "wrote; move it away or choose another --out; nothing was changed")
    found = _file_digest(target)
    if found == digest:
        return  # it already holds this page
    if relative not in previous:
        raise BlogReaderError(f"refusing to replace {target}: BlogReader did not write it (it is not in {MANIFEST}); "
                              "move it away or choose another --out; nothing was changed")
    written = previous[relative]
    if written is not None and found != written:
        raise BlogReaderError(f"refusing to replace {target}: it was changed since BlogReader wrote it; "
                              "move your version away and publish again; nothing was changed")


def _remove_if_ours(root: Path, relative: str, written: str | None) -> bool:
    """Remove a page a previous run wrote, only when it is a plain file inside `root` still holding what was written."""
    if written is None or not _PAGE_NAME.match(relative):
        return False  # no hash to compare (an older manifest) or not a name BlogReader gives: leave it alone
    try:
        target = _confined(root, relative, create=False)
    except BlogReaderError:
        return False
    if any(path.is_symlink() for path in (*_between(root, target.parent), target)):
        return False
    if not target.is_file() or _file_digest(target) != written:
        return False
    target.unlink()
    return True


def _between(root: Path, folder: Path) -> list[Path]:
    """The folders from just under `root` down to `folder` (empty when `folder` is `root`)."""
    relative = folder.relative_to(root) if folder.is_relative_to(root) else None
    if relative is None:
        return []
    return [root.joinpath(*relative.parts[: index + 1]) for index in range(len(relative.parts))]


def _read_manifest(root: Path) -> dict[str, str | None]:
    """What the previous publish wrote: {relative path: SHA-256, or None from an older manifest without hashes}."""
    path = root / MANIFEST
    if path.is_symlink() or (os.path.lexists(path) and not path.is_file()):
        raise BlogReaderError(f"refusing to use {path}: it is not the file BlogReader writes; "
                              "move it away or choose another --out; nothing was changed")
    try:
        with open(path, "rb") as handle:
            data = handle.read(_MANIFEST_MAX_BYTES + 1)
        document = json.loads(data) if len(data) <= _MANIFEST_MAX_BYTES else None
    except (OSError, ValueError):
        return {}
    if isinstance(document, list):  # the first manifests listed names only
        return {name: None for name in document if isinstance(name, str) and name}
    files = document.get("files") if isinstance(document, dict) else None
    if not isinstance(files, dict):
        return {}
    return {name: digest if isinstance(digest, str) and _SHA256.match(digest) else None
            for name, digest in files.items() if isinstance(name, str) and name}
