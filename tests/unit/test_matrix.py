"""The environment matrix: each cell's state from the values, never the values themselves."""

from __future__ import annotations

from pathlib import Path

from relay_tui.project.project import load_project
from relay_tui.rules.matrix import build_matrix

STRONG = "Zx8-1kQ_v7Rp2mN9wL4sT6yB3cF5hJ0dG"


def test_each_state(project: Path) -> None:
    matrix = build_matrix(
        load_project(project),
        {
            "development": {
                "ENVIRONMENT": "development",
                "JWT_SECRET_KEY": STRONG,
                "SESSION_SECRET": "change-me-in-production",
                "DATABASE_URL": "postgresql://relay:<password>@localhost:5432/relay",
                "DATABASE_PASSWORD": "",
            },
            "production": {"JWT_SECRET_KEY": STRONG, "SESSION_SECRET": STRONG + "x"},
        },
    )
    dev = {k: matrix.state(k, "development") for k in matrix.keys}
    assert dev["ENVIRONMENT"] == "set"  # not a secret: never a "default"
    assert dev["JWT_SECRET_KEY"] == "reused" == matrix.state("JWT_SECRET_KEY", "production")
    assert dev["SESSION_SECRET"] == "default"
    assert dev["DATABASE_URL"] == "placeholder"
    assert dev["DATABASE_PASSWORD"] == "empty"
    assert dev["STRIPE_SECRET_KEY"] == "missing"
    assert matrix.state("SESSION_SECRET", "production") == "set"
    assert matrix.keys[:3] == ["ENVIRONMENT", "HOST", "PORT"]  # template order first
    assert STRONG not in repr(matrix)
