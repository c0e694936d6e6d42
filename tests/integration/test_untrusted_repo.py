"""A cloned repository is untrusted: its relay.toml sends no token and writes nothing outside
the project until the user trusts it, and its git config runs no code."""

from __future__ import annotations

import http.server
import json
import os
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

import pytest

from relay_tui.errors import RefusedError
from relay_tui.infra import git as hardened_git
from relay_tui.infra import trust
from relay_tui.stores.vault.config import resolve
from tests.conftest import RunCli, git


def token() -> str:
    return "hvs." + "T0k3n" * 5  # built at run time: the repository passes its own scanner


class FakeVault(http.server.BaseHTTPRequestHandler):
    """A loopback 'Vault' that records every request's token and answers with an error."""

    seen: ClassVar[list[tuple[str, str]]] = []
    status = 403

    def error_text(self, sent: str) -> str:
        return "nope"

    def do_GET(self) -> None:
        sent = self.headers.get("X-Vault-Token", "")
        self.seen.append((self.path, sent))
        body = json.dumps({"errors": [self.error_text(sent)]}).encode()
        self.send_response(self.status)
        self.send_header("Content-Type", "application/json")
        self.send_header("X-Echo", sent)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_POST = do_PUT = do_LIST = do_GET

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def recorder() -> Iterator[tuple[str, list[tuple[str, str]]]]:
    seen: list[tuple[str, str]] = []
    handler = type("Handler", (FakeVault,), {"seen": seen})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", seen
    finally:
        server.shutdown()
        server.server_close()


def with_token(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VAULT_TOKEN", token())


class TestVaultAddressFromTheRepository:
    def test_no_request_until_trusted_then_again_after_a_change(
        self, cli: RunCli, project: Path, recorder: tuple[str, list[tuple[str, str]]],
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:  # fmt: skip
        addr, seen = recorder
        with_token(monkeypatch)
        (project / "relay.toml").write_text(f'[vault]\naddr = "{addr}"\n')
        for args in (("vault", "status"), ("vault", "list"), ("validate",), ("status",)):
            result = cli(*args)
            assert "Traceback" not in result.stderr
        assert seen == []
        assert "not trusted" in cli("status").stdout
        refused = cli("vault", "status")
        assert refused.returncode == 4
        assert addr in refused.stderr and "relay-tui trust" in refused.stderr
        assert token() not in refused.stdout + refused.stderr

        asked = cli("trust")  # no terminal and no --yes: refused, nothing recorded
        assert asked.returncode == 4 and addr in asked.stdout
        assert cli("vault", "status").returncode == 4 and seen == []

        assert cli("trust", "--yes").returncode == 0
        cli("vault", "status")
        assert seen and all(sent == token() for _, sent in seen)

        seen.clear()
        with open(project / "relay.toml", "a") as handle:
            handle.write("# any change needs trusting again\n")
        assert cli("vault", "status").returncode == 4 and seen == []
        assert cli("trust", "--yes").returncode == 0
        assert cli("untrust").returncode == 0
        assert cli("vault", "status").returncode == 4 and seen == []

    def test_a_per_environment_address_needs_trust_too(
        self, cli: RunCli, project: Path, recorder: tuple[str, list[tuple[str, str]]],
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:  # fmt: skip
        addr, seen = recorder
        with_token(monkeypatch)
        (project / "relay.toml").write_text(
            f'[environments.staging]\nfile = ".env.staging"\nvault_path = "a/b"\n'
            f'vault_addr = "{addr}"\n'
        )
        cli("generate", "--generate-env", "--env", "staging")
        result = cli("vault", "diff", "--env", "staging")
        assert result.returncode == 4 and "[environments.staging]" in result.stderr
        assert seen == []

    def test_the_users_own_address_wins_without_trust(
        self, cli: RunCli, project: Path, recorder: tuple[str, list[tuple[str, str]]],
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:  # fmt: skip
        addr, seen = recorder
        with_token(monkeypatch)
        monkeypatch.setenv("VAULT_ADDR", addr)
        (project / "relay.toml").write_text('[vault]\naddr = "https://vault.example.invalid"\n')
        cli("vault", "status")
        assert seen, "VAULT_ADDR from the user's environment is trusted"

    def test_the_workbench_header_says_not_trusted(self, project: Path) -> None:
        (project / "relay.toml").write_text('[vault]\naddr = "http://127.0.0.1:9"\n')
        from relay_tui.project.project import load_project
        from relay_tui.stores.vault.config import settings_for

        with pytest.raises(trust.NotTrustedError, match="not trusted"):
            settings_for(load_project(project), None)


class TestPlainHttp:
    def test_a_token_is_never_sent_over_http_to_another_host(self) -> None:
        environ = {"VAULT_ADDR": "http://vault.example.invalid:8200", "VAULT_TOKEN": token()}
        with pytest.raises(RefusedError, match="plain http"):
            resolve(environ, home=Path("/nonexistent"))

    def test_the_opt_in_warns_in_the_tls_line(self) -> None:
        environ = {
            "VAULT_ADDR": "http://vault.example.invalid:8200",
            "VAULT_TOKEN": token(),
            "RELAY_TUI_ALLOW_HTTP": "1",
        }
        settings = resolve(environ, home=Path("/nonexistent"))
        assert "NONE" in settings.tls_mode and "RELAY_TUI_ALLOW_HTTP" in settings.tls_mode

    @pytest.mark.parametrize(
        "addr", ["http://127.0.0.1:8200", "http://localhost:1", "http://[::1]:1"]
    )
    def test_loopback_http_is_fine(self, addr: str) -> None:
        settings = resolve({"VAULT_ADDR": addr, "VAULT_TOKEN": token()}, home=Path("/nonexistent"))
        assert settings.addr == addr


class TestPathsOutsideTheProject:
    @pytest.mark.parametrize("name", [".bashrc", ".profile", ".zshenv", ".ssh/authorized_keys"])
    def test_a_startup_file_in_home_is_refused_even_when_trusted(
        self, cli: RunCli, project: Path, isolated_home: Path, name: str
    ) -> None:
        target = isolated_home / name
        (project / "relay.toml").write_text(f'[environments.development]\nfile = "{target}"\n')
        assert cli("trust", "--yes").returncode == 0
        result = cli("generate", "--generate-env", "--env", "development")
        assert result.returncode == 4, result.stderr
        assert "start-up" in result.stderr
        assert not target.exists()

    def test_an_outside_env_file_needs_trust(self, cli: RunCli, project: Path) -> None:
        outside = project.parent / "elsewhere.env"
        config = '[environments.development]\nfile = "../elsewhere.env"\n'
        (project / "relay.toml").write_text(config)
        result = cli("generate", "--generate-env", "--env", "development")
        assert result.returncode == 4 and "relay-tui trust" in result.stderr
        assert str(outside) in result.stderr and not outside.exists()
        assert cli("trust", "--yes").returncode == 0
        assert cli("generate", "--generate-env", "--env", "development").returncode == 0
        assert outside.exists()

    def test_a_symlink_out_of_the_project_needs_trust(self, cli: RunCli, project: Path) -> None:
        outside = project.parent / "shared.env"
        outside.write_text("PORT=1\n")
        (project / ".env").symlink_to(outside)
        result = cli("validate")
        assert result.returncode == 4 and "outside the project" in result.stderr
        listed = cli("trust", "--yes")
        assert listed.returncode == 0 and str(outside) in listed.stdout
        assert cli("validate").returncode != 4

    def test_a_symlink_to_a_startup_file_is_refused(
        self, cli: RunCli, project: Path, isolated_home: Path
    ) -> None:
        rc = isolated_home / ".bashrc"
        rc.write_text("# the user's own\n")
        (project / ".env").symlink_to(rc)
        cli("trust", "--yes")
        result = cli("set", "PORT", "--env", "development", stdin="1")
        assert result.returncode == 4 and "start-up" in result.stderr
        assert rc.read_text() == "# the user's own\n"


def hostile(root: Path, tmp_path: Path) -> Path:
    """Give `root` a .git/config and .gitattributes whose every trap writes to a marker."""
    marker = tmp_path / "pwned"
    script = tmp_path / "evil.sh"
    script.write_text(f"#!/bin/sh\necho ran >> {marker}\ncat\n")
    script.chmod(0o755)
    (root / "notes.txt").write_text("tracked\n")
    (root / ".env.staging").write_text("PORT=1\n")  # a tracked env file: validate asks git of it
    git(root, "add", "-f", "notes.txt", ".gitignore", ".env.staging")
    git(root, "commit", "-q", "-m", "init")
    (root / ".gitattributes").write_text(
        "* diff=evil filter=evil merge=evil\nnotes.txt filter=a=b\n"  # "=" fools a `-c` override
    )
    with open(root / ".git" / "config", "a") as config:
        config.write(
            f"[core]\n\tfsmonitor = {script}\n\tpager = {script}\n\thooksPath = {tmp_path}\n"
            f"\tsshCommand = {script}\n"
            f'[diff "evil"]\n\ttextconv = {script}\n\tcommand = {script}\n'
            f'[filter "evil"]\n\tclean = {script}\n\tsmudge = {script}\n'
            f'[filter "a=b"]\n\tclean = {script}\n'
            f'[merge "evil"]\n\tdriver = {script}\n'
        )
    for hook in ("pre-commit", "post-checkout", "reference-transaction"):
        (tmp_path / hook).write_text(f"#!/bin/sh\necho hook >> {marker}\n")
        (tmp_path / hook).chmod(0o755)
    for name in ("notes.txt", ".env.staging"):  # stat differs from the index: git re-reads it
        os.utime(root / name, (1, 1))
    return marker


def test_hostile_git_config_runs_nothing_on_any_command(
    cli: RunCli, project: Path, tmp_path: Path
) -> None:
    marker = hostile(project, tmp_path)
    runs = [
        ("generate", "--generate-env", "--env", "development"),
        ("validate",),
        ("status",),
        ("set", "PORT", "--env", "development"),
        ("unset", "PORT", "--env", "development"),
        ("scan",),
        ("scan", "--history"),
        ("scan", "--staged"),
        ("diff", "development", "template"),
    ]
    for args in runs:
        result = cli(*args, stdin="8001")
        assert "Traceback" not in result.stderr, args
        assert not marker.exists(), args
    plain = subprocess.run(["git", "-C", str(project), "status"], capture_output=True)
    assert plain.returncode == 0
    assert marker.exists(), "the trap was live: plain git status runs the clean filter"


def test_git_gets_no_token_and_no_cloud_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VAULT_TOKEN", token())
    monkeypatch.setenv("BAO_TOKEN", token())
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "x" * 40)
    monkeypatch.setenv("GITHUB_TOKEN", "y" * 40)
    monkeypatch.setenv("GIT_ASKPASS_TOKEN", "z")
    env = hardened_git.git_env(Path.cwd())
    assert not {"VAULT_TOKEN", "BAO_TOKEN", "AWS_SECRET_ACCESS_KEY", "GITHUB_TOKEN"} & set(env)
    assert "GIT_ASKPASS_TOKEN" not in env
    assert env["GIT_CONFIG_NOSYSTEM"] == "1" and "PATH" in env


def test_git_children_see_no_token(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VAULT_TOKEN", token())
    done = hardened_git.run(project, "var", "GIT_EDITOR")  # any command: the env is what counts
    assert done.returncode in (0, 128)
    dump = tmp_path / "env.txt"
    script = tmp_path / "dump.sh"
    script.write_text(f"#!/bin/sh\nenv > {dump}\n")
    script.chmod(0o755)
    # A user-trusted alias (the user's own GIT_CONFIG_* settings) sees the environment git got.
    monkeypatch.setenv("GIT_CONFIG_COUNT", "1")
    monkeypatch.setenv("GIT_CONFIG_KEY_0", "alias.dump")
    monkeypatch.setenv("GIT_CONFIG_VALUE_0", f"!{script}")
    hardened_git.run(project, "dump")
    assert dump.exists() and token() not in dump.read_text()


class Leaky(FakeVault):
    """A 'Vault' that echoes the token it was sent in every error body and header."""

    status = 500

    def error_text(self, sent: str) -> str:
        return f"bad token {sent}; see https://admin:hunter22@vault.internal/x; s.{'A' * 24}"


@pytest.mark.parametrize("status", [500, 403, 400])
def test_server_text_never_shows_the_token(
    cli: RunCli, project: Path, monkeypatch: pytest.MonkeyPatch, status: int
) -> None:
    handler = type("Handler", (Leaky,), {"status": status, "seen": []})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with_token(monkeypatch)
        monkeypatch.setenv("VAULT_ADDR", f"http://127.0.0.1:{server.server_address[1]}")
        (project / "relay.toml").write_text(
            '[environments.staging]\nfile = ".env.staging"\nvault_path = "relay/staging"\n'
        )
        cli("generate", "--generate-env", "--env", "staging")
        runs = [
            ("vault", "status"), ("vault", "list"), ("vault", "get", "relay/staging"),
            ("vault", "diff", "--env", "staging"), ("vault", "push", "--env", "staging", "--yes"),
            ("rotate", "JWT_SECRET_KEY", "--env", "staging", "--push"), ("validate",),
        ]  # fmt: skip
        shown = ""
        for args in runs:
            result = cli(*args)
            assert result.returncode != 70, (args, result.stderr)
            assert "Traceback" not in result.stderr
            shown += result.stdout + result.stderr
        assert token() not in shown
        assert "hunter22" not in shown and "s." + "A" * 24 not in shown
        if status == 500:
            assert "[redacted]" in shown
    finally:
        server.shutdown()
        server.server_close()


class TestHostileButExpectedInput:
    """Inputs that used to reach exit 70 get a message and exit 2."""

    @pytest.mark.parametrize(
        "config",
        [
            "[vault]\nmount = 5\n",
            "[vault]\naddr = ['x']\n",
            "[project]\nname = 3\n",
            "[project]\ntemplate = 'a\\u0000b'\n",
            '[environments.development]\nfile = "a\\u0000b"\n',
            "x = " + "[" * 5000 + "]" * 5000 + "\n",
        ],
        ids=["mount-int", "addr-list", "name-int", "template-nul", "file-nul", "toml-bomb"],
    )
    def test_bad_relay_toml(self, cli: RunCli, project: Path, config: str) -> None:
        (project / "relay.toml").write_text(config)
        trusted = cli("trust", "--yes")  # trusting is harmless; using the file still fails
        assert trusted.returncode in (0, 2) and "Traceback" not in trusted.stderr
        for args in (("validate",), ("status",), ("vault", "status")):
            result = cli(*args)
            assert result.returncode in (2, 4), (args, result.stderr)
            assert "Traceback" not in result.stderr and "internal error" not in result.stderr

    def test_dev_zero_and_a_fifo_as_env_files(self, cli: RunCli, project: Path) -> None:
        (project / ".env").symlink_to("/dev/zero")
        fifo = project / ".env.staging"
        os.mkfifo(fifo)
        cli("trust", "--yes")  # /dev/zero lies outside the project: trusted, it is still refused
        for env in ("development", "staging"):
            result = cli("get", "PORT", "--env", env)
            assert result.returncode == 2, result.stderr
            assert "not a regular file" in result.stderr
            assert "git" not in result.stderr

    def test_a_deeply_nested_baseline(self, cli: RunCli, project: Path) -> None:
        (project / "deep.json").write_text("[" * 100000 + "]" * 100000)
        result = cli("scan", "--baseline", "deep.json")
        assert result.returncode == 2, result.stderr
        assert "internal error" not in result.stderr

    def test_a_notebook_that_is_a_fifo_or_too_deep(self, cli: RunCli, project: Path) -> None:
        os.mkfifo(project / "nb.toml")
        result = cli("notebook", "run", "nb.toml")
        assert result.returncode == 2 and "not a regular file" in result.stderr
        (project / "deep.toml").write_text("x = " + "[" * 5000 + "]" * 5000 + "\n")
        result = cli("notebook", "run", "deep.toml")
        assert result.returncode == 2 and "internal error" not in result.stderr


class TestDestinations:
    def test_a_report_folder_that_does_not_exist_fails_before_any_cell(
        self, cli: RunCli, project: Path
    ) -> None:
        result = cli("notebook", "run", "first-time-setup", "--report", "missing/dir/x.md")
        assert result.returncode == 2 and "does not exist" in result.stderr
        assert not (project / ".env").exists(), "no cell ran"

    def test_scan_output_refuses_links_and_existing_files(
        self, cli: RunCli, project: Path, tmp_path: Path
    ) -> None:
        victim = tmp_path / "victim.txt"
        victim.write_text("keep\n")
        (project / "link.json").symlink_to(victim)
        result = cli("scan", "--json", "--output", "link.json")
        assert result.returncode == 4 and "symbolic link" in result.stderr
        assert victim.read_text() == "keep\n"
        (project / "old.json").write_text("old\n")
        assert cli("scan", "--json", "--output", "old.json").returncode == 4
        assert (project / "old.json").read_text() == "old\n"
        assert cli("scan", "--json", "--output", "old.json", "--force").returncode in (0, 1)
        assert (project / "old.json").read_text() != "old\n"

    @pytest.mark.parametrize(
        "args",
        [
            ("audit", "--export", "csv", "--output"),
            ("audit", "--export", "markdown", "--output"),
            ("scan", "--sarif", "--output"),
        ],
    )
    def test_every_requested_file_refuses_a_link_and_an_existing_file(
        self, cli: RunCli, project: Path, tmp_path: Path, args: tuple[str, ...]
    ) -> None:
        victim = tmp_path / "victim.txt"
        victim.write_text("keep\n")
        dangling = tmp_path / "would-be-created.txt"
        (project / "link.out").symlink_to(victim)
        (project / "dangling.out").symlink_to(dangling)
        for name in ("link.out", "dangling.out"):
            result = cli(*args, name)
            assert result.returncode == 4 and "symbolic link" in result.stderr, result.stderr
        assert victim.read_text() == "keep\n" and not dangling.exists()
        (project / "old.out").write_text("old\n")
        assert cli(*args, "old.out").returncode == 4
        assert (project / "old.out").read_text() == "old\n"
        assert cli(*args, "old.out", "--force").returncode in (0, 1)
        assert (project / "old.out").read_text() != "old\n"
        assert cli(*args, "new.out").returncode in (0, 1)
        assert (project / "new.out").stat().st_mode & 0o777 == 0o600

    def test_notebook_new_refuses_a_link_out_of_the_project(
        self, cli: RunCli, project: Path, tmp_path: Path
    ) -> None:
        elsewhere = tmp_path / "elsewhere"
        elsewhere.mkdir()
        (project / "notebooks").symlink_to(elsewhere)
        result = cli("notebook", "new", "rotate-all")
        assert result.returncode == 4 and "out of the project" in result.stderr
        assert list(elsewhere.iterdir()) == []
        (project / "notebooks").unlink()
        (project / "notebooks").mkdir()
        (project / "notebooks" / "rotate-all.toml").symlink_to(elsewhere / "x.toml")
        result = cli("notebook", "new", "rotate-all")
        assert result.returncode == 4 and "symbolic link" in result.stderr
        assert list(elsewhere.iterdir()) == []


def test_history_of_a_shallow_clone_is_refused_unless_allowed(
    cli: RunCli, project: Path, tmp_path: Path
) -> None:
    for n in range(3):
        (project / "notes.txt").write_text(f"v{n}\n")
        git(project, "add", "notes.txt")
        git(project, "commit", "-q", "-m", f"c{n}")
    clone = tmp_path / "shallow"
    subprocess.run(
        ["git", "clone", "-q", "--depth", "1", f"file://{project}", str(clone)], check=True
    )
    refused = cli("scan", "--history", project_dir=clone)
    assert refused.returncode == 2, refused.stderr
    assert "shallow" in refused.stderr and "git fetch --unshallow" in refused.stderr
    allowed = cli("scan", "--history", "--allow-shallow", project_dir=clone)
    assert allowed.returncode in (0, 1) and "partial history scan" in allowed.stderr
    as_json = json.loads(cli("scan", "--history", "--allow-shallow", "--json",
                             project_dir=clone).stdout)  # fmt: skip
    assert as_json["partial"] is True and "shallow" in as_json["warnings"][0]
    sarif = json.loads(cli("scan", "--history", "--allow-shallow", "--sarif",
                           project_dir=clone).stdout)  # fmt: skip
    run = sarif["runs"][0]
    assert run["properties"]["partial"] is True
    notes = run["invocations"][0]["toolExecutionNotifications"]
    assert any("shallow" in n["message"]["text"] for n in notes)
    assert cli("scan", "--history").returncode in (0, 1)  # the full clone scans as before
    full = json.loads(cli("scan", "--history", "--sarif").stdout)["runs"][0]
    assert full["properties"]["partial"] is False


def test_submodules_are_named_as_not_scanned(cli: RunCli, project: Path, tmp_path: Path) -> None:
    inner = tmp_path / "inner"
    inner.mkdir()
    git(inner, "init", "-q")
    (inner / "x.txt").write_text("x\n")
    git(inner, "add", "x.txt")
    git(inner, "-c", "user.email=t@example.invalid", "-c", "user.name=t", "commit", "-q", "-m", "i")
    subprocess.run(
        ["git", "-C", str(project), "-c", "protocol.file.allow=always", "submodule", "add", "-q",
         str(inner), "vendor/inner"],
        check=True, capture_output=True,
    )  # fmt: skip
    for args in (("scan",), ("scan", "--history")):
        result = cli(*args)
        assert "not scanned: 1 submodule(s), vendor/inner" in result.stderr, result.stderr
    data = json.loads(cli("scan", "--json").stdout)
    assert data["submodules_not_scanned"] == ["vendor/inner"]
    sarif = json.loads(cli("scan", "--sarif").stdout)["runs"][0]
    assert sarif["properties"]["submodulesNotScanned"] == ["vendor/inner"]


def test_invalid_utf8_on_stdin_is_exit_2_and_writes_nothing(project: Path) -> None:
    import sys

    from tests.conftest import REPO

    def run(*args: str) -> subprocess.CompletedProcess[bytes]:
        command = [sys.executable, "-m", "relay_tui", "--project", str(project), *args]
        env = {**os.environ, "PYTHONPATH": str(REPO)}
        return subprocess.run(command, input=b"\xff\xfe", capture_output=True, env=env, cwd=project)

    run("generate", "--generate-env", "--env", "development")
    before = (project / ".env").read_bytes()
    for args in (
        ("set", "PORT", "--env", "development"),
        ("rotate", "STRIPE_SECRET_KEY", "--env", "development"),
        ("vault", "put", "a/b", "x=-"),
    ):
        result = run(*args)
        assert result.returncode == 2, (args, result.stderr)
        assert b"not UTF-8" in result.stderr and b"internal error" not in result.stderr
    assert (project / ".env").read_bytes() == before


def test_template_lines_are_copied_as_data_a_shell_runs_none(cli: RunCli, project: Path) -> None:
    """A template's values that a shell would run, when the .env is sourced, are quoted;
    python-dotenv still reads exactly the template's values."""
    from dotenv import dotenv_values

    hostile = (
        "HOOK_A=$(touch marker-a)\n"
        "HOOK_B=x&touch marker-b\n"
        'HOOK_C="`touch marker-c`"\n'
        'HOOK_D="$(touch marker-d)"\n'
        "HOOK_E=~/somewhere\n"
        "STRIPE_NOTE=<your-key>\n"
        "PLAIN=ok\n"
    )
    template = project / ".env.example"
    template.write_text(template.read_text() + hostile)
    result = cli("generate", "--generate-env", "--env", "development")
    assert result.returncode == 0, result.stderr
    sourced = subprocess.run(
        ["sh", "-c", "set -a; . ./.env"], cwd=project, capture_output=True, text=True, check=False
    )
    assert sourced.returncode == 0, f"a shell cannot read the file: {sourced.stderr}"
    assert not list(project.glob("marker-*")), sourced.stderr
    wanted = dotenv_values(template, interpolate=False)
    written = dotenv_values(project / ".env", interpolate=False)
    for key in ("HOOK_A", "HOOK_B", "HOOK_C", "HOOK_D", "HOOK_E", "STRIPE_NOTE", "PLAIN"):
        assert written[key] == wanted[key], key
    assert "PLAIN=ok\n" in (project / ".env").read_text(), "a plain line is left as it was"
