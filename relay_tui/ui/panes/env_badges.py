"""The environments list of pane 1: each file with its badges (git, permissions, parse, keys)."""

from __future__ import annotations

from relay_tui.domain.masking import safe_text
from relay_tui.rules.registry import badges as rule_badges
from relay_tui.ui.session import TEMPLATE, Session
from relay_tui.ui.widgets.grid import Row


def badges_for(session: Session, name: str) -> tuple[list[str], str]:
    """(badges, worst style) of one environment from the last findings and its state."""
    state = session.states.get(name)  # only the environments opened so far are parsed
    env = state.env if state else session.environment(name)
    badges: list[str] = []
    style = "ok"
    if env.protected and name != TEMPLATE:
        badges.append("protected")
    if (state is not None and state.file is None) or (state is None and not env.file.exists()):
        badges.append("no file" if not env.file.exists() else "unreadable")
        style = "warning"
    findings = [f for f in (session.report.findings if session.report else []) if f.env == name]
    for badge in rule_badges(f.code for f in findings):  # each rule's badge, from the registry
        if badge not in badges:
            badges.append(badge)
    errors = sum(1 for f in findings if f.severity == "error")
    warnings = sum(1 for f in findings if f.severity == "warning")
    if errors or warnings:
        badges.append(f"{errors} err {warnings} warn")
    if any(f.severity == "error" for f in findings):
        style = "error"
    elif findings and style == "ok":
        style = "warning"
    if state is not None and state.dirty:
        badges.append("UNSAVED")
    if session.report is None:
        badges.append("checking…")
    return badges, style


def env_rows(session: Session) -> list[Row]:
    """One row per environment (and the template), badges in the last column."""
    rows = []
    for name in session.env_names():
        badges, style = badges_for(session, name)
        file_name = safe_text(session.environment(name).file.name)
        marker = "▶ " if name == session.active else "  "
        rows.append(
            Row(name, (marker + safe_text(name), file_name, " ".join(badges) or "ok"),
                ("accent" if name == session.active else "", "dim", style))
        )  # fmt: skip
    return rows
