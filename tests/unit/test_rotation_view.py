"""The rotation view's rows (age against cadence, state, order) and its bars, without Textual."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

from relay_tui.infra.ledger import record
from relay_tui.project.envfile import EnvFile
from relay_tui.project.project import load_project
from relay_tui.rules.rotation import dates_for, rotation_findings
from relay_tui.rules.rotation_view import (
    RotationRow,
    age_text,
    bar,
    bar_text,
    detail_line,
    rotation_rows,
    rotation_state,
    state_counts,
    summary_line,
)

TODAY = datetime.date(2030, 6, 1)
ENV = (
    "OLD_PASSWORD=value-one\nNEAR_PASSWORD=value-two\nNEW_PASSWORD=value-three\n"
    "UNDATED_PASSWORD=value-four\nEMPTY_PASSWORD=\nPORT=8000\n"
)


def days_ago(days: int) -> datetime.date:
    return TODAY - datetime.timedelta(days=days)


@pytest.fixture
def dated(project: Path) -> Path:
    """A development file of 180-day passwords rotated 200, 170 and 10 days ago, and one never."""
    (project / ".env").write_text(ENV)
    record(project, "development", ["OLD_PASSWORD"], days_ago(200))
    record(project, "development", ["NEAR_PASSWORD"], days_ago(170))
    record(project, "development", ["NEW_PASSWORD"], days_ago(10))
    record(project, "development", ["EMPTY_PASSWORD"], days_ago(500))  # no value: not shown
    return project


def rows_of(root: Path, env: str = "development") -> list[RotationRow]:
    project = load_project(root)
    environment = project.environment(env)
    return rotation_rows(project, environment, dates_for(project, environment), TODAY)


def test_each_key_with_a_value_and_a_cadence_gets_its_age_and_state(dated: Path) -> None:
    rows = rows_of(dated)
    assert [(r.key, r.state, r.age_days, r.cadence_days) for r in rows] == [
        ("OLD_PASSWORD", "overdue", 200, 180),
        ("NEAR_PASSWORD", "due", 170, 180),
        ("UNDATED_PASSWORD", "unknown", None, 180),
        ("NEW_PASSWORD", "ok", 10, 180),
    ]
    assert rows[0].last == days_ago(200) and rows[2].last is None
    assert [r.days_left for r in rows] == [-20, 10, None, 170]


def test_states_agree_with_the_validation_findings(dated: Path) -> None:
    project = load_project(dated)
    env = project.environment("development")
    dates = dates_for(project, env)
    envfile = EnvFile.load(env.file)
    findings = rotation_findings(envfile, env.name, ".env", project.specs, dates, TODAY)
    codes = {f.key: f.code.removeprefix("rotation-") for f in findings}
    states = {r.key: r.state for r in rotation_rows(project, env, dates, TODAY) if r.state != "ok"}
    assert states == codes


def test_the_state_thresholds() -> None:
    assert rotation_state(None, 90) == "unknown"
    assert rotation_state(91, 90) == "overdue"
    assert rotation_state(90, 90) == "due"
    assert rotation_state(76, 90) == "due"  # 14 days left
    assert rotation_state(75, 90) == "ok"


def test_most_urgent_first_within_each_state(project: Path) -> None:
    (project / ".env").write_text(
        "A_PASSWORD=1\nB_PASSWORD=2\nC_PASSWORD=3\nD_PASSWORD=4\nE_PASSWORD=5\nF_PASSWORD=6\n"
        "JWT_SECRET_KEY=7\n"
    )
    ages = {"A_PASSWORD": 190, "B_PASSWORD": 250, "C_PASSWORD": 175, "D_PASSWORD": 170}
    ages |= {"E_PASSWORD": 20, "F_PASSWORD": 100, "JWT_SECRET_KEY": 60}
    for key, age in ages.items():
        record(project, "development", [key], days_ago(age))
    order = [(r.key, r.state) for r in rows_of(project)]
    assert order == [
        ("B_PASSWORD", "overdue"),  # 70 days past
        ("A_PASSWORD", "overdue"),  # 10 days past
        ("C_PASSWORD", "due"),  # 5 days left
        ("D_PASSWORD", "due"),  # 10 days left
        ("JWT_SECRET_KEY", "ok"),  # 60 of 90 days
        ("F_PASSWORD", "ok"),  # 100 of 180 days
        ("E_PASSWORD", "ok"),
    ]


def test_cadences_come_from_relay_toml_and_given_keys_replace_the_file(dated: Path) -> None:
    (dated / "relay.toml").write_text("[secrets.NEW_PASSWORD]\nrotate_days = 12\n")
    project = load_project(dated)
    env = project.environment("development")
    rows = rotation_rows(project, env, dates_for(project, env), TODAY, keys=["NEW_PASSWORD"])
    assert rows == [RotationRow("NEW_PASSWORD", 12, days_ago(10), 10, "due")]
    missing = project.environment("staging")
    assert rotation_rows(project, missing, {}, TODAY) == []  # no file: no rows


def test_bar_sizes() -> None:
    assert bar(None, 180, 30) == (0, 24)  # the cadence ends 4/5 along
    assert bar(0, 180, 30) == (0, 24)
    assert bar(1, 180, 30) == (1, 24)  # any age shows
    assert bar(90, 180, 30) == (12, 24)
    assert bar(180, 180, 30) == (24, 24)
    assert bar(181, 180, 30) == (25, 24)  # one day past fills past the mark
    assert bar(200, 180, 30) == (27, 24)
    assert bar(5000, 180, 30) == (30, 24)  # capped at the width
    assert bar(-3, 90, 30) == (0, 24)  # a date in the future
    assert bar(10, 90, 0) == (0, 0)
    assert bar(170, 180, 10) == (8, 8)


def test_bar_text() -> None:
    assert bar_text(90, 180, 10) == "████░░░░│░"
    assert bar_text(180, 180, 10) == "████████│░"
    assert bar_text(200, 180, 10) == "█████████░"
    assert bar_text(None, 180, 5) == "░░░░│"
    assert all(len(bar_text(age, 90, 30)) == 30 for age in (None, 0, 45, 90, 100, 9000))


def test_texts_name_keys_and_numbers_only() -> None:
    rows = [
        RotationRow("OLD_PASSWORD", 180, days_ago(200), 200, "overdue"),
        RotationRow("NEAR_PASSWORD", 180, days_ago(170), 170, "due"),
        RotationRow("UNDATED_PASSWORD", 180, None, None, "unknown"),
    ]
    assert [age_text(r) for r in rows] == ["200/180 d", "170/180 d", "unknown"]
    assert state_counts(rows) == {"overdue": 1, "due": 1, "unknown": 1, "ok": 0}
    line = summary_line("production", rows)
    assert line == "production · dates: ledger · 1 overdue · 1 due · 1 unknown · 0 ok"
    assert "20 day(s) past its 180-day cadence" in detail_line(rows[0], "production")
    assert "due in 10 day(s)" in detail_line(rows[1], "production")
    unknown = detail_line(rows[2], "production")
    assert "no rotation date" in unknown
    assert unknown.endswith("relay-tui rotate UNDATED_PASSWORD --env production")
