"""Reading a file a user or a repository named: regular files only, at most 16 MB, no blocking."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from relay_tui.domain.masking import safe_text
from relay_tui.errors import InputFileError

MAX_FILE_BYTES = 16 * 1024 * 1024  # env files, templates, notebooks, baselines, relay.toml


def read_env_bytes(path: Path, what: str = "env files") -> bytes:
    """Read a regular file's bytes with clear errors for everything else (never blocks on FIFOs)."""
    data = read_limited(path, what)
    if b"\x00" in data:
        raise InputFileError(
            f"{safe_text(str(path))}: looks binary (it contains NUL bytes); {what} are UTF-8 text"
        )
    return data


def read_limited(path: Path, what: str) -> bytes:
    """A regular file's bytes, at most MAX_FILE_BYTES; FIFOs, devices and folders are refused."""
    shown = safe_text(str(path))
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except FileNotFoundError:
        raise InputFileError(f"{shown}: no such file") from None
    except IsADirectoryError:
        raise InputFileError(f"{shown}: is a directory, not a file") from None
    except PermissionError:
        raise InputFileError(
            f"{shown}: permission denied", hint="check the file's owner and mode"
        ) from None
    except OSError as exc:
        raise InputFileError(f"{shown}: cannot open ({exc.strerror})") from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise InputFileError(f"{shown}: is a directory, not a file")
        if not stat.S_ISREG(info.st_mode):
            raise InputFileError(f"{shown}: not a regular file (a FIFO, socket or device)")
        if info.st_size > MAX_FILE_BYTES:
            raise InputFileError(
                f"{shown}: too large ({info.st_size} bytes is over the {MAX_FILE_BYTES} byte"
                f" limit for {what})"
            )
        chunks = []
        size = 0
        while size <= MAX_FILE_BYTES and (chunk := os.read(fd, 1 << 20)):
            chunks.append(chunk)
            size += len(chunk)
        if size > MAX_FILE_BYTES:  # it grew while being read
            raise InputFileError(f"{shown}: too large (over the {MAX_FILE_BYTES} byte limit)")
        data = b"".join(chunks)
    except OSError as exc:
        raise InputFileError(f"{shown}: cannot read ({exc.strerror})") from None
    finally:
        os.close(fd)
    return data
