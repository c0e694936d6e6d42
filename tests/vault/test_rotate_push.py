"""`relay-tui rotate --push` against a real OpenBao: both sides updated, or exactly what was not."""

from __future__ import annotations

from pathlib import Path

from dotenv import dotenv_values

from tests.conftest import git
from tests.vault.helpers import relay

OLD = "Zx8-1kQ_v7Rp2mN9wL4sT6yB3cF5hJ0dG-9fK2pL5"


def project_at(tmp_path: Path, path: str) -> Path:
    git(tmp_path, "init", "-q")
    (tmp_path / ".gitignore").write_text(".env*\n")
    (tmp_path / "relay.toml").write_text(
        f'[environments.staging]\nfile = ".env.staging"\nvault_path = "{path}"\n'
        '[secrets.JWT_SECRET_KEY]\nvault_field = "jwt_secret"\nkind = "signing-key"\n'
    )
    (tmp_path / ".env.staging").write_text(f"JWT_SECRET_KEY={OLD}\n")
    return tmp_path


def test_rotate_push_updates_file_and_vault_with_check_and_set(bao, tmp_path: Path) -> None:
    project = project_at(tmp_path, "rot/staging")
    bao.kv2_put("rot/staging", {"jwt_secret": OLD, "other": "kept"})
    result = relay(bao, "rotate", "JWT_SECRET_KEY", "--env", "staging", "--push",
                   "--project", str(project))  # fmt: skip
    assert result.returncode == 0, result.stderr
    new = dotenv_values(project / ".env.staging")["JWT_SECRET_KEY"]
    assert new and new != OLD
    assert bao.cli("kv", "get", "-field=jwt_secret", "secret/rot/staging").stdout == new
    assert bao.cli("kv", "get", "-field=other", "secret/rot/staging").stdout == "kept"
    assert new not in result.stdout + result.stderr


def test_a_failed_push_says_what_changed_and_what_did_not(
    bao, tmp_path: Path, refused_addr: str
) -> None:
    project = project_at(tmp_path, "rot/broken")
    result = relay(bao, "rotate", "JWT_SECRET_KEY", "--env", "staging", "--push",
                   "--project", str(project), extra={"BAO_ADDR": refused_addr})  # fmt: skip
    assert result.returncode == 3
    assert "the file has the new values, but Vault was NOT updated" in result.stderr
    assert "relay-tui vault push --env staging" in result.stderr
    assert dotenv_values(project / ".env.staging")["JWT_SECRET_KEY"] != OLD


def test_a_notebook_rotates_and_pushes_to_vault(bao, tmp_path: Path) -> None:
    project = project_at(tmp_path, "nb/staging")
    bao.kv2_put("nb/staging", {"jwt_secret": OLD})
    (project / "notebooks").mkdir()
    (project / "notebooks" / "rotate.toml").write_text(
        'title = "rotate jwt"\n[[cells]]\ntype = "rotate"\nenv = "staging"\n'
        'keys = ["JWT_SECRET_KEY"]\npush = true\n'
        '[[cells]]\ntype = "vault-push"\nenv = "staging"\n'
    )
    result = relay(bao, "notebook", "run", "rotate", "--project", str(project))
    assert result.returncode == 0, result.stdout + result.stderr
    new = dotenv_values(project / ".env.staging")["JWT_SECRET_KEY"]
    assert new != OLD
    assert bao.cli("kv", "get", "-field=jwt_secret", "secret/nb/staging").stdout == new
    assert "[2] vault-push: ok" in result.stdout and "in sync" in result.stdout
    assert new not in result.stdout + result.stderr
