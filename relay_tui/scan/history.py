"""Git plumbing for the leak scanner: hardened git calls, file lists, and history blobs."""

from __future__ import annotations

import contextlib
import fcntl
import io
import os
import shutil
import subprocess
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import IO, NamedTuple

from relay_tui.domain.masking import safe_text
from relay_tui.errors import BackendError, UsageError
from relay_tui.infra import git
from relay_tui.infra.git import git_command, git_env

_BLOB_MODES = (b"100644", b"100755")  # regular files; symlinks (120000) and submodules skipped
_CHUNK = 1 << 16


class Repo(NamedTuple):
    """Where a scanned folder sits in its repository: the top level and the folder's prefix."""

    top: Path
    prefix: str  # '' at the top level, else 'sub/dir/'

    def relative(self, top_path: str) -> str | None:
        """`top_path` (relative to the top level) relative to the scanned folder, or None."""
        if not self.prefix:
            return top_path
        return top_path[len(self.prefix) :] if top_path.startswith(self.prefix) else None


def run_git(cwd: Path, *args: str, what: str) -> bytes:
    """Run a hardened git command and return its stdout; a failure is a BackendError."""
    done = git.run(cwd, *args, timeout=600)
    if done.returncode != 0:
        raise BackendError(f"git failed to {what}: {_stderr(done.stderr)}")
    return done.stdout


def shallow_boundary(repo: Repo) -> int:
    """How many boundary commits a shallow clone has (0: the history is whole)."""
    done = run_git(repo.top, "rev-parse", "--is-shallow-repository", "--git-path", "shallow",
                   what="check for a shallow clone")  # fmt: skip
    lines = done.decode("utf-8", "surrogateescape").splitlines()
    if not lines or lines[0].strip() != "true" or len(lines) < 2:
        return 0
    path = Path(lines[1]) if Path(lines[1]).is_absolute() else repo.top / lines[1]
    try:
        return max(1, sum(1 for line in path.read_text().splitlines() if line.strip()))
    except OSError:
        return 1


def find_repo(root: Path) -> Repo | None:
    """The repository holding `root`, or None when it is in none (or git is not installed)."""
    if shutil.which("git") is None:
        return None
    args = ("rev-parse", "--show-toplevel", "--show-prefix")
    done = subprocess.run(
        git_command(root, *args), capture_output=True, env=git_env(root), check=False
    )
    if done.returncode == 0:
        lines = done.stdout.decode("utf-8", "surrogateescape").splitlines()
        if len(lines) == 2:
            return Repo(Path(lines[0]), lines[1])
        if len(lines) == 1:  # a folder inside .git, or a bare repository: treat as no repo
            return None
    message = done.stderr.decode("utf-8", "replace")
    if "dubious ownership" in message:
        raise BackendError(
            f"git refuses {safe_text(str(root))}: the repository belongs to another user",
            hint="if you trust it, add it with `git config --global --add safe.directory PATH`",
        )
    if "not a git repository" in message or done.returncode == 128:
        return None
    raise BackendError(f"git failed to find the repository: {_stderr(done.stderr)}")


def working_files(root: Path) -> list[tuple[str, bool]]:
    """(path, tracked) of tracked and untracked files git does not ignore, relative to `root`."""
    out = run_git(
        root, "ls-files", "-z", "-t", "--cached", "--others", "--exclude-standard",
        what="list the working tree",
    )  # fmt: skip
    files: dict[str, bool] = {}
    for record in out.split(b"\0"):
        tag, path = record[:2], record[2:]
        if path and not path.endswith(b"/"):  # "dir/": an untracked nested repository
            name = os.fsdecode(path)
            files[name] = files.get(name, False) or tag != b"? "
    return list(files.items())


def submodules(root: Path) -> list[str]:
    """The submodules (gitlinks) under `root`, relative to it: repositories of their own."""
    out = run_git(root, "ls-files", "-s", "-z", what="list the submodules")
    found = []
    for record in out.split(b"\0"):
        meta, _, path = record.partition(b"\t")
        if meta.startswith(b"160000 "):
            found.append(os.fsdecode(path))
    return found


def staged_blobs(repo: Repo) -> list[tuple[str, str]]:
    """(path from the top level, blob id) of each file staged for the next commit."""
    names = run_git(
        repo.top, "diff", "--cached", "--name-only", "-z", "--no-relative", "--no-renames",
        "--diff-filter=ACMR", "--no-textconv", "--no-ext-diff", what="list the staged files",
    )  # fmt: skip
    wanted = {p for p in names.split(b"\0") if p}
    if not wanted:
        return []
    index = run_git(repo.top, "ls-files", "-s", "-z", what="read the index")
    found: list[tuple[str, str]] = []
    for record in index.split(b"\0"):
        meta, _, path = record.partition(b"\t")
        fields = meta.split()
        if path in wanted and len(fields) == 3 and fields[0] in _BLOB_MODES:
            found.append((os.fsdecode(path), fields[1].decode("ascii")))
    return found


def resolve_commit(repo: Repo, rev: str) -> str:
    """The full id of the commit `rev` names; a name git does not know is a UsageError."""
    done = subprocess.run(
        git_command(repo.top, "rev-parse", "--verify", "--quiet", "--end-of-options",
                    rev + "^{commit}"),
        capture_output=True, env=git_env(repo.top), check=False,
    )  # fmt: skip
    sha = done.stdout.decode("ascii", "replace").strip()
    if done.returncode != 0 or not sha or rev.startswith("-"):
        raise UsageError(
            f"--since {safe_text(rev)!r}: no such commit in this repository",
            hint="give a commit, branch or tag, for example --since origin/main",
        )
    return sha


def read_blobs(repo: Repo, ids: list[str], max_bytes: int) -> Iterator[tuple[str, bytes | None]]:
    """(id, content) of each blob through one `git cat-file --batch`; None when too large."""
    proc = _popen(repo.top, "cat-file", "--batch", stdin=True)
    writer = threading.Thread(target=_write_ids, args=(proc.stdin, ids), daemon=True)
    writer.start()
    try:
        assert proc.stdout is not None
        yield from _read_batch(proc.stdout, max_bytes)
    finally:
        if proc.poll() is None:
            proc.kill()
        writer.join()
        _close(proc)


class History:
    """Unique blobs of every commit in range, streamed through `git log --raw` and cat-file.

    Iterate it for (blob id, content or None when too large); afterwards `introduced` maps
    (blob, path) to the oldest commit (the last in `git log` order, newest first) whose change
    against its first parent brought that blob to that path, and `paths` maps every path ever
    added to its oldest commit. Merge commits are diffed against their first parent, so a
    value added while resolving a conflict is attributed to the merge.
    """

    def __init__(self, repo: Repo, max_bytes: int, exclude: str | None = None) -> None:
        self.repo, self.max_bytes, self.exclude = repo, max_bytes, exclude
        self.commits: list[str] = []
        self.introduced: dict[tuple[str, str], int] = {}  # (blob, top path) -> commit index
        self.paths: dict[str, int] = {}  # top path -> commit index of its oldest addition
        self.error = ""
        self._procs: list[subprocess.Popen[bytes]] = []
        self._feeder: threading.Thread | None = None
        self._errors: IO[bytes] | None = None  # the log's stderr

    def start(self) -> None:
        """Start git (log, and cat-file fed from it) so that it works while the caller does."""
        if self._procs:
            return
        log_args = [
            "log", "--all", "--raw", "--no-abbrev", "--no-renames", "--root", "-z",
            "--diff-merges=first-parent", "--format=%H", "--no-textconv", "--no-ext-diff",
            "--no-show-signature", "--no-color",
        ]  # fmt: skip
        if self.exclude:
            log_args.append("^" + self.exclude)
        self._errors = tempfile.TemporaryFile()  # noqa: SIM115 (closed by close())
        log = _popen(self.repo.top, *log_args, stderr=self._errors)  # a file: never blocks git
        self._procs.append(log)
        cat = _popen(self.repo.top, "cat-file", "--batch", "--buffer", stdin=True)
        self._procs.insert(0, cat)
        _widen(cat)
        self._feeder = threading.Thread(target=self._feed, args=(log, cat), daemon=True)
        self._feeder.start()

    def close(self) -> None:
        """Stop git if it is still running (an early exit) and release its pipes."""
        for proc in self._procs:  # a no-op when they ended by themselves
            if proc.poll() is None:
                proc.kill()
        if self._feeder is not None:
            self._feeder.join()
        for proc in self._procs:
            _close(proc)
        if self._errors is not None:
            self._errors.close()

    def __iter__(self) -> Iterator[tuple[str, bytes | None]]:
        self.start()
        try:
            out = self._procs[0].stdout
            assert out is not None
            yield from _read_batch(out, self.max_bytes)
            if self._feeder is not None:
                self._feeder.join()
        finally:
            self.close()
        if self.error:
            raise BackendError(f"git failed to read the history: {self.error}")

    def _feed(self, log: subprocess.Popen[bytes], cat: subprocess.Popen[bytes]) -> None:
        """Parse `git log --raw -z` and ask cat-file for each blob the first time it is seen."""
        out, ask = log.stdout, cat.stdin
        assert isinstance(out, io.BufferedReader) and ask is not None
        sent: set[bytes] = set()
        names: dict[bytes, str] = {}  # each path decoded once, and its string shared
        introduced, paths, commits = self.introduced, self.paths, self.commits
        pending, blob, index = b"", b"", -1
        expect_path = present = False
        try:
            for chunk in iter(lambda: out.read1(_CHUNK), b""):
                tokens = (pending + chunk).split(b"\0")
                pending = tokens.pop()
                batch: list[bytes] = []
                for token in tokens:
                    if expect_path:  # the path of the record before it
                        expect_path = False
                        path = names.get(token) or names.setdefault(
                            token, token.decode("utf-8", "surrogateescape")
                        )
                        if blob:
                            introduced[(blob.decode("ascii"), path)] = index
                        if present:
                            paths[path] = index
                    elif token[:1] == b":" or token[:2] == b"\n:":
                        # ":old_mode new_mode old_id new_id status", then its path
                        fields = token.lstrip(b"\n").split(b" ")
                        expect_path, present = True, fields[-1] != b"D"
                        blob = b""
                        if present and len(fields) == 5 and fields[1] in _BLOB_MODES:
                            blob = fields[3]
                            if blob not in sent:
                                sent.add(blob)
                                batch.append(blob)
                    elif token.strip():
                        commits.append(token.strip().decode("ascii"))
                        index = len(commits) - 1
                if batch:
                    ask.write(b"\n".join(batch) + b"\n")
                    ask.flush()  # cat-file starts on them while the log goes on
        except (ValueError, OSError):  # cat-file was stopped: the reader gave up
            pass
        finally:
            with contextlib.suppress(OSError):
                ask.close()
            log.wait()
            if log.returncode not in (0, -9) and self._errors is not None:
                self._errors.seek(0)
                self.error = _stderr(self._errors.read())


def _popen(
    cwd: Path, *args: str, stdin: bool = False, stderr: IO[bytes] | None = None
) -> subprocess.Popen[bytes]:
    try:
        return subprocess.Popen(
            git_command(cwd, *args),
            stdin=subprocess.PIPE if stdin else subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL if stderr is None else stderr,
            env=git_env(cwd),
            bufsize=_CHUNK,
        )
    except OSError as exc:
        raise BackendError(f"git could not run ({exc.strerror})") from None


def _widen(proc: subprocess.Popen[bytes]) -> None:
    """Let git write ahead of the reader (1 MiB pipes instead of 64 KiB), where Linux allows."""
    size_flag = getattr(fcntl, "F_SETPIPE_SZ", None)
    for stream in (proc.stdout, proc.stdin):
        if size_flag is not None and stream is not None:
            with contextlib.suppress(OSError):
                fcntl.fcntl(stream.fileno(), size_flag, 1 << 20)


def _write_ids(stream: IO[bytes] | None, ids: list[str]) -> None:
    if stream is None:
        return
    try:
        stream.write("".join(i + "\n" for i in ids).encode("ascii"))
        stream.close()
    except (BrokenPipeError, ValueError, OSError):
        pass


def _read_batch(out: IO[bytes], max_bytes: int) -> Iterator[tuple[str, bytes | None]]:
    """Parse `cat-file --batch` output: '<id> <type> <size>\\n<content>\\n' or '<id> missing'."""
    while True:
        header = out.readline()
        if not header:
            return
        fields = header.split()
        if len(fields) != 3:  # "<id> missing" (e.g. a partial clone): nothing to read
            continue
        size = int(fields[2])
        if size > max_bytes:
            left = size + 1
            while left > 0:
                left -= len(out.read(min(left, 1 << 20)) or b"\0" * left)
            yield fields[0].decode("ascii"), None
            continue
        data = out.read(size)
        out.read(1)  # the newline after the content
        yield fields[0].decode("ascii"), data


def _close(proc: subprocess.Popen[bytes]) -> None:
    for stream in (proc.stdin, proc.stdout, proc.stderr):
        if stream is not None:
            with contextlib.suppress(OSError):
                stream.close()
    proc.wait()


def _stderr(raw: bytes) -> str:
    text = raw.decode("utf-8", "replace").strip().splitlines()
    return safe_text(text[-1] if text else "unknown error")
