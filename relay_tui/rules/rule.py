"""A validation rule (its code, severity, check, fix and badge) and the run its check reads."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from functools import cached_property
from typing import NamedTuple

from relay_tui.domain.findings import Code, Finding, FixKind, Severity
from relay_tui.errors import InputFileError
from relay_tui.infra.ledger import Ledger, read_ledger
from relay_tui.project.envfile import EnvFile
from relay_tui.project.project import Environment, Project

Check = Callable[["Run"], Iterable[Finding]]
"""What a rule runs: called once per validation with the `Run`, it returns its findings.

`validate()` calls every check before it reads any findings, so a check that waits on a
subprocess starts it when called and returns a lazy iterable (the git check); the others are
generators, which do their work when their findings are read, in registration order.
"""


class Rule(NamedTuple):
    """One finding code and everything about it that is not the message (a NamedTuple, not a
    dataclass: `dataclasses` costs every `relay-tui status` about 9 ms of start-up).

    A check may emit several codes (one pass over a file finds them all): each code still has
    its own Rule, and the rules of one pass share the check, which `validate()` runs once.
    `severity` is what the findings are; `lenient`, when set, is what they are outside the
    cases the summary names (production, protected environments, a required key...).
    `badge` is the environments list's badge for an environment with such a finding;
    `{count}` in it makes a counted badge (`missing 3`), shown after the others.
    """

    code: Code
    severity: Severity
    summary: str
    check: Check
    fix: FixKind = FixKind.NONE
    badge: str | None = None
    lenient: Severity | None = None

    @property
    def severities(self) -> tuple[Severity, ...]:
        """Every severity this rule's findings may have, worst first."""
        return (self.severity,) if self.lenient is None else (self.severity, self.lenient)

    def finding(
        self,
        env: str,
        key: str | None,
        message: str,
        fix: str = "",
        file: str = "",
        line: int | None = None,
        *,
        strict: bool = True,
    ) -> Finding:
        """A finding of this rule; `strict=False` gives it the lenient severity, if any."""
        severity = self.severity if strict or self.lenient is None else self.lenient
        return Finding(self.code, severity, env, key, message, fix, file, line)


class Target(NamedTuple):
    """One checked environment whose file was read: its file's path as shown, and the file."""

    env: Environment
    file: str
    envfile: EnvFile


def is_strict(env: Environment) -> bool:
    """Production and protected environments, where more findings are errors."""
    return env.protected or env.name == "production"


def present(project: Project) -> list[Environment]:
    """The environments configured, or whose file exists."""
    return [e for e in project.environments.values() if e.configured or e.file.exists()]


class Run:
    """One validation run: the project, the environments it checks, and their parsed files.

    Files are read on first use (so the git check's subprocess runs meanwhile), once per run.
    """

    def __init__(self, project: Project, names: list[str] | None, *, git: bool = True) -> None:
        self.project = project
        self.explicit = names is not None  # named with --env: a missing file is an error
        self.git = git
        self.selected = [project.environment(n) for n in names] if names else present(project)

    @property
    def template(self) -> EnvFile | None:
        """The template, when this run checks it (every run that names no environment)."""
        return None if self.explicit else self.project.template

    @cached_property
    def _loaded(self) -> tuple[dict[str, EnvFile], dict[str, InputFileError]]:
        others = {e.name: e for e in present(self.project)}
        others.update({e.name: e for e in self.selected})
        loaded: dict[str, EnvFile] = {}
        failed: dict[str, InputFileError] = {}
        for env in others.values():
            try:
                loaded[env.name] = EnvFile.load(env.file)
            except InputFileError as exc:
                if env in self.selected and env.file.exists():
                    failed[env.name] = exc
        return loaded, failed

    @property
    def loaded(self) -> dict[str, EnvFile]:
        """Every readable file of the checked and the other present environments, by name."""
        return self._loaded[0]

    @property
    def unreadable(self) -> dict[str, InputFileError]:
        """Why each checked environment's existing file could not be read."""
        return self._loaded[1]

    def targets(self) -> Iterator[Target]:
        """Each checked environment whose file was read, in order."""
        loaded = self.loaded
        for env in self.selected:
            envfile = loaded.get(env.name)
            if envfile is not None:
                yield Target(env, self.rel(env), envfile)

    @cached_property
    def ledger(self) -> Ledger:
        """The rotation ledger, read once."""
        return read_ledger(self.project.root)

    def rel(self, env: Environment) -> str:
        """`env`'s file relative to the project, as findings show it."""
        try:
            return str(env.file.relative_to(self.project.root))
        except ValueError:
            return str(env.file)
