"""Files for the leak scanner: regular files read safely; links and special files never opened."""

from __future__ import annotations

import os
import stat
from pathlib import Path


def read_file(root: Path, name: str, limit: int, skipped: dict[str, int]) -> bytes | None:
    """A regular file's bytes; None (counted by reason) for links, special and large files."""
    path = os.path.join(root, name)
    try:
        info = os.lstat(path)
    except FileNotFoundError:  # tracked but deleted from the working tree
        return None
    except OSError:
        _skip(skipped, "unreadable")
        return None
    if stat.S_ISLNK(info.st_mode):
        _skip(skipped, "symlink")
        return None
    if stat.S_ISDIR(info.st_mode):  # a submodule
        return None
    if not stat.S_ISREG(info.st_mode):
        _skip(skipped, "not a regular file")
        return None
    if info.st_size > limit:
        _skip(skipped, "too large")
        return None
    flags = os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC | getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(path, flags)
    except OSError:  # swapped for a link or removed since the listing, or permission denied
        _skip(skipped, "unreadable")
        return None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            _skip(skipped, "not a regular file")
            return None
        with os.fdopen(os.dup(fd), "rb") as handle:
            data = handle.read(limit + 1)
    except OSError:
        _skip(skipped, "unreadable")
        return None
    finally:
        os.close(fd)
    if len(data) > limit:
        _skip(skipped, "too large")
        return None
    return data


def walk(root: Path, skipped: dict[str, int]) -> list[tuple[str, bool]]:
    """Every file under `root` outside a git repository: links not followed, `.git` skipped."""
    found: list[tuple[str, bool]] = []
    folders = [""]
    while folders:
        folder = folders.pop()
        try:
            entries = list(os.scandir(os.path.join(root, folder)))
        except OSError:
            _skip(skipped, "unreadable")
            continue
        for entry in entries:
            name = folder + entry.name
            if entry.name == ".git":
                continue
            if entry.is_symlink():
                _skip(skipped, "symlink")
            elif entry.is_dir(follow_symlinks=False):
                folders.append(name + "/")
            else:
                found.append((name, False))
    return sorted(found)


def _skip(skipped: dict[str, int], reason: str) -> None:
    skipped[reason] = skipped.get(reason, 0) + 1
