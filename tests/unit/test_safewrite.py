"""The atomic writer (DESIGN 5.5 and 5.6) against the real file system, real users and real git.

Nothing here is mocked: modes come from the kernel, ownership from chown as root, the read-only
folder and the "disk full" run in forked children that drop to uid 65534 or get an RLIMIT_FSIZE,
and git is a real repository made in a temp folder.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import resource
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from relay_tui.errors import (
    BackendError,
    ConflictError,
    GitExposureError,
    RefusedError,
    RelayError,
)
from relay_tui.infra import safewrite
from relay_tui.project.envfile import EnvFile
from relay_tui.project.envstore import WritePolicy, edit_env, save_env, write_new_file
from relay_tui.project.project import Environment
from tests.conftest import REPO

NOBODY = 65534
NO_GIT = WritePolicy(check_git=False)
ORIGINAL = b"# kept as it is\nA=1\nB='two words'\n"
as_root = pytest.mark.skipif(os.geteuid() != 0, reason="needs root to chown and drop privileges")


def env_at(path: Path, name: str = "development") -> Environment:
    return Environment(name, path, protected=False)


def set_key(path: Path, key: str = "NEW", value: str = "v1", policy: WritePolicy = NO_GIT) -> None:
    edit_env(env_at(path), lambda envfile: envfile.set(key, value), policy)


def temps(*folders: Path) -> list[str]:
    """Temp files of the writer left in `folders`."""
    return sorted(n for f in folders for n in os.listdir(f) if safewrite.TEMP_MARK in n)


def mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.fixture
def umask() -> Iterator[Callable[[int], None]]:
    """Set the process umask for one test, restored afterwards."""
    old = os.umask(0o022)

    def set_umask(value: int) -> None:
        os.umask(value)

    yield set_umask
    os.umask(old)


@pytest.fixture
def shared_dir() -> Iterator[Path]:
    """A folder under /tmp that uid 65534 can reach (pytest's tmp_path is root's, 0700)."""
    folder = Path(tempfile.mkdtemp(prefix="relay-safewrite-"))
    os.chmod(folder, 0o755)
    yield folder
    for path in [folder, *folder.rglob("*")]:
        if path.is_dir() and not path.is_symlink():
            os.chmod(path, 0o755)
    shutil.rmtree(folder)


def in_child(
    work: Callable[[], object], *, uid: int | None = None, fsize: int | None = None
) -> dict[str, Any]:
    """Run `work` in a forked child (as `uid`, with a file size limit); return how it ended."""
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child never returns into pytest
        status = 1
        try:
            os.close(read_fd)
            if fsize is not None:
                signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # get EFBIG instead of a signal
                resource.setrlimit(resource.RLIMIT_FSIZE, (fsize, fsize))
            if uid is not None:
                os.setgroups([])
                os.setgid(uid)
                os.setuid(uid)
            report: dict[str, Any]
            try:
                work()
                report = {"error": None}
            except RelayError as exc:
                report = {
                    "error": type(exc).__name__,
                    "message": exc.message,
                    "hint": exc.hint,
                    "exit_code": int(exc.exit_code),
                }
            except BaseException as exc:
                report = {"error": type(exc).__name__, "message": str(exc), "raw": True}
            os.write(write_fd, json.dumps(report).encode())
            status = 0
        finally:
            os._exit(status)
    os.close(write_fd)
    with os.fdopen(read_fd, "rb") as pipe:
        data = pipe.read()
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0, "the child failed before it could report"
    return dict(json.loads(data))


# ----- modes and owners ---------------------------------------------------------------------


@pytest.mark.parametrize("mask", [0o022, 0o000, 0o277])
def test_new_file_is_created_0600_whatever_the_umask(
    tmp_path: Path, umask: Callable[[int], None], mask: int
) -> None:
    umask(mask)
    path = tmp_path / ".env"
    set_key(path)
    assert mode(path) == 0o600
    assert EnvFile.load(path).get("NEW") == "v1"
    written = tmp_path / "out.env"
    write_new_file(written, b"A=1\n", force=False, check_git=False)
    assert mode(written) == 0o600
    assert temps(tmp_path) == []


@pytest.mark.parametrize("kept", [0o640, 0o644, 0o600, 0o660])
def test_existing_file_keeps_its_mode(
    tmp_path: Path, umask: Callable[[int], None], kept: int
) -> None:
    path = tmp_path / ".env"
    path.write_bytes(ORIGINAL)
    os.chmod(path, kept)
    set_key(path)
    assert mode(path) == kept
    assert path.read_bytes() == ORIGINAL + b"NEW=v1\n"


@as_root
def test_owner_and_group_are_kept(tmp_path: Path) -> None:
    path = tmp_path / ".env"
    path.write_bytes(ORIGINAL)
    os.chmod(path, 0o640)
    os.chown(path, NOBODY, NOBODY)
    set_key(path)
    info = os.stat(path)
    assert (info.st_uid, info.st_gid) == (NOBODY, NOBODY)
    assert stat.S_IMODE(info.st_mode) == 0o640
    assert EnvFile.load(path).get("NEW") == "v1"


@as_root
def test_group_is_kept_in_a_setgid_folder(tmp_path: Path) -> None:
    """New files in a g+s folder get the folder's group; the rewritten file must keep its own."""
    folder = tmp_path / "shared"
    folder.mkdir()
    os.chown(folder, 0, NOBODY)
    os.chmod(folder, 0o2770)
    path = folder / ".env"
    path.write_bytes(ORIGINAL)
    os.chown(path, 0, 0)
    set_key(path)
    assert (os.stat(path).st_uid, os.stat(path).st_gid) == (0, 0)


@as_root
def test_an_owner_that_cannot_be_kept_is_refused(shared_dir: Path) -> None:
    """uid 65534 may write the file but cannot give the new one group 0: refuse, don't regroup."""
    os.chown(shared_dir, NOBODY, NOBODY)
    path = shared_dir / ".env"
    path.write_bytes(ORIGINAL)
    os.chown(path, NOBODY, 0)
    os.chmod(path, 0o660)
    result = in_child(lambda: set_key(path), uid=NOBODY)
    assert result["error"] == "RefusedError", result
    assert "nothing was written" in result["message"]
    assert path.read_bytes() == ORIGINAL
    assert (os.stat(path).st_uid, os.stat(path).st_gid) == (NOBODY, 0)
    assert temps(shared_dir) == []


# ----- links and read-only files ------------------------------------------------------------


def test_symlinked_env_is_written_through_and_stays_a_link(tmp_path: Path) -> None:
    store = tmp_path / "store"
    store.mkdir()
    real = store / "dev.env"
    real.write_bytes(ORIGINAL)
    os.chmod(real, 0o640)
    project = tmp_path / "project"
    project.mkdir()
    link = project / ".env"
    link.symlink_to("../store/dev.env")
    set_key(link)
    assert link.is_symlink() and os.readlink(link) == "../store/dev.env"
    assert real.read_bytes() == ORIGINAL + b"NEW=v1\n"
    assert mode(real) == 0o640
    assert temps(store, project) == []


def test_without_follow_links_a_link_is_refused_and_its_target_untouched(tmp_path: Path) -> None:
    real = tmp_path / "elsewhere"
    real.write_bytes(ORIGINAL)
    link = tmp_path / "state.json"
    link.symlink_to(real)
    with (
        pytest.raises(RefusedError, match="symbolic link"),
        safewrite.locked(link, follow_links=False) as target,
    ):
        safewrite.write(target, b"new\n")
    assert link.is_symlink() and real.read_bytes() == ORIGINAL
    assert temps(tmp_path) == []


def test_a_link_put_there_under_the_lock_is_replaced_not_written_through(tmp_path: Path) -> None:
    real = tmp_path / "elsewhere"
    real.write_bytes(ORIGINAL)
    path = tmp_path / "state.json"
    with safewrite.locked(path, follow_links=False) as target:
        path.symlink_to(real)
        safewrite.write(target, b"new\n", mode=0o600)
    assert not path.is_symlink() and path.read_bytes() == b"new\n"
    assert real.read_bytes() == ORIGINAL and mode(path) == 0o600


def test_mode_replaces_the_old_files_mode(tmp_path: Path) -> None:
    path = tmp_path / "private"
    path.write_bytes(ORIGINAL)
    os.chmod(path, 0o644)
    with safewrite.locked(path) as target:
        safewrite.write(target, b"new\n", mode=0o600)
    assert mode(path) == 0o600 and path.read_bytes() == b"new\n"


def test_hard_linked_file_is_refused_and_unchanged(tmp_path: Path) -> None:
    path = tmp_path / ".env"
    path.write_bytes(ORIGINAL)
    other = tmp_path / "backup.env"
    os.link(path, other)
    with pytest.raises(RefusedError, match=r"2 hard links; .*nothing was written"):
        set_key(path)
    assert path.read_bytes() == ORIGINAL and other.read_bytes() == ORIGINAL
    assert os.stat(path).st_ino == os.stat(other).st_ino and os.stat(path).st_nlink == 2
    assert temps(tmp_path) == []


@pytest.mark.parametrize("readonly", [0o400, 0o440, 0o444])
def test_read_only_file_is_refused_and_unchanged(tmp_path: Path, readonly: int) -> None:
    """Root could write it anyway; the tool still refuses, because the mode says read-only."""
    path = tmp_path / ".env"
    path.write_bytes(ORIGINAL)
    os.chmod(path, readonly)
    with pytest.raises(RefusedError, match="read-only; nothing was written") as caught:
        set_key(path)
    assert "chmod u+w" in (caught.value.hint or "")
    assert path.read_bytes() == ORIGINAL and mode(path) == readonly
    assert temps(tmp_path) == []


@pytest.fixture
def read_only_mount(tmp_path: Path) -> Iterator[Path]:
    """A real tmpfs holding one .env, remounted read-only (needs root and mount)."""
    mount_point = tmp_path / "ro"
    mount_point.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mount_point)],
                   check=True, capture_output=True)  # fmt: skip
    try:
        (mount_point / ".env").write_bytes(ORIGINAL)
        subprocess.run(["mount", "-o", "remount,ro", str(mount_point)], check=True,
                       capture_output=True)  # fmt: skip
        yield mount_point
    finally:
        subprocess.run(["umount", str(mount_point)], check=False, capture_output=True)


@as_root
@pytest.mark.parametrize("exists", [True, False])
def test_a_read_only_file_system_says_so_without_a_chmod_hint(
    read_only_mount: Path, exists: bool
) -> None:
    path = read_only_mount / (".env" if exists else ".env.new")
    with pytest.raises(BackendError) as caught:
        set_key(path)
    message = caught.value.message + " " + (caught.value.hint or "")
    assert "read-only (EROFS)" in message and "chmod" not in message
    assert "remount" in message and caught.value.exit_code == 3
    assert (read_only_mount / ".env").read_bytes() == ORIGINAL


@as_root
def test_read_only_folder_gives_a_clear_error_and_no_temp_file(shared_dir: Path) -> None:
    folder = shared_dir / "project"
    folder.mkdir()
    path = folder / ".env"
    path.write_bytes(ORIGINAL)
    os.chown(path, NOBODY, NOBODY)
    os.chmod(path, 0o600)
    os.chown(folder, NOBODY, NOBODY)
    os.chmod(folder, 0o500)
    result = in_child(lambda: set_key(path), uid=NOBODY)
    assert result["error"] == "BackendError", result
    assert result["exit_code"] == 3
    assert "Permission denied" in result["message"]
    assert "the original is unchanged" in result["message"]
    assert "permissions" in result["hint"]
    assert path.read_bytes() == ORIGINAL
    assert temps(folder) == []


@as_root
def test_stale_temp_in_a_read_only_folder_is_no_crash(shared_dir: Path) -> None:
    """A leftover temp that cannot be removed must not turn into a raw PermissionError."""
    folder = shared_dir / "project"
    folder.mkdir()
    path = folder / ".env"
    path.write_bytes(ORIGINAL)
    stale = folder / ".env.relay-tmp-abc123"
    stale.write_bytes(b"A=old\n")
    for item in (path, stale, folder):
        os.chown(item, NOBODY, NOBODY)
    os.chmod(folder, 0o500)
    swept = in_child(lambda: safewrite.sweep_folder(folder), uid=NOBODY)
    assert swept["error"] is None, swept
    result = in_child(lambda: set_key(path), uid=NOBODY)
    assert result["error"] == "BackendError", result
    assert path.read_bytes() == ORIGINAL


# ----- conflicts, stale temps, locks --------------------------------------------------------


def test_file_changed_since_it_was_read_is_not_clobbered(tmp_path: Path) -> None:
    path = tmp_path / ".env"
    path.write_bytes(ORIGINAL)
    envfile = EnvFile.load(path)
    envfile.set("A", "mine")
    external = ORIGINAL + b"ADDED_ELSEWHERE=1\n"
    path.write_bytes(external)
    with pytest.raises(ConflictError, match="changed on disk since it was read") as caught:
        save_env(envfile, env_at(path), NO_GIT)
    assert caught.value.exit_code == 4
    assert path.read_bytes() == external
    assert temps(tmp_path) == []
    save_env(EnvFile.load(path), env_at(path), NO_GIT)  # a fresh read writes fine
    assert path.read_bytes() == external


def test_file_created_since_it_was_found_missing_is_not_clobbered(tmp_path: Path) -> None:
    path = tmp_path / ".env"
    envfile = EnvFile.parse("", path)
    envfile.set("A", "mine")
    path.write_bytes(ORIGINAL)
    with pytest.raises(ConflictError, match="created by someone else"):
        save_env(envfile, env_at(path), NO_GIT)
    with pytest.raises(RefusedError, match="already exists"):
        write_new_file(path, b"A=mine\n", force=False, check_git=False)
    assert path.read_bytes() == ORIGINAL
    assert temps(tmp_path) == []


def test_stale_temp_files_are_removed_by_the_next_write(tmp_path: Path) -> None:
    path = tmp_path / ".env"
    path.write_bytes(ORIGINAL)
    stale = [tmp_path / ".env.relay-tmp-abc123", tmp_path / ".app.env.relay-tmp-0f0f0f"]
    for item in stale:
        item.write_bytes(b"SECRET_FROM_A_KILLED_WRITER=1\n")
    set_key(path)
    assert temps(tmp_path) == []
    assert path.read_bytes() == ORIGINAL + b"NEW=v1\n"


def test_sweep_folder_removes_stale_temps_but_nothing_else(tmp_path: Path) -> None:
    keep = tmp_path / ".env"
    keep.write_bytes(ORIGINAL)
    (tmp_path / ".env.relay-tmp-abc123").write_bytes(b"X=1\n")
    outside = tmp_path.parent / f"{tmp_path.name}-outside.env"
    outside.write_bytes(b"precious\n")
    (tmp_path / ".x.relay-tmp-link").symlink_to(outside)  # a symlink is not followed or removed
    (tmp_path / ".y.relay-tmp-dir").mkdir()  # a killed writer's folder: swept
    (tmp_path / ".y.relay-tmp-dir" / ".gitignore").write_text("*\n")
    (tmp_path / ".y.relay-tmp-dir" / ".y").write_text("X=1\n")
    (tmp_path / ".z.relay-tmp-odd").mkdir()  # holding a link: not ours, left alone
    (tmp_path / ".z.relay-tmp-odd" / "link").symlink_to(outside)
    assert safewrite.sweep_folder(tmp_path) == 2
    assert temps(tmp_path) == [".x.relay-tmp-link", ".z.relay-tmp-odd"]
    assert outside.read_bytes() == b"precious\n" and keep.read_bytes() == ORIGINAL
    assert safewrite.sweep_folder(tmp_path / "missing") == 0
    outside.unlink()


def test_sweep_folder_leaves_a_running_writers_temp_alone(tmp_path: Path) -> None:
    path = tmp_path / ".env"
    path.write_bytes(ORIGINAL)
    with safewrite.locked(path):
        live = tmp_path / ".env.relay-tmp-live01"
        live.write_bytes(b"being written\n")
        assert safewrite.sweep_folder(tmp_path) == 0
        assert live.exists()
    assert safewrite.sweep_folder(tmp_path) == 1
    assert temps(tmp_path) == []


def test_a_held_lock_times_out_with_a_refusal(tmp_path: Path) -> None:
    path = tmp_path / ".env"
    path.write_bytes(ORIGINAL)
    with (
        safewrite.locked(path),
        pytest.raises(RefusedError, match="another process"),
        safewrite.locked(path, timeout=0.2),
    ):
        pass
    assert path.read_bytes() == ORIGINAL


def test_a_missing_folder_is_a_backend_error(tmp_path: Path) -> None:
    with pytest.raises(BackendError, match="folder does not exist"):
        write_new_file(tmp_path / "nope" / ".env", b"A=1\n", force=False, check_git=False)


def test_a_fifo_target_is_refused_by_the_writer(tmp_path: Path) -> None:
    path = tmp_path / ".env"
    os.mkfifo(path)
    with pytest.raises(RefusedError, match="not a regular file"):
        write_new_file(path, b"A=1\n", force=True, check_git=False)
    assert stat.S_ISFIFO(os.stat(path).st_mode)
    assert temps(tmp_path) == []


# ----- disk full ----------------------------------------------------------------------------


def test_disk_full_leaves_the_original_and_no_temp_file(tmp_path: Path) -> None:
    """RLIMIT_FSIZE makes the kernel fail the temp file's write with EFBIG, like a full disk."""
    path = tmp_path / ".env"
    path.write_bytes(ORIGINAL)
    os.chmod(path, 0o640)
    big = "x" * 2_000_000
    result = in_child(lambda: set_key(path, "BIG", big), fsize=64 * 1024)
    assert result["error"] == "BackendError", result
    assert result["exit_code"] == 3
    assert f"errno {errno.EFBIG}" in result["message"]
    assert "the original is unchanged" in result["message"]
    assert "free some space" in result["hint"]
    assert big not in result["message"]
    assert path.read_bytes() == ORIGINAL and mode(path) == 0o640
    assert temps(tmp_path) == []


# ----- git ----------------------------------------------------------------------------------


def run_git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A real git repository with a local identity and one commit."""
    root = tmp_path / "repo"
    root.mkdir()
    run_git(root, "init", "-q")
    run_git(root, "config", "user.email", "tests@example.invalid")
    run_git(root, "config", "user.name", "relay tests")
    (root / "README").write_text("x\n")
    run_git(root, "add", "README")
    run_git(root, "commit", "-q", "-m", "init")
    return root


def test_git_tracked_file_is_refused_with_the_fix(repo: Path) -> None:
    path = repo / ".env.staging"
    path.write_bytes(ORIGINAL)
    run_git(repo, "add", ".env.staging")
    run_git(repo, "commit", "-q", "-m", "oops")
    with pytest.raises(GitExposureError, match="tracked by git") as caught:
        edit_env(env_at(path, "staging"), lambda e: e.set("A", "2"), WritePolicy())
    hint = caught.value.hint or ""
    assert "git rm --cached .env.staging" in hint
    assert "`/.env.staging`" in hint and ".gitignore" in hint
    assert caught.value.exit_code == 4
    assert path.read_bytes() == ORIGINAL
    assert temps(repo) == []


def test_git_tracked_file_in_a_subfolder_names_its_repository_path(repo: Path) -> None:
    (repo / "deploy").mkdir()
    path = repo / "deploy" / ".env.staging"
    path.write_bytes(ORIGINAL)
    run_git(repo, "add", "deploy/.env.staging")
    with pytest.raises(GitExposureError) as caught:
        edit_env(env_at(path, "staging"), lambda e: e.set("A", "2"), WritePolicy())
    hint = caught.value.hint or ""
    assert "git rm --cached deploy/.env.staging" in hint and "/deploy/.env.staging" in hint
    assert path.read_bytes() == ORIGINAL
    assert temps(repo / "deploy") == []


def test_untracked_unignored_file_is_refused_with_the_gitignore_line(repo: Path) -> None:
    path = repo / ".env.staging"
    path.write_bytes(ORIGINAL)
    with pytest.raises(GitExposureError, match="not ignored by git") as caught:
        edit_env(env_at(path, "staging"), lambda e: e.set("A", "2"), WritePolicy())
    assert ".gitignore" in (caught.value.hint or "")
    assert "/.env.staging" in (caught.value.hint or "")
    assert path.read_bytes() == ORIGINAL
    with pytest.raises(GitExposureError, match="not ignored by git"):
        write_new_file(repo / ".env.new", b"A=1\n", force=False)
    assert not (repo / ".env.new").exists()
    assert temps(repo) == []


@pytest.mark.parametrize("ignore", ["*.env\n", "/.prod.env\n", ".prod.env\n"])
def test_a_killed_writer_leaves_nothing_git_status_lists(repo: Path, ignore: str) -> None:
    """Killed after its temp file was written (before the rename): git lists nothing new,
    even when .gitignore names only the target's exact path."""
    (repo / ".gitignore").write_text(ignore)
    run_git(repo, "add", ".gitignore")
    run_git(repo, "commit", "-q", "-m", "ignore")
    path = repo / ".prod.env"
    path.write_bytes(ORIGINAL)
    code = (
        "import os, sys\n"
        "from relay_tui.infra import safewrite\n"
        "def killed(*a, **k):\n"
        "    os._exit(9)\n"
        "safewrite._recheck = killed\n"
        "with safewrite.locked(__import__('pathlib').Path(sys.argv[1])) as target:\n"
        "    safewrite.write(target, b'A=new\\n', expected=safewrite.current_digest(target))\n"
    )
    done = subprocess.run([sys.executable, "-c", code, str(path)], cwd=REPO, check=False)
    assert done.returncode == 9, "the writer died between its temp file and the rename"
    left = temps(repo)
    assert left, "the killed writer's temp folder is there (so the check below is live)"
    status = subprocess.run(
        ["git", "-C", str(repo), "status", "--porcelain", "--untracked-files=all"],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    assert status == "", status
    assert path.read_bytes() == ORIGINAL
    set_key(path)  # the next write sweeps it
    assert temps(repo) == []


def test_ignored_file_is_written(repo: Path) -> None:
    (repo / ".gitignore").write_text(".env*\n")
    path = repo / ".env.staging"
    path.write_bytes(ORIGINAL)
    os.chmod(path, 0o600)
    edit_env(env_at(path, "staging"), lambda e: e.set("A", "2"), WritePolicy())
    assert EnvFile.load(path).get("A") == "2" and mode(path) == 0o600
    assert temps(repo) == []


@pytest.mark.parametrize("how", ["rename-over", "same-size-rewrite", "delete"])
def test_a_file_replaced_while_the_temp_file_is_written_is_not_clobbered(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, how: str
) -> None:
    path = tmp_path / ".env"
    path.write_bytes(b"A=1\n")
    expected = hashlib.sha256(b"A=1\n").hexdigest()
    real_keep = safewrite._keep_owner_and_mode

    def editor_saves_meanwhile(fd: int, info: object, shown: str) -> None:
        real_keep(fd, info, shown)  # type: ignore[arg-type]
        if how == "rename-over":
            (tmp_path / "editor.tmp").write_bytes(b"A=2\n")
            os.replace(tmp_path / "editor.tmp", path)
        elif how == "same-size-rewrite":
            path.write_bytes(b"A=3\n")
            os.utime(path, ns=(1, 1))
        else:
            path.unlink()

    monkeypatch.setattr(safewrite, "_keep_owner_and_mode", editor_saves_meanwhile)
    with safewrite.locked(path) as target, pytest.raises(ConflictError, match="replaced"):
        safewrite.write(target, b"A=ours\n", expected=expected)
    survivors = {"rename-over": b"A=2\n", "same-size-rewrite": b"A=3\n"}
    if how in survivors:
        assert path.read_bytes() == survivors[how]
    else:
        assert not path.exists()
    assert [p.name for p in tmp_path.iterdir() if "relay-tmp" in p.name] == []


@pytest.mark.parametrize("name", [".gitignore", "content", "plain.txt"])
def test_any_file_name_is_written_even_the_temp_folders_own(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_bytes(b"old\n")
    with safewrite.locked(path) as target:
        safewrite.write(target, b"new\n", expected=safewrite.current_digest(target))
    assert path.read_bytes() == b"new\n" and temps(tmp_path) == []


@pytest.mark.parametrize("existed", [True, False])
def test_a_save_after_the_last_check_is_swapped_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, existed: bool
) -> None:
    """The editor saves after the recheck, right before our rename: the swap sees it."""
    path = tmp_path / ".env"
    if existed:
        path.write_bytes(b"A=1\n")
    expected = hashlib.sha256(b"A=1\n").hexdigest() if existed else safewrite.MISSING
    real_recheck = safewrite._recheck

    def editor_saves_right_after(*args: Any) -> None:
        real_recheck(*args)
        (tmp_path / "editor.tmp").write_bytes(b"A=editor\n")
        os.replace(tmp_path / "editor.tmp", path)

    monkeypatch.setattr(safewrite, "_recheck", editor_saves_right_after)
    with safewrite.locked(path) as target, pytest.raises(ConflictError, match="replaced"):
        safewrite.write(target, b"A=ours\n", expected=expected)
    assert path.read_bytes() == b"A=editor\n"
    assert temps(tmp_path) == []
