"""Values leaving relay-tui on request (a reveal, a copy, an export): each one audited."""

from __future__ import annotations

from relay_tui.domain.masking import safe_text
from relay_tui.errors import UsageError
from relay_tui.project.envfile import EnvFile
from relay_tui.project.project import Environment
from relay_tui.services.changes import Actor, Outcome, audit_only


def reveal_value(env: Environment, key: str, actor: Actor) -> tuple[str, Outcome]:
    """The raw value of `key` in `env`'s file, audited as a reveal (the value never is)."""
    value = EnvFile.load(env.file).get(key)
    if value is None:
        raise UsageError(f"{safe_text(key)} has no value in {env.name} ({env.file.name})")
    return value, Outcome(warnings=audit_only(actor, "reveal", env.name, [key], "ok"))


def record_reveal(
    actor: Actor, env: str | None, keys: list[str], detail: str = "", action: str = "reveal"
) -> Outcome:
    """Audit values already shown or copied (`action` reveal or copy) by a front end."""
    return Outcome(warnings=audit_only(actor, action, env, sorted(keys), "ok", detail))
