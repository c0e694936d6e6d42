"""What the workbench holds open: the project, each environment's file and unsaved edits."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from relay_tui.domain.findings import Finding, Report
from relay_tui.domain.masking import mark_non_ascii, mask, safe_text
from relay_tui.errors import ConflictError, RelayError, UsageError
from relay_tui.project.envfile import EnvFile
from relay_tui.project.project import Environment, Project, load_project
from relay_tui.project.specs import SecretSpec, spec_for
from relay_tui.services.changes import Actor, require_allowed
from relay_tui.ui.widgets.grid import Row

TEMPLATE = "template"


@dataclass
class EnvState:
    """One environment as the workbench sees it: its parsed file, or why it could not be read."""

    env: Environment
    file: EnvFile | None = None
    error: str | None = None
    pending: dict[str, str | None] = field(default_factory=dict)  # key -> new value / None: delete

    @property
    def dirty(self) -> bool:
        return bool(self.pending)


class Session:
    """The open project; every read and write goes through the headless core."""

    def __init__(self, project: Project, *, read_only: bool = False, env: str | None = None):
        self.project = project
        self.read_only = read_only
        self.states: dict[str, EnvState] = {}
        self.report: Report | None = None
        self.warnings: list[str] = []  # for the UI to show once (e.g. the ledger not written)
        self._by_key: dict[str, tuple[Report | None, dict[str, list[Finding]]]] = {}
        names = self.env_names()
        self.active = env if env is not None else (names[0] if names else TEMPLATE)
        if env is not None and env not in names:
            raise UsageError(
                f"no environment {safe_text(env)!r} in {project.root.name}",
                hint="known: " + (", ".join(names) or "none (create .env first)"),
            )

    @classmethod
    def open(cls, root: Path, *, read_only: bool = False, env: str | None = None) -> Session:
        """Load the project at `root`."""
        return cls(load_project(root), read_only=read_only, env=env)

    # ----- environments --------------------------------------------------------------------
    def env_names(self) -> list[str]:
        """Environments, plus the template as a read-only pseudo-environment."""
        names = list(self.project.environments)
        if self.project.template_path is not None:
            names.append(TEMPLATE)
        return names

    def state(self, name: str) -> EnvState:
        """The loaded state of `name` (read on first use)."""
        found = self.states.get(name)
        if found is None:
            found = self._load(name)
            self.states[name] = found
        return found

    def environment(self, name: str) -> Environment:
        """The environment `name` (the template as a read-only pseudo-environment); no file read."""
        if name == TEMPLATE:
            path = self.project.template_path
            return Environment(TEMPLATE, path or Path(".env.example"), protected=True)
        return self.project.environment(name)

    def _load(self, name: str) -> EnvState:
        env = self.environment(name)
        state = EnvState(env)
        if not env.file.exists():
            state.error = f"{env.file.name} does not exist yet"
            return state
        try:
            state.file = EnvFile.load(env.file)
        except RelayError as exc:
            state.error = exc.message
        return state

    def reload(self, name: str) -> EnvState:
        """Read `name` again from disk, dropping unsaved edits."""
        self.states.pop(name, None)
        return self.state(name)

    def values(self, name: str) -> dict[str, str | None]:
        """The values of `name` as they would be saved (pending edits applied)."""
        state = self.state(name)
        values = dict(state.file.values()) if state.file else {}
        for key, value in state.pending.items():
            if value is None:
                values.pop(key, None)
            else:
                values[key] = value
        return values

    # ----- rows ----------------------------------------------------------------------------
    def key_rows(self, name: str) -> list[Row]:
        """One row per key: key, masked value, kind, status (findings for this key)."""
        by_key = self.findings_by_key(name)
        state = self.state(name)
        rows = []
        for key, value in self.values(name).items():
            spec = self.spec(key)
            status, style = "ok", "ok"
            if key in state.pending:
                status, style = "edited, not saved", "accent"
            elif by_key.get(key):
                worst = by_key[key][0]
                status, style = f"{worst.code}", worst.severity
            key_style = "" if key.isascii() else "error"  # a homoglyph: shown as <U+XXXX>
            cells = (mark_non_ascii(key), mask(value), spec.kind, status)
            rows.append(Row(key, cells, (key_style, "masked", "dim", style)))
        return rows

    def spec(self, key: str) -> SecretSpec:
        """What `key` is; until the template's specs are built (after the first frame, in the
        validation worker), what its name says."""
        specs = self.project.__dict__.get("specs")  # the cached_property, if computed already
        return spec_for(specs or {}, key)

    def findings_by_key(self, name: str) -> dict[str, list[Finding]]:
        """Findings of the last validation for environment `name`, worst first, by key."""
        cached = self._by_key.get(name)
        if cached is not None and cached[0] is self.report:
            return cached[1]
        grouped: dict[str, list[Finding]] = {}
        for finding in self.report.findings if self.report else []:
            if finding.env == name and finding.key:
                grouped.setdefault(finding.key, []).append(finding)
        self._by_key[name] = (self.report, grouped)
        return grouped

    # ----- editing -------------------------------------------------------------------------
    def file_copy(self, name: str) -> EnvFile:
        """An independent model of `name`'s file as read (for a write that must not touch it)."""
        state = self.state(name)
        return _copy(state.file) if state.file else EnvFile.parse("", state.env.file)

    def actor(self, confirmed: bool = False) -> Actor:
        """This session as the services see it: the workbench, read-only or not."""
        return Actor("workbench", read_only=self.read_only, yes=confirmed)

    def writable(self, name: str) -> bool:
        """Whether `name` may be edited at all in this session (template and --read-only: no)."""
        return name != TEMPLATE and not self.read_only

    def stage(self, name: str, key: str, value: str | None) -> None:
        """Record an edit (None deletes) to save later; refused when the session is read-only."""
        state = self.state(name)
        if name == TEMPLATE:
            raise ConflictError("the template is shown read-only; edit it in your editor")
        require_allowed(self.actor(confirmed=True), state.env)
        state.pending[key] = value

    def save(self, name: str, confirmed: bool = False) -> list[str]:
        """Write the pending edits through the safe writer; returns the keys written.

        A file changed on disk since it was read raises ConflictError and keeps the edits.
        """
        state = self.state(name)
        envfile = self.file_copy(name)
        # lazy: the write path and the audit log load at the first save, not the first frame
        from relay_tui.services.env_values import save_edits

        # on failure the state (and its edits) is untouched
        outcome = save_edits(self.project, state.env, envfile, state.pending, self.actor(confirmed))
        self.warnings += outcome.warnings
        self.states[name] = self._load(name)
        return outcome.changed

    def files_changed(self, name: str | None) -> None:
        """Files were written by someone else (a notebook cell): read them again.

        Unsaved edits of `name` are kept and re-applied on save. A new file (the first-time
        setup's .env) or a new relay.toml makes the project be read again.
        """
        fresh = load_project(self.project.root)
        if set(fresh.environments) != set(self.project.environments) or (
            fresh.config != self.project.config
        ):
            self.project = fresh
            self._by_key.clear()
        if name is not None and name in self.states:
            self.rebase(name)

    def rebase(self, name: str) -> EnvState:
        """Resolve a conflict: read the file as it is now and re-apply the unsaved edits."""
        pending = self.state(name).pending
        fresh = self.reload(name)
        fresh.pending = dict(pending)
        return fresh


def _copy(envfile: EnvFile) -> EnvFile:
    """An independent model of the same text, stamped as the version that was read."""
    copy = EnvFile.parse(envfile.render(), envfile.path)
    copy.bom, copy.stamp = envfile.bom, envfile.stamp
    return copy
