"""Atomic, durable, serialized file writes that keep mode, owner and links; no temp file left."""

from __future__ import annotations

import errno
import fcntl
import hashlib
import os
import secrets
import stat
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import NamedTuple

from relay_tui.domain.masking import safe_text
from relay_tui.errors import BackendError, ConflictError, RefusedError
from relay_tui.infra import renames

TEMP_MARK = ".relay-tmp-"
TEMP_CONTENT = "content"  # the new file's name inside the writer's temp folder
LOCK_TIMEOUT = 30.0
MISSING = "missing"  # expected digest of a file that did not exist when it was read


class Target(NamedTuple):
    """Where a write lands: the path the user named and the real file behind any symlink."""

    path: Path
    real: Path
    dir_fd: int


@contextmanager
def locked(
    path: Path, timeout: float = LOCK_TIMEOUT, *, follow_links: bool = True
) -> Iterator[Target]:
    """Hold the write lock of `path`'s folder (flock on the folder), sweeping stale temp files.

    Every writer of a folder takes this lock for its whole read-check-write, so writers in
    several processes are serialized and none loses another's update.

    A symbolic link at `path` is followed (the file behind it is written) unless
    `follow_links` is False: then it is refused (RefusedError), and a link put there later is
    replaced by the write, never written through.
    """
    if follow_links:
        real = Path(os.path.realpath(path))
    else:
        real = Path(os.path.realpath(path.parent)) / path.name
    folder = real.parent
    try:
        dir_fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    except FileNotFoundError:
        raise BackendError(f"{safe_text(str(folder))}: folder does not exist") from None
    except OSError as exc:
        raise BackendError(f"{safe_text(str(folder))}: cannot open ({exc.strerror})") from None
    try:
        _acquire(dir_fd, folder, timeout)
        if os.path.islink(real):
            raise _link_refused(path)
        sweep_stale(dir_fd)
        yield Target(path, real, dir_fd)
    finally:
        os.close(dir_fd)  # closing releases the flock


def _link_refused(path: Path) -> RefusedError:
    shown = safe_text(str(path))
    return RefusedError(
        f"{shown} is a symbolic link; relay-tui does not write through links, so nothing "
        "was written",
        hint=f"remove the link (or replace it with a regular file): {shown}",
    )


def _acquire(dir_fd: int, folder: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    delay = 0.001
    while True:
        try:
            fcntl.flock(dir_fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() >= deadline:
                raise RefusedError(
                    f"another process has been writing in {safe_text(str(folder))} for "
                    f"{timeout:.0f}s; nothing was written",
                    hint="wait for it to finish and try again",
                ) from None
            time.sleep(delay)
            delay = min(delay * 2, 0.02)


def sweep_stale(dir_fd: int) -> int:
    """Remove temp files (and temp folders) left by a killed writer; call holding the lock."""
    removed = 0
    for name in os.listdir(dir_fd):
        if TEMP_MARK in name:
            try:
                info = os.stat(name, dir_fd=dir_fd, follow_symlinks=False)
                if stat.S_ISREG(info.st_mode):
                    os.unlink(name, dir_fd=dir_fd)
                    removed += 1
                elif stat.S_ISDIR(info.st_mode) and _remove_temp_folder(dir_fd, name):
                    removed += 1
            except OSError:  # gone already, or a read-only folder: the write itself will say so
                pass
    return removed


def _remove_temp_folder(dir_fd: int, name: str) -> bool:
    """Empty and remove a writer's temp folder: regular files only, nothing followed."""
    flags = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
    inner = os.open(name, flags, dir_fd=dir_fd)
    try:
        for entry in os.listdir(inner):
            if not stat.S_ISREG(os.stat(entry, dir_fd=inner, follow_symlinks=False).st_mode):
                return False  # not what a writer leaves: left alone
            os.unlink(entry, dir_fd=inner)
    finally:
        os.close(inner)
    os.rmdir(name, dir_fd=dir_fd)
    return True


def sweep_folder(folder: Path) -> int:
    """Sweep stale temp files in `folder` if no writer holds it now; returns how many went."""
    try:
        dir_fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    except OSError:
        return 0
    try:
        try:
            fcntl.flock(dir_fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return 0
        return sweep_stale(dir_fd)
    finally:
        os.close(dir_fd)


def current_digest(target: Target) -> str:
    """The sha256 of the real file now, or MISSING."""
    try:
        with open(target.real, "rb") as handle:
            return hashlib.sha256(handle.read()).hexdigest()
    except FileNotFoundError:
        return MISSING


def write(
    target: Target, data: bytes, *, expected: str | None = None, mode: int | None = None
) -> None:
    """Replace `target` with `data` atomically; call inside `locked()`.

    `expected` is the digest the file had when it was read (or MISSING): if the file changed
    since, nothing is written (ConflictError). A new file is created 0600; an existing one
    keeps its mode, owner and group. `mode` (for private files) is the new file's mode
    whatever the old one's was. On any failure the original is intact and no temp file
    remains.
    """
    shown = safe_text(str(target.path))
    info = _existing(target)
    if expected is not None and current_digest(target) != expected:
        if expected == MISSING:
            raise ConflictError(
                f"{shown} was created by someone else meanwhile; nothing was written",
                hint="use --force to replace it, or pick another file",
            )
        raise ConflictError(
            f"{shown} changed on disk since it was read; nothing was written",
            hint="reload it and make your change again",
        )
    name = target.real.name
    folder = _temp_folder(target, name, shown)
    try:
        _write_temp(folder.fd, data, info, shown, mode)
        if expected is None:
            os.rename(TEMP_CONTENT, name, src_dir_fd=folder.fd, dst_dir_fd=target.dir_fd)
        else:
            _recheck(target, info, expected, shown)  # another program may have replaced it
            _replace_checked(target, folder, info, expected, shown)
    except OSError as exc:
        raise _write_error(shown, exc) from None
    finally:
        _drop_temp_folder(target.dir_fd, folder)
    try:
        os.fsync(target.dir_fd)
    except OSError as exc:  # the new content is in place; only its durability is in doubt
        raise BackendError(
            f"{shown} was written but its folder could not be synced ({exc.strerror}); "
            "a power cut now could undo the write",
            hint="check the disk, then read the file back",
        ) from None


class TempFolder(NamedTuple):
    """The writer's private folder beside the target: its name and an open descriptor."""

    name: str
    fd: int


def _temp_folder(target: Target, name: str, shown: str) -> TempFolder:
    """A private folder beside the target, ignored by git whatever the project's .gitignore says.

    The temp file lives in it, so a writer killed mid-write leaves nothing `git status` lists:
    the folder's own `.gitignore` (`*`) hides everything in it, itself included, and an empty
    folder is not listed either.
    """
    folder_name = f".{name.lstrip('.')}{TEMP_MARK}{secrets.token_hex(6)}"
    flags = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
    try:
        os.mkdir(folder_name, 0o700, dir_fd=target.dir_fd)
        folder = TempFolder(folder_name, os.open(folder_name, flags, dir_fd=target.dir_fd))
    except OSError as exc:
        with suppress(OSError):
            os.rmdir(folder_name, dir_fd=target.dir_fd)
        raise _write_error(shown, exc) from None
    try:
        create = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
        ignore = os.open(".gitignore", create, 0o600, dir_fd=folder.fd)
        try:
            os.write(ignore, b"*\n")
        finally:
            os.close(ignore)
    except OSError as exc:
        _drop_temp_folder(target.dir_fd, folder)
        raise _write_error(shown, exc) from None
    return folder


def _write_temp(
    folder_fd: int, data: bytes, info: os.stat_result | None, shown: str, mode: int | None
) -> None:
    """The new content, fsynced, in the temp folder: 0600, the original's mode, or `mode`."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
    fd = os.open(TEMP_CONTENT, flags, 0o600, dir_fd=folder_fd)
    try:
        view = memoryview(data)
        while view:
            written = os.write(fd, view)
            view = view[written:]
        _keep_owner_and_mode(fd, info, shown)
        if mode is not None:
            os.fchmod(fd, mode)
        os.fsync(fd)
    finally:
        os.close(fd)


def _drop_temp_folder(dir_fd: int, folder: TempFolder) -> None:
    """Remove the temp folder and whatever is left in it (only `.gitignore`, after a rename)."""
    for entry in (TEMP_CONTENT, ".gitignore"):
        with suppress(FileNotFoundError):
            os.unlink(entry, dir_fd=folder.fd)
    os.close(folder.fd)
    with suppress(OSError):
        os.rmdir(folder.name, dir_fd=dir_fd)


def _replace_checked(
    target: Target, folder: TempFolder, before: os.stat_result | None, expected: str, shown: str
) -> None:
    """Put the new file in place only over the file that was read, with no gap for another
    program's save to fall into: swap the two names in one step, look at what was swapped out,
    and swap back if it is not the file read. A new file is created only if none appeared.

    Where the system has no renameat2 (not Linux, or a file system without it), the recheck
    just before a plain rename is what is left.
    """
    name = target.real.name
    if before is None:
        try:
            done = renames.rename_new(folder.fd, TEMP_CONTENT, target.dir_fd, name)
        except FileExistsError:
            raise _replaced_meanwhile(shown) from None
    else:
        try:
            done = renames.exchange(folder.fd, TEMP_CONTENT, target.dir_fd, name)
        except FileNotFoundError:  # deleted meanwhile
            raise _replaced_meanwhile(shown) from None
        if done and not _is_the_file_read(folder.fd, before, expected):
            renames.exchange(folder.fd, TEMP_CONTENT, target.dir_fd, name)  # theirs back
            raise _replaced_meanwhile(shown)
    if not done:
        os.rename(TEMP_CONTENT, name, src_dir_fd=folder.fd, dst_dir_fd=target.dir_fd)


def _is_the_file_read(folder_fd: int, before: os.stat_result, expected: str) -> bool:
    """Whether the file swapped out into the temp folder is the one that was read."""
    now = os.stat(TEMP_CONTENT, dir_fd=folder_fd, follow_symlinks=False)
    if (now.st_ino, now.st_size, now.st_mtime_ns) != (before.st_ino, before.st_size,
                                                      before.st_mtime_ns):  # fmt: skip
        return False
    fd = os.open(TEMP_CONTENT, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC, dir_fd=folder_fd)
    with os.fdopen(fd, "rb") as handle:
        return hashlib.sha256(handle.read()).hexdigest() == expected


def _replaced_meanwhile(shown: str) -> ConflictError:
    return ConflictError(
        f"{shown} was replaced by another program while it was being written; nothing was written",
        hint="reload it and make your change again",
    )


def _recheck(target: Target, before: os.stat_result | None, expected: str, shown: str) -> None:
    """Right before the rename: the file must still be the one read (inode, size, time, hash)."""
    try:
        now: os.stat_result | None = os.stat(target.real)
    except FileNotFoundError:
        now = None
    same = (before is None and now is None) or (
        before is not None
        and now is not None
        and (now.st_ino, now.st_size, now.st_mtime_ns) == (before.st_ino, before.st_size,
                                                           before.st_mtime_ns)
    )  # fmt: skip
    if not same or current_digest(target) != expected:
        raise _replaced_meanwhile(shown)


def _existing(target: Target) -> os.stat_result | None:
    shown = safe_text(str(target.path))
    try:
        info = os.stat(target.real)
    except FileNotFoundError:
        return None
    if not stat.S_ISREG(info.st_mode):
        raise RefusedError(f"{shown} is not a regular file; nothing was written")
    if read_only_file_system(target.real):
        raise _read_only_fs_error(shown)
    if not info.st_mode & 0o222 or not os.access(target.real, os.W_OK):
        raise RefusedError(
            f"{shown} is read-only; nothing was written",
            hint=f"make it writable first if you mean to change it: chmod u+w {shown}",
        )
    if info.st_nlink > 1:
        raise RefusedError(
            f"{shown} has {info.st_nlink} hard links; replacing it would detach them, so "
            "nothing was written",
            hint="replace the hard links with one file (a symlink is followed)",
        )
    return info


def _keep_owner_and_mode(fd: int, info: os.stat_result | None, shown: str) -> None:
    """Give the temp file the original's owner, group and mode; a new file gets 0600."""
    if info is None:
        os.fchmod(fd, 0o600)  # whatever the umask
        return
    temp = os.fstat(fd)  # a setgid folder gives new files its group, not ours
    if (info.st_uid, info.st_gid) != (temp.st_uid, temp.st_gid):
        try:
            os.fchown(fd, info.st_uid, info.st_gid)
        except PermissionError:
            raise RefusedError(
                f"{shown} belongs to another user or group that this process cannot keep; "
                "nothing was written",
                hint="run as the file's owner",
            ) from None
    os.fchmod(fd, stat.S_IMODE(info.st_mode))


def read_only_file_system(path: Path) -> bool:
    """Whether `path`'s folder is on a file system mounted read-only."""
    try:
        return bool(os.statvfs(path.parent).f_flag & os.ST_RDONLY)
    except OSError:
        return False


def _read_only_fs_error(shown: str) -> BackendError:
    return BackendError(
        f"could not write {shown}: the file system is mounted read-only (EROFS);"
        " the original is unchanged",
        hint="write it on a writable file system, or remount this one read-write",
    )


def _write_error(shown: str, exc: OSError) -> BackendError:
    if exc.errno == errno.EROFS:
        return _read_only_fs_error(shown)
    reason = exc.strerror or errno.errorcode.get(exc.errno or 0, "error")
    hint = None
    if exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
        hint = "free some space and try again"
    elif exc.errno in (errno.EACCES, errno.EPERM):
        hint = "check the permissions of the file and its folder"
    return BackendError(
        f"could not write {shown}: {reason} (errno {exc.errno}); the original is unchanged",
        hint=hint,
    )
