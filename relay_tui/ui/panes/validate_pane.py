"""Pane 3, Validate: the findings with filters, details with the fix, and safe fix actions."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Input, Static

from relay_tui.domain.findings import FIX_LABELS, Finding, FixKind
from relay_tui.errors import RelayError
from relay_tui.services.changes import read_only_reason
from relay_tui.services.fixes import apply_fix, fix_kind
from relay_tui.ui.messages import DataChanged, ValidationRequested
from relay_tui.ui.modals import ConfirmScreen
from relay_tui.ui.panes.base import Pane
from relay_tui.ui.safe import plain, safe_text
from relay_tui.ui.session import TEMPLATE
from relay_tui.ui.widgets.grid import Column, Grid, Row

SEVERITY_CYCLE = ("all", "error", "warning", "info")
SEV_LABEL = {"error": "ERR", "warning": "warn", "info": "info"}
COLUMNS = [Column("SEV", 4), Column("CODE", 18), Column("ENV", 11), Column("KEY", 16),
           Column("MESSAGE", 0)]  # fmt: skip


class ValidatePane(Pane):
    """Every finding of the last run (refreshed in a worker after each change)."""

    TITLE = "Validate"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("x", "fix", "Fix"),
        Binding("f", "severity", "Severity"),
        Binding("slash", "filter", "Filter"),
        Binding("v", "revalidate", "Re-run"),
    ]

    def __init__(self) -> None:
        super().__init__(id="pane-validate")
        self.severity = "all"
        self.text = ""
        self.shown_findings: dict[str, Finding] = {}

    def compose(self) -> ComposeResult:
        yield Static(id="validate-summary")
        yield Input(id="validate-filter", placeholder="filter: code, env, key or words",
                    classes="pane-filter")  # fmt: skip
        yield Grid(id="findings")
        yield Static(id="finding-detail", classes="detail")

    def on_mount(self) -> None:
        self.query_one("#validate-filter").display = False
        self.query_one("#finding-detail").styles.height = 3
        self.refresh_findings()

    @property
    def grid(self) -> Grid:
        return self.query_one("#findings", Grid)

    # ----- showing -------------------------------------------------------------------------
    def findings_changed(self) -> None:
        self.refresh_findings()

    def data_changed(self, env: str | None) -> None:
        self.query_one("#validate-summary", Static).update("checking…")

    def refresh_findings(self) -> None:
        report = self.session.report
        summary = self.query_one("#validate-summary", Static)
        if report is None:
            summary.update("checking…")
            self.grid.set_data(COLUMNS, [])
            return
        chosen = [f for f in report.findings if self._matches(f)]
        self.shown_findings = {str(n): f for n, f in enumerate(chosen)}
        rows = [
            Row(
                str(n),
                (
                    SEV_LABEL.get(f.severity, f.severity[:4]),
                    f.code,
                    safe_text(f.env),
                    safe_text(f.key or "-"),
                    safe_text(f.message),
                ),
                (f.severity, "", "dim", "", ""),
            )
            for n, f in enumerate(chosen)
        ]
        keep = self.grid.current.key if self.grid.current else None
        self.grid.set_data(COLUMNS, rows, keep)
        checked = ", ".join(report.checked) or "nothing"
        line = f"{report.errors} error(s), {report.warnings} warning(s) · checked: {checked}"
        if self.severity != "all" or self.text:
            line += (
                f" · showing {len(rows)} ({self.severity}{', ' + self.text if self.text else ''})"
            )
        summary.update(plain(line))
        self._detail()

    def _matches(self, finding: Finding) -> bool:
        if self.severity != "all" and finding.severity != self.severity:
            return False
        if not self.text:
            return True
        haystack = " ".join([finding.code, finding.env, finding.key or "", finding.message])
        return self.text.lower() in haystack.lower()

    def _detail(self) -> None:
        finding = self.current
        detail = self.query_one("#finding-detail", Static)
        if finding is None:
            detail.update("no findings" if self.session.report else "")
            return
        where = finding.file + (f":{finding.line}" if finding.line else "")
        lines = [finding.message, f"fix: {finding.fix or '-'}", f"{where} · {self._fix_label()}"]
        detail.update(Text("\n").join(plain(line) for line in lines))

    @property
    def current(self) -> Finding | None:
        row = self.grid.current
        return self.shown_findings.get(row.key) if row else None

    def on_grid_highlighted(self, event: Grid.Highlighted) -> None:
        self._detail()

    def on_grid_selected(self, event: Grid.Selected) -> None:
        self.action_fix()

    # ----- filters -------------------------------------------------------------------------
    def action_severity(self) -> None:
        position = SEVERITY_CYCLE.index(self.severity)
        self.severity = SEVERITY_CYCLE[(position + 1) % len(SEVERITY_CYCLE)]
        self.refresh_findings()

    def action_filter(self) -> None:
        field = self.query_one("#validate-filter", Input)
        field.display = True
        field.focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        self.text = event.value.strip()
        self.refresh_findings()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.grid.focus()

    def key_escape(self) -> None:
        field = self.query_one("#validate-filter", Input)
        if field.display:
            field.value, field.display, self.text = "", False, ""
            self.refresh_findings()
            self.grid.focus()

    def action_revalidate(self) -> None:
        self.query_one("#validate-summary", Static).update("checking…")
        self.post_message(ValidationRequested())

    # ----- fixes ---------------------------------------------------------------------------
    def _fix_label(self) -> str:
        finding = self.current
        if finding is None:
            return ""
        kind = self._fix_kind(finding)
        return f"x: {FIX_LABELS[kind]}" if kind in FIX_LABELS else "no automatic fix"

    def _fix_kind(self, finding: Finding) -> FixKind:
        if finding.env == TEMPLATE:
            return FixKind.NONE
        return fix_kind(self.session.project, finding)

    def action_fix(self) -> None:
        finding = self.current
        if finding is None:
            return
        kind = self._fix_kind(finding)
        if not kind:
            self.notify(f"no automatic fix: {safe_text(finding.fix or finding.message)}",
                        markup=False, timeout=8)  # fmt: skip
            return
        refusal = read_only_reason(self.session.actor(), "fix")
        if refusal:
            self.notify(refusal, severity="warning", markup=False)
            return
        env = self.session.state(finding.env).env
        question = {
            FixKind.GENERATE: f"generate a new value for {finding.key} in {env.name} and save "
            "the file?",
            FixKind.CHMOD: f"chmod 600 {env.file.name}?",
            FixKind.GITIGNORE: f"add the line that ignores {env.file.name} to .gitignore?",
        }[kind]
        pending = len(self.session.state(env.name).pending)
        if kind is FixKind.GENERATE and pending:
            question += f" ({pending} unsaved edit(s) of {env.name} are saved with it)"
        protected = env.protected and kind is FixKind.GENERATE
        screen = ConfirmScreen(
            (f"{env.name} is PROTECTED. " if protected else "") + question,
            type_to_confirm=env.name if protected else None,
        )
        self.app.push_screen(
            screen, lambda yes: self._apply(kind, finding, protected) if yes else None
        )

    def _apply(self, kind: FixKind, finding: Finding, confirmed: bool) -> None:
        state = self.session.state(finding.env)
        model = self.session.file_copy(finding.env) if kind is FixKind.GENERATE else None
        pending = state.pending if kind is FixKind.GENERATE else None
        try:
            outcome = apply_fix(
                self.session.project, finding, self.session.actor(confirmed), model, pending
            )
        except RelayError as exc:
            self.fail(exc)
            return
        if kind is FixKind.GENERATE:
            self.session.reload(finding.env)
        self.tell_warnings(outcome.warnings)
        self.notify(safe_text(outcome.summary), markup=False)
        self.post_message(DataChanged(state.env.name))
