"""The setup's Vault check against a real OpenBao server: server, seal, token, the env's path."""

from __future__ import annotations

from pathlib import Path

import pytest

from relay_tui.errors import BackendError
from relay_tui.notebooks.setup_steps import vault_check
from relay_tui.project.project import load_project

RELAY_TOML = """
[environments.development]
file = ".env"
vault_path = "setup-check/development"
[environments.staging]
file = ".env.staging"
vault_path = "setup-check/staging"
[environments.qa]
file = ".env.qa"
"""


def test_vault_check_reports_server_seal_token_and_path(
    bao, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "relay.toml").write_text(RELAY_TOML)
    bao.kv2_put("setup-check/development", {"A": "one-1", "B": "two-2", "C": "three-3"})
    monkeypatch.setenv("BAO_ADDR", bao.addr)
    monkeypatch.setenv("BAO_TOKEN", bao.root_token)
    project = load_project(tmp_path)

    lines = vault_check(project, project.environment("development"))
    text = "\n".join(lines)
    assert lines[0].startswith(f"server: {bao.addr} (from BAO_ADDR), version ")
    assert "sealed: no" in lines
    assert any(line.startswith("token: valid (from BAO_TOKEN; TTL") for line in lines)
    assert lines[-1] == "vault path secret/setup-check/development: exists, 3 key(s)"
    assert bao.root_token not in text and "one-1" not in text

    staging = vault_check(project, project.environment("staging"))
    assert (
        staging[-1]
        == "vault path secret/setup-check/staging: does not exist yet (a push creates it)"
    )
    qa = vault_check(project, project.environment("qa"))
    assert qa[-1].startswith("vault path: none for qa in relay.toml")

    wrong = "s." + "not-a-real-token-for-setup"
    monkeypatch.setenv("BAO_TOKEN", wrong)
    with pytest.raises(BackendError, match="rejected the token from BAO_TOKEN") as rejected:
        vault_check(project, project.environment("development"))
    assert bao.addr in str(rejected.value) and wrong not in str(rejected.value)

    monkeypatch.setenv("BAO_TOKEN", bao.root_token)
    with bao.sealed(), pytest.raises(BackendError, match="is sealed"):
        vault_check(project, project.environment("development"))


def test_a_token_that_may_not_look_itself_up_is_valid_by_reading_the_path(
    bao, make_token, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "relay.toml").write_text(RELAY_TOML)
    bao.kv2_put("setup-check/development", {"A": "one-1"})
    token = make_token(
        'path "secret/data/setup-check/*" { capabilities = ["read"] }\n'
        'path "secret/metadata/setup-check/*" { capabilities = ["read"] }\n'
    )  # no default policy: auth/token/lookup-self is denied
    monkeypatch.setenv("BAO_ADDR", bao.addr)
    monkeypatch.setenv("BAO_TOKEN", token)
    project = load_project(tmp_path)
    lines = vault_check(project, project.environment("development"))
    assert "token: valid (from BAO_TOKEN; it may not look itself up)" in lines
    assert lines[-1] == "vault path secret/setup-check/development: exists, 1 key(s)"
    with pytest.raises(BackendError, match="look up the token"):
        vault_check(project, project.environment("qa"))  # no path to prove the token by
