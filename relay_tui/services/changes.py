"""The one frame of every change: who asks, the policy check, the audit line, the outcome."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from relay_tui.errors import ReadOnlyError, RefusedError
from relay_tui.infra import audit, ledger
from relay_tui.project.envstore import WritePolicy, check_allowed
from relay_tui.project.project import Environment


@dataclass(frozen=True, slots=True)
class Actor:
    """Who asks for a change and what they allowed: the CLI, the workbench or a notebook cell."""

    source: str  # how the audit line names the front end: "relay-tui set", "workbench", ...
    read_only: bool = False  # the whole session is read-only
    yes: bool = False  # confirmed a write to a protected environment


@dataclass(slots=True)
class Outcome:
    """What a change did: the keys it changed and what the user should hear (never a value)."""

    changed: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    summary: str = ""


def require_writable(actor: Actor, what: str = "", nothing: str = "nothing was written") -> None:
    """The read-only rule, once for every writer: ReadOnlyError (exit 4)."""
    if actor.read_only:
        raise ReadOnlyError(what, nothing)


def read_only_reason(actor: Actor, what: str = "") -> str | None:
    """The read-only refusal as a front end shows it before asking anything (None: writable)."""
    return ReadOnlyError(what).message if actor.read_only else None


def policy(actor: Actor, *, create: bool = True, check_git: bool = True) -> WritePolicy:
    """The env-file write policy of `actor` (read-only, protected confirmation, git checks)."""
    return WritePolicy(yes=actor.yes, read_only=actor.read_only, create=create, check_git=check_git)


def require_allowed(actor: Actor, env: Environment) -> None:
    """Read-only, then protected: `envstore.check_allowed`, the rule itself, for `actor`."""
    check_allowed(env, policy(actor))


@contextlib.contextmanager
def audited(
    actor: Actor, action: str, env: str | None, keys: list[str], outcome: Outcome, detail: str = ""
) -> Iterator[None]:
    """Audit what happens inside: ok, refused (exit 4) or failed; a log that cannot be written
    becomes a warning of `outcome`, never a failure of the change."""
    result = "ok"
    try:
        yield
    except RefusedError:
        result = "refused"
        raise
    except (Exception, KeyboardInterrupt):
        result = "failed"
        raise
    finally:
        outcome.warnings += audit_only(actor, action, env, keys, result, detail)


def audit_only(
    actor: Actor, action: str, env: str | None, keys: list[str], result: str, detail: str = ""
) -> list[str]:
    """One audit line for something that was not a write (a reveal, a copy, a scan's result);
    returns the warning if the log could not be written."""
    where = f"{actor.source}: {detail}" if detail else actor.source
    problem = audit.try_record(action, env, keys, result, where)
    return [problem] if problem else []


def record_dates(
    root: Path, env: str, rotated: list[str], gone: list[str], outcome: Outcome
) -> None:
    """The rotation ledger after a write: today for keys with new values, none for removed ones."""
    for problem in (ledger.try_record(root, env, rotated), ledger.try_forget(root, env, gone)):
        if problem:
            outcome.warnings.append(problem)
