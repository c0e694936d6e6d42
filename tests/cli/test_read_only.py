"""One refusal, one code: every writing command under --read-only exits 4 with the same
message and changes nothing; and no front end calls the audit log, the ledger or a policy
check itself (the services do)."""

from __future__ import annotations

import ast
import hashlib
from pathlib import Path

import pytest

from relay_tui.infra import audit
from tests.conftest import REPO, RunCli

REFUSAL = "read-only session: nothing was written"
# (argv, stdin): every command that writes something, on the `project` fixture with a .env.
WRITING = [
    (("set", "JWT_SECRET_KEY", "--env", "development"), "value-from-stdin"),
    (("set", "JWT_SECRET_KEY", "--env", "development", "--generate"), None),
    (("unset", "PORT", "--env", "development"), None),
    (("rotate", "JWT_SECRET_KEY", "--env", "development"), None),
    (("generate", "--generate-env", "--env", "staging"), None),
    (("generate", "--generate-env", "--output", "out.env"), None),
    (("vault", "put", "secret/relay", "jwt=-"), "value-from-stdin"),
    (("vault", "push", "--env", "development"), None),
    (("vault", "pull", "--env", "development", "--yes"), None),
    (("scan", "--update-baseline"), None),
    (("scan", "--json", "--output", "report.json"), None),
    (("audit", "--export", "csv", "--output", "audit.csv"), None),
    (("notebook", "new", "weekly"), None),
    (("notebook", "run", "first-time-setup", "--report", "timeline.md"), None),
    (("trust", "--yes"), None),
    (("untrust",), None),
]


def snapshot(root: Path) -> dict[str, str]:
    """Every file under `root` (but .git) by its SHA-256."""
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file() and ".git" not in p.relative_to(root).parts
    }


@pytest.mark.parametrize(("argv", "stdin"), WRITING, ids=lambda v: " ".join(v) if v else "")
def test_every_writing_command_is_refused_the_same_way(
    cli: RunCli, project: Path, argv: tuple[str, ...], stdin: str | None,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    monkeypatch.setenv("VAULT_ADDR", "http://127.0.0.1:9")  # nothing listens: never asked
    monkeypatch.setenv("VAULT_TOKEN", "hvs." + "r" * 24)
    (project / ".env").write_text("PORT=8000\nJWT_SECRET_KEY=old-value-0123456789abcdef\n")
    (project / ".env").chmod(0o600)
    (project / "relay.toml").write_text(
        '[environments.development]\nfile = ".env"\nvault_path = "relay/dev"\n'
        '[environments.staging]\nfile = ".env.staging"\n'
    )
    before, logged = snapshot(project), sum(1 for _ in audit.entries())
    result = cli(*argv, "--read-only", stdin=stdin)
    assert result.returncode == 4, result.stderr
    assert REFUSAL in result.stderr, result.stderr
    assert "start without --read-only" in result.stderr
    assert snapshot(project) == before, "nothing in the project changed"
    oks = [e for e in list(audit.entries())[logged:] if e.get("outcome") == "ok"]
    assert oks == [], "no change was recorded as made"


FRONT_ENDS = [REPO / "relay_tui" / d for d in ("commands", "ui", "notebooks")]
# What only the services may call: the audit log's writers, the rotation ledger's writers,
# the write policy and the env-file write path.
FORBIDDEN = {
    "relay_tui.infra.audit": {"record", "try_record"},
    "relay_tui.infra.ledger": {"record", "try_record", "forget", "try_forget"},
    "relay_tui.project.envstore": {"check_allowed", "WritePolicy", "edit_env", "save_env",
                                   "rotate_in_file", "write_new_file", "write_requested",
                                   "check_destination"},
    "relay_tui.stores.plans": {"apply_push", "apply_pull", "push_values", "merge_fields"},
}  # fmt: skip


def front_end_files() -> list[Path]:
    files = [REPO / "relay_tui" / "cli.py"]
    for folder in FRONT_ENDS:
        files += sorted(folder.rglob("*.py"))
    return files


def calls_the_rules_directly(path: Path) -> list[str]:
    """`module.name` for each forbidden name the file imports, or uses through its module."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found, aliases = [], {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module in FORBIDDEN:
            found += [
                f"{node.module}.{a.name}" for a in node.names if a.name in FORBIDDEN[node.module]
            ]
        if (
            isinstance(node, ast.ImportFrom)
            and node.module
            and node.module.startswith("relay_tui.")
        ):
            for a in node.names:
                if f"{node.module}.{a.name}" in FORBIDDEN:
                    aliases[a.asname or a.name] = f"{node.module}.{a.name}"
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            module = aliases.get(node.value.id)
            if module and node.attr in FORBIDDEN[module]:
                found.append(f"{module}.{node.attr}")
    return found


def test_no_front_end_calls_the_audit_log_the_ledger_or_the_policy() -> None:
    offenders = {
        str(path.relative_to(REPO)): names
        for path in front_end_files()
        if (names := calls_the_rules_directly(path))
    }
    assert offenders == {}, "call a services function instead"


def test_the_check_finds_a_direct_call(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text(
        "from relay_tui.infra import audit\n"
        "from relay_tui.project.envstore import edit_env\n"
        "audit.try_record('set', None, [])\n"
    )
    assert sorted(calls_the_rules_directly(sample)) == [
        "relay_tui.infra.audit.try_record",
        "relay_tui.project.envstore.edit_env",
    ]


def test_unset_drops_the_keys_rotation_date(cli: RunCli, project: Path) -> None:
    from relay_tui.infra.ledger import read_ledger

    (project / ".env").write_text("PORT=8000\n")
    (project / ".env").chmod(0o600)
    assert cli("set", "JWT_SECRET_KEY", "--env", "development", "--generate").returncode == 0
    assert "JWT_SECRET_KEY" in read_ledger(project)["development"]
    result = cli("unset", "JWT_SECRET_KEY", "--env", "development")
    assert result.returncode == 0, result.stderr
    assert "JWT_SECRET_KEY" not in read_ledger(project).get("development", {})
    unsets = [e for e in audit.entries() if e["action"] == "unset"]
    assert [(e["keys"], e["outcome"]) for e in unsets] == [(["JWT_SECRET_KEY"], "ok")]
