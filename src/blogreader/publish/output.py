"""Writing published files: atomically, only when changed, and a site only inside its own folder."""

from __future__ import annotations

import json
import os
from pathlib import Path, PurePosixPath

from blogreader.errors import BlogReaderError
from blogreader.files import write_atomic

MANIFEST = ".blogreader-site.json"


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
    """Write `pages` ({relative path: text}) under `root`, never outside it; returns the paths that changed.

    Pages a previous run wrote and this one does not (a category that is gone) are removed.
    """
    real_root = _prepare_root(Path(root))
    changed = [relative for relative, text in pages.items() if write_if_changed(_confined(real_root, relative), text)]
    previous = _read_manifest(real_root)
    for relative in sorted(previous - set(pages)):
        try:
            stale = _confined(real_root, relative, create=False)
        except BlogReaderError:
            continue  # a manifest line that is not one of our paths: leave whatever it names alone
        if stale.is_file() or stale.is_symlink():
            stale.unlink()
            changed.append(relative)
    write_if_changed(real_root / MANIFEST, json.dumps(sorted(pages), indent=0) + "\n")
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


def _read_manifest(root: Path) -> set[str]:
    """The pages the previous publish wrote; an unreadable manifest means none."""
    try:
        names = json.loads((root / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return set()
    if not isinstance(names, list):
        return set()
    return {name for name in names if isinstance(name, str) and name and not os.path.isabs(name)}
