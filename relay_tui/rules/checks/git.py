"""The git rules: a secret file tracked by git, or one git would commit."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from threading import Thread

from relay_tui.domain.findings import Code, Finding, FixKind, Severity
from relay_tui.infra.gitcheck import git_states
from relay_tui.project.project import Environment
from relay_tui.rules.rule import Rule, Run


def check_git(run: Run) -> Iterator[Finding]:
    """Ask git in a thread, started now, so its subprocess runs while the other checks read the
    files; the findings are read (and the thread joined) after theirs."""
    if not run.git:
        return iter(())
    envs = [e for e in run.selected if e.file.exists()]
    found: list[Finding] = []
    job = Thread(target=lambda: found.extend(_git_findings(run, envs)), daemon=True)
    job.start()
    return _collect(job.join, found)


def _collect(join: Callable[[], None], found: list[Finding]) -> Iterator[Finding]:
    join()
    yield from found


def _git_findings(run: Run, envs: list[Environment]) -> list[Finding]:
    found: list[Finding] = []
    by_folder: dict[str, list[Environment]] = {}
    for env in envs:
        by_folder.setdefault(str(env.file.parent), []).append(env)
    for members in by_folder.values():
        states = git_states(members[0].file.parent, [e.file.name for e in members])
        for env in members:
            state = states[env.file.name]
            file = run.rel(env)
            if state.state == "tracked":
                found.append(
                    TRACKED.finding(
                        env.name,
                        None,
                        f"{file} is tracked by git: its secrets are in the history",
                        f"git rm --cached {state.repo_path}; add `{state.gitignore_line}` "
                        "to .gitignore; rotate every secret it held",
                        file,
                    )
                )
            elif state.state == "exposed":
                found.append(
                    NOT_IGNORED.finding(
                        env.name,
                        None,
                        f"{file} is not ignored by git and would be committed",
                        f"add `{state.gitignore_line}` to .gitignore",
                        file,
                    )
                )
    return found


TRACKED = Rule(
    Code.GIT_TRACKED,
    Severity.ERROR,
    "a secret file tracked by git (its secrets are in the history)",
    check_git,
    badge="TRACKED-BY-GIT",
)
NOT_IGNORED = Rule(
    Code.GIT_NOT_IGNORED,
    Severity.ERROR,
    "a secret file git would commit; the fix adds its .gitignore line",
    check_git,
    fix=FixKind.GITIGNORE,
    badge="NOT-IGNORED",
)
RULES = (TRACKED, NOT_IGNORED)
