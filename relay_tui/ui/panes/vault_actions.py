"""The Vault pane's base: jobs in thread workers, and diff, push, pull of the active environment."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from textual.worker import get_current_worker

from relay_tui.domain.masking import safe_text
from relay_tui.errors import BackendError, RelayError
from relay_tui.project.project import Environment
from relay_tui.services.changes import read_only_reason
from relay_tui.ui.messages import DataChanged, VaultValuesRead
from relay_tui.ui.modals import ConfirmScreen, TableScreen
from relay_tui.ui.panes import vault_worker as jobs
from relay_tui.ui.panes.base import Pane
from relay_tui.ui.panes.vault_text import confirm_lines, diff_rows
from relay_tui.ui.session import TEMPLATE
from relay_tui.ui.widgets.grid import Column

if TYPE_CHECKING:
    from relay_tui.stores.plans import Plan


class PlanScreen(ConfirmScreen):
    """A confirmation whose question is a plan over several lines (key names, never values)."""

    def __init__(self, lines: list[str], *, type_to_confirm: str | None = None) -> None:
        super().__init__("\n".join(lines), type_to_confirm=type_to_confirm)
        self.lines = lines


class VaultSyncPane(Pane):
    """Runs every Vault call in a thread worker; syncs the active environment with its path."""

    gen = 0  # bumped on every (re)connect: results of an older connection are dropped
    conn: jobs.Connection | None = None

    # ----- running jobs in thread workers --------------------------------------------------
    def run_job(self, what: str, group: str, job: Callable[[], jobs.VaultMessage | None],
                *, exclusive: bool = True, path: str = "") -> None:  # fmt: skip
        """Run `job` in a thread; its message (or its failure, as VaultFailed) comes back here."""
        gen = self.gen

        def body() -> None:
            worker = get_current_worker()
            message: jobs.VaultMessage | None
            try:
                message = job()
            except RelayError as exc:
                message = jobs.VaultFailed(what, exc, path)
            except Exception as exc:  # an unexpected failure must not take the workbench down
                problem = BackendError(f"could not {what}: unexpected {type(exc).__name__}")
                message = jobs.VaultFailed(what, problem, path)
            if message is not None and not worker.is_cancelled:
                message.gen = gen
                self.post_message(message)

        self.run_worker(body, name=what, group=group, exclusive=exclusive, thread=True,
                        exit_on_error=False)  # fmt: skip

    def current(self, message: jobs.VaultMessage) -> bool:
        """Whether `message` belongs to the connection in use now."""
        return message.gen == self.gen

    def activity(self, text: str = "") -> None:
        """Say what is going on (the pane shows it under its sync line)."""

    def after_push(self, plan: Plan) -> None:
        """A push went through: views of that path are out of date."""

    # ----- diff, push, pull ----------------------------------------------------------------
    def action_diff(self) -> None:
        self._plan("diff")

    def action_push(self) -> None:
        self._plan("push")

    def action_pull(self) -> None:
        self._plan("pull")

    def _sync_env(self, action: str) -> Environment | None:
        name = self.session.active
        problem = ""

        refusal = read_only_reason(self.session.actor(), action) if action != "diff" else None
        if refusal:
            problem = refusal
        elif name == TEMPLATE:
            problem = "the template has no Vault path; pick an environment with E"
        elif self.conn is None:
            problem = "not connected to Vault (R connects)"
        elif not self.session.project.environment(name).vault_path:
            problem = f"{name} has no vault_path in relay.toml"
        elif action == "pull" and self.session.state(name).dirty:
            problem = f"{name} has unsaved edits: save or reload them in pane 1 before pulling"
        if problem:
            self.notify(safe_text(problem), severity="warning", markup=False)
            return None
        return self.session.project.environment(name)

    def _plan(self, action: str) -> None:
        env, conn, project = self._sync_env(action), self.conn, self.session.project
        if env is None or conn is None:
            return
        self.activity(f"comparing {env.name} with Vault…")
        self.run_job(f"plan the {action}", "vault-sync",
                     lambda: jobs.plan_job(conn, project, env, action))  # fmt: skip

    def on_vault_planned(self, message: jobs.VaultPlanned) -> None:
        plan = message.plan
        if not self.current(message) or plan.env != self.session.active:
            return
        self.activity()
        values: dict[str, str | None] = dict(plan.remote)
        self.post_message(VaultValuesRead(plan.env, values))  # the matrix's vault column
        env = self.session.project.environment(plan.env)
        if message.action == "diff":
            self._show_diff(plan)
        elif plan.in_sync:
            self.notify(f"{plan.env} and {safe_text(plan.location.full)} are in sync; nothing "
                        f"to {message.action}", markup=False)  # fmt: skip
        else:
            self._confirm(message, env)

    def _show_diff(self, plan: Plan) -> None:
        differ = len(plan.only_local) + len(plan.only_store) + len(plan.changed)
        state = "in sync" if plan.in_sync else f"{differ} key(s) differ"
        note = f"Vault version {plan.base_version}; {state}; values are never shown"
        if plan.converted:
            note += f"; {len(plan.converted)} non-string value(s) compared as JSON text"
        title = f"{plan.env} ↔ {plan.location.full}"
        columns = [Column("KEY", 0), Column("STATE", 18)]
        self.app.push_screen(TableScreen(safe_text(title), columns, diff_rows(plan), note))

    def _confirm(self, message: jobs.VaultPlanned, env: Environment) -> None:
        unsaved = self.session.state(env.name).dirty
        lines = confirm_lines(message.plan, message.action, env.file.name, unsaved)
        if env.protected:
            lines[0] = f"{env.name} is PROTECTED. " + lines[0]
            screen = PlanScreen(lines, type_to_confirm=env.name)
        else:
            screen = PlanScreen(lines)

        def done(yes: bool | None) -> None:
            if yes:
                self._apply(message, env, env.protected)

        self.app.push_screen(screen, done)

    def _apply(self, planned: jobs.VaultPlanned, env: Environment, confirmed: bool) -> None:
        conn, actor = self.conn, self.session.actor(confirmed)
        if conn is None:
            return
        self.activity(f"{planned.action}ing {env.name}…")
        self.run_job(planned.action, "vault-sync",
                     lambda: jobs.apply_job(conn, planned, env, actor))  # fmt: skip

    def on_vault_applied(self, message: jobs.VaultApplied) -> None:
        self.activity()
        plan = message.plan
        where = safe_text(plan.location.full)
        if message.action == "push":
            version = f" (version {message.version})" if message.version else ""
            self.notify(f"pushed {plan.env} to {where}{version}", markup=False)
            for warning in plan.warnings:  # e.g. the rotation dates were not recorded
                self.notify(safe_text(warning), severity="warning", markup=False, timeout=10)
            values: dict[str, str | None] = {**plan.remote, **plan.local}
            self.post_message(VaultValuesRead(plan.env, values))
            self.after_push(plan)
            return
        self.session.reload(plan.env)
        self.notify(f"pulled {where} into {plan.env}", markup=False)
        self.post_message(DataChanged(plan.env))
