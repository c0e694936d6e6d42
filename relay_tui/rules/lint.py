"""File-level lint of a .env file: parse problems, duplicates and dotenv-linter style checks."""

from __future__ import annotations

from relay_tui.domain.dotenv_codec import KEY_RE
from relay_tui.domain.dotenv_lines import HEAD_RE
from relay_tui.domain.findings import Finding
from relay_tui.domain.masking import mark_non_ascii, safe_text
from relay_tui.project.envfile import EnvFile


def lint(envfile: EnvFile, env: str, file: str) -> list[Finding]:
    """Findings about the file itself, independent of what its keys mean."""
    findings: list[Finding] = []
    add = findings.append
    for problem in envfile.problems:
        add(
            Finding(
                problem.code,
                "error",
                env,
                problem.keys[0] if problem.keys else None,
                problem.message,
                "fix the quoting on that line; until then no write is made",
                file,
                problem.line,
            )
        )
    for key, lines in envfile.duplicates().items():
        add(
            Finding(
                "duplicate-key",
                "warning",
                env,
                key,
                f"{key} is defined {len(lines)} times (lines {', '.join(map(str, lines))}); "
                "the last one wins",
                "remove the extra lines",
                file,
                lines[-1],
            )
        )
    for entry in envfile.entries:
        if entry.key is None:
            continue
        key = entry.key
        shown = safe_text(key)
        if not key.isascii():
            marked = mark_non_ascii(key)
            add(
                Finding(
                    "non-ascii-key",
                    "error",
                    env,
                    shown,
                    f"{marked} has non-ASCII letters that look like others (a homoglyph): the"
                    " program reading it will not find the key it expects",
                    "retype the name in plain ASCII",
                    file,
                    entry.line,
                )
            )
        elif not KEY_RE.match(key):
            add(
                Finding(
                    "invalid-key-name",
                    "warning",
                    env,
                    shown,
                    f"{shown!r} is not a portable variable name",
                    "use letters, digits and _",
                    file,
                    entry.line,
                )
            )
        elif key != key.upper():
            add(
                Finding(
                    "lowercase-key",
                    "warning",
                    env,
                    shown,
                    f"{shown} has lowercase letters",
                    f"rename it to {key.upper()}",
                    file,
                    entry.line,
                )
            )
        if entry.value is None:
            add(
                Finding(
                    "key-without-value",
                    "warning",
                    env,
                    shown,
                    f"{shown} has no '='",
                    f"write {shown}= for an empty value",
                    file,
                    entry.line,
                )
            )
        head = HEAD_RE.match(entry.body)
        post = head.group("post") if head else None
        after = entry.body[head.end() :][:1] if head else ""
        if head and (head.group("pre") or (post and after not in ("#", "\r", "\n", ""))):
            add(
                Finding(
                    "space-around-equals",
                    "warning",
                    env,
                    shown,
                    f"spaces around '=' for {shown}",
                    "remove them",
                    file,
                    entry.line,
                )
            )
        first = entry.body.split("\n", 1)[0].rstrip("\r")
        if first.endswith((" ", "\t")) and "\n" not in entry.body.rstrip("\r\n"):
            add(
                Finding(
                    "trailing-whitespace",
                    "warning",
                    env,
                    shown,
                    f"trailing whitespace after {shown}",
                    "remove it",
                    file,
                    entry.line,
                )
            )
    return findings
