"""File-level lint of a .env file: parse problems, duplicates and dotenv-linter style checks."""

from __future__ import annotations

from collections.abc import Iterator

from relay_tui.domain.dotenv_codec import KEY_RE
from relay_tui.domain.dotenv_lines import HEAD_RE
from relay_tui.domain.findings import Code, Finding, Severity
from relay_tui.domain.masking import mark_non_ascii, safe_text
from relay_tui.project.envfile import EnvFile
from relay_tui.rules.rule import Rule, Run

TEMPLATE = "template"  # the environment name of the template's findings


def check_lint(run: Run) -> Iterator[Finding]:
    """Lint the template (when the run checks it), then each checked environment's file."""
    template = run.template
    if template is not None:
        yield from lint(template, TEMPLATE, str(template.path.name if template.path else ""))
    for target in run.targets():
        yield from lint(target.envfile, target.env.name, target.file)


def lint(envfile: EnvFile, env: str, file: str) -> list[Finding]:
    """Findings about the file itself, independent of what its keys mean."""
    findings: list[Finding] = []
    add = findings.append
    for problem in envfile.problems:
        add(
            PARSE_RULES[problem.code].finding(
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
            DUPLICATE_KEY.finding(
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
        line = entry.line
        if not key.isascii():
            marked = mark_non_ascii(key)
            message = (
                f"{marked} has non-ASCII letters that look like others (a homoglyph): the"
                " program reading it will not find the key it expects"
            )
            add(
                NON_ASCII_KEY.finding(
                    env, shown, message, "retype the name in plain ASCII", file, line
                )
            )
        elif not KEY_RE.match(key):
            message = f"{shown!r} is not a portable variable name"
            add(
                INVALID_KEY_NAME.finding(
                    env, shown, message, "use letters, digits and _", file, line
                )
            )
        elif key != key.upper():
            add(
                LOWERCASE_KEY.finding(
                    env,
                    shown,
                    f"{shown} has lowercase letters",
                    f"rename it to {key.upper()}",
                    file,
                    line,
                )
            )
        if entry.value is None:
            add(
                KEY_WITHOUT_VALUE.finding(
                    env,
                    shown,
                    f"{shown} has no '='",
                    f"write {shown}= for an empty value",
                    file,
                    line,
                )
            )
        head = HEAD_RE.match(entry.body)
        post = head.group("post") if head else None
        after = entry.body[head.end() :][:1] if head else ""
        if head and (head.group("pre") or (post and after not in ("#", "\r", "\n", ""))):
            add(
                SPACE_AROUND_EQUALS.finding(
                    env, shown, f"spaces around '=' for {shown}", "remove them", file, line
                )
            )
        first = entry.body.split("\n", 1)[0].rstrip("\r")
        if first.endswith((" ", "\t")) and "\n" not in entry.body.rstrip("\r\n"):
            add(
                TRAILING_WHITESPACE.finding(
                    env, shown, f"trailing whitespace after {shown}", "remove it", file, line
                )
            )
    return findings


def _rule(code: Code, severity: Severity, summary: str, badge: str | None = None) -> Rule:
    return Rule(code, severity, summary, check_lint, badge=badge)


PARSE_ERROR = _rule(
    Code.PARSE_ERROR,
    Severity.ERROR,
    "a line python-dotenv cannot read; writes are blocked until it is fixed",
    badge="parse-error",
)
SWALLOWED_KEYS = _rule(
    Code.SWALLOWED_KEYS,
    Severity.ERROR,
    "an unterminated quote hides the keys after it; writes are blocked until it is fixed",
    badge="parse-error",
)
PARSE_RULES = {PARSE_ERROR.code: PARSE_ERROR, SWALLOWED_KEYS.code: SWALLOWED_KEYS}
DUPLICATE_KEY = _rule(Code.DUPLICATE_KEY, Severity.WARNING, "a key defined more than once")
NON_ASCII_KEY = _rule(
    Code.NON_ASCII_KEY,
    Severity.ERROR,
    "a key name with non-ASCII letters (a look-alike, shown as <U+XXXX>)",
)
INVALID_KEY_NAME = _rule(
    Code.INVALID_KEY_NAME, Severity.WARNING, "a key name that is not letters, digits and _"
)
LOWERCASE_KEY = _rule(Code.LOWERCASE_KEY, Severity.WARNING, "a key name with lowercase letters")
KEY_WITHOUT_VALUE = _rule(Code.KEY_WITHOUT_VALUE, Severity.WARNING, "a key with no '='")
SPACE_AROUND_EQUALS = _rule(
    Code.SPACE_AROUND_EQUALS, Severity.WARNING, "spaces around the '=' of a key"
)
TRAILING_WHITESPACE = _rule(
    Code.TRAILING_WHITESPACE, Severity.WARNING, "whitespace after a value, on its line"
)
RULES = (
    PARSE_ERROR,
    SWALLOWED_KEYS,
    DUPLICATE_KEY,
    NON_ASCII_KEY,
    INVALID_KEY_NAME,
    LOWERCASE_KEY,
    KEY_WITHOUT_VALUE,
    SPACE_AROUND_EQUALS,
    TRAILING_WHITESPACE,
)
