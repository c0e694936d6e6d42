"""The relay-tui CLI as a user runs it: real subprocesses, real files, real git."""

from __future__ import annotations

import json
import os
import pty
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from relay_tui.project.envfile import EnvFile
from tests.conftest import REPO, RunCli, git

STRONG = "Qx7-vR2_mK9pL4sT8wZ3nB6yH1cF5jD0aE2gU7iO4"  # test-only value, 42 url-safe chars


def values(path: Path) -> dict[str, str | None]:
    return EnvFile.load(path).values()


class TestGenerate:
    def test_default_is_a_256_bit_token(self, cli: RunCli) -> None:
        result = cli("generate")
        assert result.returncode == 0
        token = result.stdout.strip()
        assert len(token) == 43 and result.stdout.endswith("\n")

    def test_count_gives_distinct_values(self, cli: RunCli) -> None:
        lines = cli("generate", "hex", "--count", "5").stdout.split()
        assert len(set(lines)) == 5 and all(len(x) == 64 for x in lines)

    def test_short_signing_key_is_refused_with_exit_2(self, cli: RunCli) -> None:
        result = cli("generate", "signing-key", "--bytes", "16")
        assert result.returncode == 2
        assert "256 bits" in result.stderr and "Traceback" not in result.stderr

    def test_generate_env_fills_the_template_and_keeps_its_layout(self, cli: RunCli) -> None:
        result = cli("generate", "--generate-env")
        assert result.returncode == 0, result.stderr
        template = (REPO / ".env.example").read_text()
        comments = [ln for ln in template.splitlines() if ln.startswith("#")]
        assert [ln for ln in result.stdout.splitlines() if ln.startswith("#")] == comments
        filled = EnvFile.parse(result.stdout).values()
        original = EnvFile.parse(template).values()
        assert list(filled) == list(original)
        assert filled["JWT_SECRET_KEY"] != original["JWT_SECRET_KEY"]
        assert len(filled["JWT_SECRET_KEY"] or "") >= 43
        assert filled["STRIPE_SECRET_KEY"] == original["STRIPE_SECRET_KEY"]
        assert filled["PORT"] == "8000"
        assert "needs a value: STRIPE_SECRET_KEY" in result.stderr
        assert "needs a value: DATABASE_URL" in result.stderr
        assert "needs a value: JWT_SECRET_KEY" not in result.stderr

    def test_generate_env_writes_0600_and_refuses_to_overwrite(
        self, cli: RunCli, project: Path
    ) -> None:
        assert cli("generate", "--generate-env", "--env", "development").returncode == 0
        env = project / ".env"
        assert stat.S_IMODE(env.stat().st_mode) == 0o600
        before = env.read_bytes()
        again = cli("generate", "--generate-env", "--env", "development")
        assert again.returncode == 4 and "--force" in again.stderr
        assert env.read_bytes() == before
        assert cli("generate", "--generate-env", "--env", "development", "--force").returncode == 0
        assert env.read_bytes() != before

    def test_output_that_git_would_commit_is_refused(self, cli: RunCli, project: Path) -> None:
        result = cli("generate", "--generate-env", "--output", "secrets.env")
        assert result.returncode == 4
        assert "/secrets.env" in result.stderr and ".gitignore" in result.stderr
        assert not (project / "secrets.env").exists()

    def test_protected_environment_needs_yes(self, cli: RunCli, project: Path) -> None:
        result = cli("generate", "--generate-env", "--env", "production")
        assert result.returncode == 4 and "--yes" in result.stderr
        assert not (project / ".env.production").exists()
        result = cli("generate", "--generate-env", "--env", "production", "--yes")
        assert result.returncode == 0
        assert values(project / ".env.production")["ENVIRONMENT"] == "production"
        assert "needs a value: REDIS_URL" not in result.stderr  # a usable URL without credentials


class TestSetGetUnset:
    def test_set_from_stdin_then_get_for_a_pipe(self, cli: RunCli, project: Path) -> None:
        result = cli("set", "JWT_SECRET_KEY", "--env", "development", stdin=STRONG + "\n")
        assert result.returncode == 0, result.stderr
        assert STRONG not in result.stdout + result.stderr
        assert "added JWT_SECRET_KEY" in result.stderr
        got = cli("get", "JWT_SECRET_KEY", "--env", "development")
        assert got.returncode == 0 and got.stdout == STRONG

    def test_value_in_argv_is_refused_and_not_echoed(self, cli: RunCli, project: Path) -> None:
        result = cli("set", f"JWT_SECRET_KEY={STRONG}", "--env", "development")
        assert result.returncode == 2
        assert STRONG not in result.stdout + result.stderr
        assert "stdin" in result.stderr or "pipe" in result.stderr
        assert not (project / ".env").exists()

    def test_generate_uses_the_keys_kind(self, cli: RunCli, project: Path) -> None:
        assert cli("set", "DATABASE_PASSWORD", "--env", "development", "--generate").returncode == 0
        value = values(project / ".env")["DATABASE_PASSWORD"] or ""
        assert len(value) == 32
        refused = cli("set", "STRIPE_SECRET_KEY", "--env", "development", "--generate")
        assert refused.returncode == 2 and "provider" in refused.stderr

    def test_edit_keeps_comments_export_and_crlf(self, cli: RunCli, project: Path) -> None:
        env = project / ".env"
        original = "# local\r\nexport A=1 # note\r\nB='two'\r\n"
        env.write_bytes(original.encode())
        env.chmod(0o600)
        assert cli("set", "B", "--env", "development", stdin="new").returncode == 0
        assert env.read_bytes() == b"# local\r\nexport A=1 # note\r\nB='new'\r\n"
        assert cli("unset", "A", "--env", "development").returncode == 0
        assert env.read_bytes() == b"# local\r\nB='new'\r\n"

    def test_get_refuses_a_terminal_without_reveal(self, project: Path) -> None:
        (project / ".env").write_text(f"A={STRONG}\n")
        for extra, expect_code in (([], 4), (["--reveal"], 0)):
            leader, follower = pty.openpty()
            command = [sys.executable, "-m", "relay_tui", "--project", str(project), "get", "A"]
            proc = subprocess.run(
                [*command, "--env", "development", *extra],
                stdout=follower,
                stderr=subprocess.PIPE,
                env={**os.environ, "PYTHONPATH": str(REPO)},
                timeout=30,
            )
            os.close(follower)
            shown = os.read(leader, 4096).decode() if expect_code == 0 else ""
            os.close(leader)
            assert proc.returncode == expect_code, proc.stderr
            if expect_code == 4:
                assert b"--reveal" in proc.stderr
            else:
                assert shown == STRONG

    def test_protected_and_read_only_refuse_writes(self, cli: RunCli, project: Path) -> None:
        prod = project / ".env.production"
        prod.write_text("A=1\n")
        prod.chmod(0o600)
        assert cli("set", "A", "--env", "production", stdin="2").returncode == 4
        assert (
            cli("--read-only", "set", "A", "--env", "production", "--yes", stdin="2").returncode
            == 4
        )
        assert prod.read_text() == "A=1\n"
        assert cli("set", "A", "--env", "production", "--yes", stdin="2").returncode == 0
        assert prod.read_text() == "A=2\n"

    def test_interpolation_stays_text(self, cli: RunCli, project: Path) -> None:
        (project / ".env").write_text("A=${VAULT_TOKEN}\n")
        result = subprocess.run(
            [sys.executable, "-m", "relay_tui", "--project", str(project), "get", "A", "--env",
             "development"],
            capture_output=True, text=True, env={**os.environ, "VAULT_TOKEN": "operator-token",
                                                 "PYTHONPATH": str(REPO)},
        )  # fmt: skip
        assert result.stdout == "${VAULT_TOKEN}"


class TestValidate:
    def fill(self, cli: RunCli, env: str) -> None:
        assert cli("generate", "--generate-env", "--env", env, "--yes").returncode == 0

    def test_fresh_project_reports_template_only_and_passes(self, cli: RunCli) -> None:
        result = cli("validate")
        assert result.returncode == 0, result.stdout
        assert "template" in result.stdout

    def test_generated_env_needs_provider_values(self, cli: RunCli, project: Path) -> None:
        self.fill(cli, "development")
        result = cli("validate", "--json")
        assert result.returncode == 1
        report = json.loads(result.stdout)
        codes = {(f["code"], f["key"]) for f in report["findings"]}
        assert ("placeholder-value", "STRIPE_SECRET_KEY") in codes
        assert ("placeholder-value", "DATABASE_URL") in codes
        assert not any(f["key"] == "JWT_SECRET_KEY" for f in report["findings"])
        secrets = [v for v in values(project / ".env").values() if v and len(v) > 20]
        assert not any(s in result.stdout for s in secrets)

    def test_default_weak_reused_and_missing(self, cli: RunCli, project: Path) -> None:
        prod = project / ".env.production"
        stage = project / ".env.staging"
        prod.write_text(f"JWT_SECRET_KEY=change-me-in-production\nSESSION_SECRET={STRONG}\n")
        stage.write_text(f"JWT_SECRET_KEY=short\nSESSION_SECRET={STRONG}\n")
        prod.chmod(0o600)
        stage.chmod(0o644)
        result = cli("validate", "--json", "--env", "production", "--env", "staging")
        assert result.returncode == 1
        found = {(f["env"], f["code"], f["key"]) for f in json.loads(result.stdout)["findings"]}
        assert ("production", "default-secret", "JWT_SECRET_KEY") in found
        assert ("staging", "weak-secret", "JWT_SECRET_KEY") in found
        assert ("staging", "reused-secret", "SESSION_SECRET") in found
        assert ("production", "reused-secret", "SESSION_SECRET") in found
        assert ("production", "missing-required", "DATABASE_URL") in found
        assert ("staging", "insecure-permissions", None) in found
        assert STRONG not in result.stdout and "change-me-in" not in result.stdout

    def test_git_tracked_and_not_ignored(self, cli: RunCli, project: Path) -> None:
        (project / ".gitignore").write_text("")
        (project / ".env").write_text("A=1\n")
        (project / ".env.staging").write_text("A=1\n")
        git(project, "add", ".env")
        result = cli("validate", "--json")
        found = {(f["env"], f["code"]) for f in json.loads(result.stdout)["findings"]}
        assert ("development", "git-tracked") in found
        assert ("staging", "git-not-ignored") in found
        assert result.returncode == 1

    def test_hostile_key_names_are_shown_escaped(self, cli: RunCli, project: Path) -> None:
        (project / ".env").write_text("A\x1b]52;c;ZXZpbA==\x07B=1\nC=[/]\n")
        result = cli("validate")
        assert "\x1b" not in result.stdout + result.stderr
        assert "\\e]52" in result.stdout

    def test_parse_errors_name_file_and_line(self, cli: RunCli, project: Path) -> None:
        (project / ".env").write_text('A=1\nB="oops\nC=3\n')
        result = cli("validate", "--env", "development")
        assert result.returncode == 1
        assert ".env:2" in result.stdout and "C" in result.stdout
        refused = cli("set", "A", "--env", "development", stdin="x")
        assert refused.returncode == 4
        assert (project / ".env").read_text() == 'A=1\nB="oops\nC=3\n'


class TestDiffExportRun:
    def test_diff_shows_missing_and_shared_without_values(self, cli: RunCli, project: Path) -> None:
        (project / ".env").write_text(f"A={STRONG}\nB=1\nONLY_DEV=x\n")
        (project / ".env.staging").write_text(f"A={STRONG}\nB=2\nONLY_STAGE=y\n")
        result = cli("diff", "development", "staging", "--json")
        assert result.returncode == 1
        rows = {r["key"]: r["status"] for r in json.loads(result.stdout)["keys"]}
        assert rows["A"].startswith("same value (fp:")
        assert rows["B"] == "differs"
        assert rows["ONLY_DEV"] == "missing in staging"
        assert rows["ONLY_STAGE"] == "missing in development"
        assert STRONG not in result.stdout

    def test_shell_export_cannot_inject_commands(self, cli: RunCli, project: Path) -> None:
        evil = "x'; touch pwned; echo '$(touch pwned2)`touch pwned3`\nline2"
        (project / ".env").write_text("")
        cli("set", "EVIL", "--env", "development", stdin=evil + "\n")
        exported = cli("export", "--env", "development", "--format", "shell")
        assert exported.returncode == 0
        script = exported.stdout + 'printf %s "$EVIL"'
        shown = subprocess.run(["sh", "-c", script], capture_output=True, text=True, cwd=project)
        assert shown.stdout == evil
        assert not any((project / n).exists() for n in ("pwned", "pwned2", "pwned3"))

    @pytest.mark.parametrize("fmt", ["json", "dotenv", "k8s-secret"])
    def test_other_formats_carry_values_exactly(self, cli: RunCli, project: Path, fmt: str) -> None:
        (project / ".env").write_text(f'A={STRONG}\nB="two words"\n')
        out = cli("export", "--env", "development", "--format", fmt).stdout
        if fmt == "json":
            assert json.loads(out) == {"A": STRONG, "B": "two words"}
        elif fmt == "dotenv":
            assert EnvFile.parse(out).values() == {"A": STRONG, "B": "two words"}
        else:
            import base64

            assert "kind: Secret" in out and "name: relay-development" in out
            assert base64.b64encode(STRONG.encode()).decode() in out

    def test_run_passes_values_by_environment_and_exit_status(
        self, cli: RunCli, project: Path
    ) -> None:
        (project / ".env").write_text(f"A={STRONG}\n")
        script = 'test "$A" = "$EXPECT" && ! grep -q "$A" /proc/$$/cmdline && exit 7'
        result = subprocess.run(
            [sys.executable, "-m", "relay_tui", "--project", str(project), "run", "--env",
             "development", "--", "sh", "-c", script],
            capture_output=True, text=True, env={**os.environ, "EXPECT": STRONG,
                                                 "PYTHONPATH": str(REPO)},
        )  # fmt: skip
        assert result.returncode == 7, result.stderr
        missing = cli("run", "--env", "development", "--", "no-such-command-xyz")
        assert missing.returncode == 127 and "not found" in missing.stderr


def test_internal_errors_show_no_values(monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    from relay_tui import cli as cli_module

    def boom(args: object) -> int:
        db_password = "hunter2-SUPERSECRET"
        raise ValueError(f"bad value {db_password}")

    monkeypatch.setattr(cli_module, "_dispatch", boom)
    assert cli_module.main(["status"]) == 70
    err = capsys.readouterr().err
    assert "hunter2" not in err and "ValueError" in err and "Traceback" not in err


class TestWorkbenchEntry:
    def test_no_command_without_a_terminal_prints_the_overview(self, cli: RunCli) -> None:
        result = cli()
        assert result.returncode in (0, 1) and "template" in result.stdout

    def test_unknown_env_fails_before_the_screen_opens(self, cli: RunCli) -> None:
        result = cli("ui", "--env", "nope")
        assert result.returncode == 2
        assert "nope" in result.stderr and "\x1b[?1049h" not in result.stdout + result.stderr

    def test_ui_without_a_terminal_says_so(self, cli: RunCli) -> None:
        result = cli("ui")
        assert result.returncode == 2 and "needs a terminal" in result.stderr
