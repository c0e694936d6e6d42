"""Whether files are tracked by git or would be committed, asked of git itself, safely."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import NamedTuple

from relay_tui.domain.masking import safe_text
from relay_tui.errors import BackendError, GitExposureError
from relay_tui.infra import git


class GitState(NamedTuple):
    """Git's view of one file: 'tracked', 'ignored', 'exposed' (would be committed) or 'no-repo'."""

    state: str
    repo_path: str = ""  # the path relative to the repository's top level

    @property
    def gitignore_line(self) -> str:
        """The .gitignore line (at the repository's top level) that covers this file."""
        return "/" + self.repo_path


def _git(cwd: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[bytes] | None:

    if git.git_exe() is None:
        return None
    try:
        return git.run(cwd, *args, stdin=stdin.encode("utf-8", "surrogateescape"), timeout=30)
    except BackendError:
        return None


def git_states(folder: Path, names: list[str]) -> dict[str, GitState]:
    """Git state of each file `names` (relative to `folder`); 'no-repo' outside a work tree.

    One `git status` call answers the common case; the repository prefix (for the fix hint)
    is asked for only when a file is tracked or exposed.
    """
    result = {name: GitState("no-repo") for name in names}
    if not names:
        return result
    status = _git(
        folder, "status", "--porcelain=v1", "-z", "--ignored=matching",
        "--untracked-files=all", "--", *names,
    )  # fmt: skip
    if status is None or status.returncode != 0:
        return result
    codes: dict[str, str] = {}
    for record in status.stdout.split(b"\0"):
        if len(record) > 3:
            path = record[3:].decode("utf-8", "surrogateescape")
            codes[path.rsplit("/", 1)[-1]] = record[:2].decode("ascii", "replace")
    absent = [n for n in names if n not in codes and not (folder / n).exists()]
    if absent:  # a file that does not exist yet: ask git whether it would be ignored
        checked = _git(folder, "check-ignore", "-z", "--stdin", stdin="\0".join(absent))
        ignored = set()
        if checked is not None and checked.returncode in (0, 1):
            ignored = {p.decode("utf-8", "surrogateescape") for p in checked.stdout.split(b"\0")}
        codes.update({n: "!!" if n in ignored else "??" for n in absent})
    prefix = ""
    for name in names:
        code = codes.get(name)
        state = "ignored" if code == "!!" else "exposed" if code == "??" else "tracked"
        if state != "ignored" and not prefix:
            found = _git(folder, "rev-parse", "--show-prefix")
            prefix = found.stdout.decode("utf-8", "replace").strip() if found else ""
        result[name] = GitState(state, prefix + name)
    return result


def ensure_not_exposed(path: Path) -> None:
    """Refuse (exit 4) to write a secret file that git tracks or would commit."""
    state = git_states(path.parent, [path.name])[path.name]
    shown = safe_text(str(path))
    if state.state == "tracked":
        raise GitExposureError(
            f"{shown} is tracked by git, so its secrets would be committed; nothing was written",
            hint=(
                f"untrack it with `git rm --cached {state.repo_path}`, add the line "
                f"`{state.gitignore_line}` to .gitignore, and rotate what it held: "
                "it is in the history"
            ),
        )
    if state.state == "exposed":
        raise GitExposureError(
            f"{shown} is not ignored by git, so it would be committed; nothing was written",
            hint=f"add this line to the .gitignore at the repository top: {state.gitignore_line}",
        )
