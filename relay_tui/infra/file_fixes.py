"""Safe automatic fixes for findings: tighten a file's permissions, ignore a file in git."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from relay_tui.domain.masking import safe_text
from relay_tui.errors import BackendError, RefusedError
from relay_tui.infra import git, safewrite
from relay_tui.infra.gitcheck import git_states


def tighten_permissions(path: Path) -> int:
    """chmod 600 a secret file; returns the old mode. Refuses anything but a regular file."""
    try:
        info = os.stat(path)
    except OSError as exc:
        raise BackendError(
            f"cannot read the mode of {safe_text(str(path))}: {exc.strerror}"
        ) from None
    if not stat.S_ISREG(info.st_mode):
        raise RefusedError(
            f"{safe_text(str(path))} is not a regular file; its mode was not changed"
        )
    try:
        os.chmod(path, 0o600)
    except OSError as exc:
        raise BackendError(f"cannot chmod {safe_text(str(path))}: {exc.strerror}") from None
    return stat.S_IMODE(info.st_mode)


def ignore_in_git(path: Path) -> tuple[Path, str] | None:
    """Add the line that ignores `path` to the repository's top .gitignore (None: already ignored).

    The .gitignore is rewritten atomically with the other lines kept as they are.
    """
    state = git_states(path.parent, [path.name])[path.name]
    if state.state in ("ignored", "no-repo"):
        return None
    if state.state == "tracked":
        raise RefusedError(
            f"{safe_text(str(path))} is tracked by git: ignoring it would not remove it",
            hint=f"run `git rm --cached {state.repo_path}` yourself, then rotate what it held",
        )
    top = _toplevel(path.parent)
    gitignore = top / ".gitignore"
    line = state.gitignore_line
    with safewrite.locked(gitignore) as target:
        existed = target.real.exists()
        old = target.real.read_bytes() if existed else b""
        expected = safewrite.current_digest(target)
        sep = b"" if not old or old.endswith(b"\n") else b"\n"
        safewrite.write(target, old + sep + line.encode("utf-8") + b"\n", expected=expected)
    if not existed:
        os.chmod(gitignore, 0o644)  # a .gitignore is shared, not secret
    return gitignore, line


def _toplevel(folder: Path) -> Path:

    found = git.run(folder, "rev-parse", "--show-toplevel", timeout=30)
    top = found.stdout.decode("utf-8", "surrogateescape").strip()
    if found.returncode != 0 or not top:
        raise BackendError(f"cannot find the git repository of {safe_text(str(folder))}")
    return Path(top)
