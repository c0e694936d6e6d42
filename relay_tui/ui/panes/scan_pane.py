"""Pane 7, Scan: leaked secrets in the working tree and the history, with details and triage."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static
from textual.worker import get_current_worker

from relay_tui.errors import RelayError
from relay_tui.scan.allow import MARKER, allow_refusal, where
from relay_tui.scan.baseline import default_path, load_baseline
from relay_tui.scan.scanner import ScanOptions, remediation
from relay_tui.services.changes import read_only_reason
from relay_tui.services.scan_changes import add_to_baseline, allow_inline, scan_recorded
from relay_tui.ui.messages import IncidentRequested
from relay_tui.ui.modals import ConfirmScreen
from relay_tui.ui.panes.base import Pane
from relay_tui.ui.panes.scan_actions import (
    commit_text,
    detail_lines,
    split_label,
    summary_line,
    what,
)
from relay_tui.ui.safe import plain, safe_text
from relay_tui.ui.widgets.grid import Column, Grid, Row

if TYPE_CHECKING:
    from relay_tui.project.project import Project
    from relay_tui.scan.scanner import Finding, ScanReport

COLUMNS = [Column("RULE", 15), Column("WHERE", 0), Column("COMMIT", 7), Column("WHAT", 25),
           Column("SECRET", 6)]  # fmt: skip


class TextScreen(ModalScreen[None]):
    """Lines of plain text that wrap, in a dialog; escape or q closes it."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,q,enter", "dismiss(None)", "Close")]

    def __init__(self, title: str, lines: list[str]) -> None:
        super().__init__()
        self.title_text, self.lines = title, lines

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(plain(self.title_text), classes="question")
            with VerticalScroll(id="text-body"):
                yield Static(Text("\n").join(plain(line) for line in self.lines))
            yield Static("escape closes", classes="hint")

    def on_mount(self) -> None:
        self.query_one("#text-body").focus()


class ScanPane(Pane):
    """Findings of the last scan (run in a worker); triage writes a marker or the baseline."""

    TITLE = "Scan"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("h", "history", "History"),
        Binding("R", "rescan", "Rescan"),
        Binding("a", "allow", "Allow"),
        Binding("b", "baseline", "Baseline"),
        Binding("i", "incident", "Respond"),
        Binding("B", "toggle_baselined", "Show baselined", show=False),
    ]

    def __init__(self) -> None:
        super().__init__(id="pane-scan")
        self.report: ScanReport | None = None
        self.baselined: set[str] = set()  # fingerprints in the project's baseline
        self.show_baselined = False
        self.history = False  # the scope of the shown report
        self.scanning: bool | None = None  # None when idle, else whether the history is scanned
        self.shown_findings: dict[str, Finding] = {}
        self.note = ""  # said after the summary: a cancelled or failed scan
        self._ticket = 0  # results of an older request are dropped

    def compose(self) -> ComposeResult:
        yield Static(id="scan-summary")
        yield Grid(id="scan-rows")
        with VerticalScroll(id="scan-detail-box"):
            yield Static(id="scan-detail")

    @property
    def grid(self) -> Grid:
        return self.query_one("#scan-rows", Grid)

    @property
    def current(self) -> Finding | None:
        row = self.grid.current
        return self.shown_findings.get(row.key) if row else None

    # ----- scanning ------------------------------------------------------------------------
    def shown(self) -> None:
        if self.report is None and self.scanning is None:
            self.start_scan(history=False)

    def data_changed(self, env: str | None) -> None:
        """An env file changed: its values are what known-value findings look for."""
        if self.report is not None and self.scanning is None:
            self.note = "the env files changed since: R re-scans"
            self._summary()

    def action_rescan(self) -> None:
        self.start_scan(history=self.history if self.scanning is None else self.scanning)

    def action_history(self) -> None:
        """Scan the history too; pressed during a history scan, cancel it; else back to the tree."""
        if self.scanning:
            self._cancel()
            return
        self.start_scan(history=not self.history if self.scanning is None else True)

    def start_scan(self, *, history: bool) -> None:
        """Scan the project in a thread worker (an older scan's results are dropped)."""
        self._ticket += 1
        self.scanning = history
        self.note = ""
        self._summary()
        self._scan(self._ticket, self.session.project, history)

    def _cancel(self) -> None:
        self._ticket += 1
        self.scanning = None
        self.workers.cancel_group(self, "scan")
        self.note = "history scan cancelled"
        self._summary()

    @work(thread=True, exclusive=True, group="scan")
    def _scan(self, ticket: int, project: Project, history: bool) -> None:
        """The scan and the baseline are read off the UI thread; only Findings come back."""
        worker = get_current_worker()
        actor = self.session.actor()
        try:
            baselined = load_baseline(default_path(project.root))
            options = ScanOptions(history=history)
            report, outcome = scan_recorded(project.root, options, project, baselined, actor)
        except RelayError as exc:
            if not worker.is_cancelled:
                self.app.call_from_thread(self._failed, ticket, exc)
            return
        report.warnings += outcome.warnings
        if not worker.is_cancelled:
            self.app.call_from_thread(self._done, ticket, history, report, baselined)

    def _failed(self, ticket: int, exc: RelayError) -> None:
        if ticket != self._ticket:
            return
        self.scanning = None
        self.note = "the scan failed (R tries again)"
        self._summary()
        self.fail(exc)

    def _done(self, ticket: int, history: bool, report: ScanReport, baselined: set[str]) -> None:
        if ticket != self._ticket:
            return
        self.scanning = None
        self.history, self.report, self.baselined = history, report, baselined
        for warning in getattr(report, "warnings", []):
            self.notify(safe_text(str(warning)), severity="warning", markup=False, timeout=8)
        self.refresh_rows()

    # ----- showing -------------------------------------------------------------------------
    def _summary(self) -> None:
        """What is being scanned now, or what the shown report covers (and the last note)."""
        if self.scanning is not None:
            scope = "the working tree and every commit (h cancels)" if self.scanning else "the tree"
            line = f"scanning {scope}…"
        else:
            line = self._report_line() + (f" · {self.note}" if self.note else "")
        self.query_one("#scan-summary", Static).update(plain(line))

    def _hidden(self) -> int:
        report = self.report
        return sum(f.fingerprint in self.baselined for f in report.findings) if report else 0

    def _report_line(self) -> str:
        if self.report is None:
            return "not scanned yet (R scans)"
        return summary_line(self.report, self.history, self._hidden(), self.show_baselined)

    def refresh_rows(self) -> None:
        """Show the report's findings (the baselined ones only when B asked for them)."""
        findings = self.report.findings if self.report else []
        chosen = [f for f in findings if self.show_baselined or f.fingerprint not in self.baselined]
        self.shown_findings = {f"{f.fingerprint}:{f.commit or 'tree'}": f for f in chosen}
        rows = [self._row(key, f) for key, f in self.shown_findings.items()]
        keep = self.grid.current.key if self.grid.current else None
        self.grid.set_data(COLUMNS, rows, keep)
        self._summary()
        self._detail()

    def _row(self, key: str, finding: Finding) -> Row:
        marked = finding.fingerprint in self.baselined
        cells = (
            safe_text(finding.rule),
            where(finding),
            commit_text(finding),
            ("baselined: " if marked else "") + what(finding),
            safe_text(finding.redacted),
        )
        styles = ("dim",) * 5 if marked else ("warning", "", "dim", "", "masked")
        return Row(key, cells, styles)

    def _detail(self) -> None:

        finding = self.current
        detail = self.query_one("#scan-detail", Static)
        if finding is None:
            empty = "no findings" if self.report else ""
            hint = " (B shows the baselined ones)" if self._hidden() else ""
            detail.update(plain(empty + hint))
            return
        lines = detail_lines(finding, finding.fingerprint in self.baselined, remediation(finding))
        detail.update(Text("\n").join(plain(line) for line in lines))
        self.query_one("#scan-detail-box", VerticalScroll).scroll_home(animate=False)

    def on_grid_highlighted(self, event: Grid.Highlighted) -> None:
        self._detail()

    def on_grid_selected(self, event: Grid.Selected) -> None:

        finding = self.current
        if finding is None:
            return
        steps = remediation(finding) or ["no remediation steps for this finding"]
        title = f"{what(finding)} · {where(finding)} · {commit_text(finding)}"
        self.app.push_screen(TextScreen(title, steps))

    def action_toggle_baselined(self) -> None:
        self.show_baselined = not self.show_baselined
        self.refresh_rows()

    # ----- triage --------------------------------------------------------------------------
    def _triage_target(self) -> Finding | None:
        finding = self.current
        if finding is None:
            return None

        refusal = read_only_reason(self.session.actor(), "triage")
        if refusal:
            self.notify(refusal, severity="warning", markup=False)
            return None
        if self.scanning is not None:
            self.notify("a scan is running: wait for it (h cancels a history scan)")
            return None
        return finding

    def action_allow(self) -> None:
        finding = self._triage_target()
        if finding is None:
            return
        refusal = allow_refusal(finding)
        if refusal is not None:
            self.notify(refusal, severity="warning", markup=False)
            return
        question = f"append the {MARKER} marker to {where(finding)}? It stops reporting that line."
        self.app.push_screen(
            ConfirmScreen(question), lambda yes: self._allow(finding) if yes else None
        )

    def _allow(self, finding: Finding) -> None:

        try:
            outcome = allow_inline(self.session.project.root, finding, self.session.actor())
        except RelayError as exc:
            self.fail(exc)
            return
        self.tell_warnings(outcome.warnings)
        done = outcome.summary
        if finding.commit:
            done += "; the commits that hold it still do (enter says how to clean them)"
        self.notify(done, markup=False)
        self.start_scan(history=self.history)

    def action_baseline(self) -> None:
        finding = self._triage_target()
        if finding is None:
            return
        if finding.fingerprint in self.baselined:
            self.notify(f"{where(finding)} is in the baseline already", markup=False)
            return
        question = (
            f"add {safe_text(finding.rule)} at {where(finding)} to the baseline "
            ".relay/scan-baseline.json? It is hidden from then on (B shows it); the secret "
            "stays where it is."
        )
        self.app.push_screen(
            ConfirmScreen(question), lambda yes: self._baseline(finding) if yes else None
        )

    def _baseline(self, finding: Finding) -> None:

        path = default_path(self.session.project.root)
        try:
            outcome = add_to_baseline(path, [finding], self.session.actor())
        except RelayError as exc:
            self.fail(exc)
            return
        self.tell_warnings(outcome.warnings)
        self.notify(f"{where(finding)} added to .relay/scan-baseline.json", markup=False)
        self.start_scan(history=self.history)

    # ----- incident response ---------------------------------------------------------------
    def action_incident(self) -> None:
        """For a known value: the incident-response notebook on its environment, key ticked."""
        finding = self.current
        if finding is None:
            return
        parts = split_label(finding.label)
        if parts is None or parts[0] not in self.session.project.environments:
            self.notify(
                "i opens the incident-response notebook for a known value (a key of one of "
                f"this project's environments); this finding is a {safe_text(finding.rule)}",
                markup=False,
            )
            return
        env, key = parts
        self.post_message(IncidentRequested(env, key))  # the app switches to the Notebook pane
