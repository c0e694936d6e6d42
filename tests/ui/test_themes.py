"""Themes and the user's config: shipped themes, user overrides, broken files, the pick."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from textual.app import App, ComposeResult
from textual.color import Color
from textual.widgets import Static

from relay_tui import paths
from relay_tui.errors import ConfigurationError, RefusedError
from relay_tui.ui import config
from relay_tui.ui.themes import (
    APP_VARIABLE_DEFAULTS,
    ThemeLoad,
    load_themes,
    pick_theme,
    shipped_dir,
)

SHIPPED = ("relay-dark", "relay-light", "relay-ansi")
GOOD = 'name = "mine"\nprimary = "#336699"\n'


def user_dir() -> Path:
    folder = paths.config_dir() / "themes"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def contrast(one: str, two: str) -> float:
    """WCAG contrast ratio of two colours."""

    def luminance(text: str) -> float:
        colour = Color.parse(text)
        channels = [c / 255 for c in (colour.r, colour.g, colour.b)]
        r, g, b = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    low, high = sorted([luminance(one), luminance(two)])
    return (high + 0.05) / (low + 0.05)


def test_shipped_themes_load_cleanly_and_set_every_app_variable() -> None:
    load = load_themes()
    assert load.problems == []
    themes = {theme.name: theme for theme in load.themes}
    assert set(SHIPPED) <= set(themes)
    for name in SHIPPED:
        assert set(themes[name].variables) >= set(APP_VARIABLE_DEFAULTS), name
    assert {path.name for path in shipped_dir().glob("*.toml")} == {f"{n}.toml" for n in SHIPPED}
    for value in APP_VARIABLE_DEFAULTS.values():  # the fallbacks are plain colours
        assert Color.parse(value) and not value.startswith("ansi_")


def test_dark_and_light_are_readable_and_ansi_uses_only_terminal_colours() -> None:
    themes = {theme.name: theme for theme in load_themes().themes}
    for name in ("relay-dark", "relay-light"):
        theme = themes[name]
        assert theme.foreground and theme.background
        assert contrast(theme.foreground, theme.background) >= 7, name
        assert theme.dark is (name == "relay-dark")
    ansi = themes["relay-ansi"]
    assert ansi.ansi
    colours = [getattr(ansi, f) for f in ("primary", "secondary", "accent", "foreground")]
    colours += [ansi.background, ansi.warning, ansi.error, ansi.success, *ansi.variables.values()]
    assert all(isinstance(c, str) and c.startswith("ansi_") for c in colours), colours


def test_a_user_theme_replaces_the_shipped_one_with_its_name() -> None:
    (user_dir() / "dark.toml").write_text('name = "relay-dark"\nprimary = "#ff0000"\n')
    (user_dir() / "extra.toml").write_text(GOOD)
    load = load_themes()
    assert load.problems == []
    themes = {theme.name: theme for theme in load.themes}
    assert themes["relay-dark"].primary == "#ff0000"
    assert "mine" in themes
    assert [t.name for t in load.themes].count("relay-dark") == 1


def test_an_explicit_user_dir_is_used_and_may_be_missing(tmp_path: Path) -> None:
    (tmp_path / "mine.toml").write_text(GOOD)
    assert "mine" in {theme.name for theme in load_themes(tmp_path).themes}
    assert load_themes(tmp_path / "nowhere") == load_themes(paths.config_dir() / "nowhere")
    assert load_themes(tmp_path / "nowhere").problems == []


BROKEN = {
    "bad-toml.toml": (b'name = "x"\nprimary = \n', "not valid TOML"),
    "bad-colour.toml": (b'name = "x"\nprimary = "#zz0000"\n', 'primary "#zz0000" is not a colour'),
    "unknown.toml": (b'name = "x"\nprimary = "red"\ncolour = "red"\n', 'unknown field "colour"'),
    "wrong-type.toml": (b'name = "x"\nprimary = "red"\ndark = "yes"\n', 'dark "yes" must be true'),
    "no-name.toml": (b'primary = "red"\n', "name is missing"),
    "bad-name.toml": (b'name = "my theme"\nprimary = "red"\n', 'name "my theme" must be letters'),
    "latin1.toml": (b'name = "caf\xe9"\nprimary = "red"\n', "is not UTF-8"),
    "bad-var.toml": (b'name = "x"\nprimary = "red"\n[variables]\ncell-set = "nope"\n', "cell-set"),
    "odd-var.toml": (b'name = "x"\nprimary = "red"\n[variables]\nmy-var = "red"\n', '"my-var"'),
    "var-type.toml": (b'name = "x"\nprimary = "red"\nvariables = 3\n', "must be a table"),
}


@pytest.mark.parametrize("filename", sorted(BROKEN))
def test_a_broken_theme_is_skipped_with_one_problem_naming_the_file(filename: str) -> None:
    content, expected = BROKEN[filename]
    (user_dir() / filename).write_bytes(content)
    (user_dir() / "good.toml").write_text(GOOD)
    load = load_themes()
    assert len(load.problems) == 1, load.problems
    problem = load.problems[0]
    assert filename in problem and expected in problem, problem
    names = {theme.name for theme in load.themes}
    assert "x" not in names and {"mine", *SHIPPED} <= names


def test_unreadable_theme_files_are_skipped() -> None:
    (user_dir() / "folder.toml").mkdir()
    (user_dir() / "locked.toml").write_text(GOOD)
    (user_dir() / "locked.toml").chmod(0)  # root reads it anyway
    problems = load_themes().problems
    assert [p for p in problems if "folder.toml: cannot be read" in p] == [problems[0]]
    assert len(problems) == (1 if os.geteuid() == 0 else 2)
    assert os.geteuid() == 0 or "locked.toml: cannot be read" in problems[1]


def test_two_user_files_with_one_name_keep_the_first() -> None:
    (user_dir() / "a.toml").write_text(GOOD)
    (user_dir() / "b.toml").write_text(GOOD.replace("#336699", "#000000"))
    load = load_themes()
    assert len(load.problems) == 1 and "b.toml" in load.problems[0]
    assert next(t for t in load.themes if t.name == "mine").primary == "#336699"


def test_variables_may_carry_alpha_and_textual_variables() -> None:
    body = GOOD + '[variables]\nsecret-masked = "auto 60%"\nborder = "ansi_blue"\n'
    (user_dir() / "v.toml").write_text(body + 'link-style = "bold underline"\n')
    load = load_themes()
    assert load.problems == []


def test_config_round_trips_keeping_other_keys() -> None:
    assert config.read_config() == ({}, None)
    assert config.chosen_theme() is None
    config.config_path().parent.mkdir(parents=True, exist_ok=True)
    config.config_path().write_text('editor = "vim"\n[pane]\nwidth = 40\n')
    config.remember_theme("relay-light")
    config.remember_theme("relay-ansi")
    data, problem = config.read_config()
    assert problem is None
    assert data == {"editor": "vim", "pane": {"width": 40}, "theme": "relay-ansi"}
    assert config.chosen_theme() == "relay-ansi"
    assert stat.S_IMODE(config.config_path().stat().st_mode) == 0o600
    assert [p.name for p in config.config_path().parent.iterdir()] == ["config.toml"]


def test_config_is_written_0600_and_never_through_a_link(tmp_path: Path) -> None:
    config.remember_theme("relay-light")
    path = config.config_path()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    dotfile = tmp_path / "dotfiles-config.toml"
    dotfile.write_text('theme = "relay-dark"\n')
    path.unlink()
    path.symlink_to(dotfile)
    with pytest.raises(RefusedError, match="symbolic link"):
        config.remember_theme("relay-ansi")
    assert path.is_symlink() and dotfile.read_text() == 'theme = "relay-dark"\n'
    assert [p.name for p in path.parent.iterdir()] == ["config.toml"]


def test_a_broken_config_reads_as_empty_and_is_not_overwritten() -> None:
    config.config_path().parent.mkdir(parents=True, exist_ok=True)
    config.config_path().write_text("theme = \n")
    data, problem = config.read_config()
    assert data == {} and problem and "config.toml" in problem
    with pytest.raises(ConfigurationError):
        config.remember_theme("relay-dark")
    assert config.config_path().read_text() == "theme = \n"


def test_pick_prefers_the_request_then_the_remembered_then_relay_dark() -> None:
    load = load_themes()
    assert pick_theme(None, load)[0].name == "relay-dark"
    config.remember_theme("relay-light")
    assert pick_theme(None, load) == (pick_theme("relay-light", load)[0], None)
    assert pick_theme("relay-ansi", load)[0].name == "relay-ansi"
    assert pick_theme("nord", load)[0].name == "nord"  # Textual's own themes are there too


def test_an_unknown_theme_falls_back_naming_the_themes_there_are() -> None:
    theme, message = pick_theme("nope", load_themes())
    assert theme.name == "relay-dark"
    assert message and '"nope"' in message
    assert all(name in message for name in SHIPPED)
    config.remember_theme("gone")
    theme, message = pick_theme(None, load_themes())
    assert theme.name == "relay-dark" and message and "remembered" in message


def test_pick_without_any_themes_still_returns_one() -> None:
    theme, message = pick_theme(None, ThemeLoad([], []))
    assert theme.name == "textual-dark" and message is None


class Probe(App[None]):
    """A tiny app whose CSS uses the app's own theme variables."""

    CSS = "#masked { color: $secret-masked; background: $badge-readonly; }"

    def get_theme_variable_defaults(self) -> dict[str, str]:
        return APP_VARIABLE_DEFAULTS

    def compose(self) -> ComposeResult:
        yield Static("••••", id="masked")


@pytest.mark.parametrize("name", [*SHIPPED, "textual-light", "my-ansi"])
async def test_themes_work_in_a_textual_app(name: str) -> None:
    ansi = 'name = "my-ansi"\nansi = true\ndark = false\nprimary = "ansi_blue"\n'
    (user_dir() / "my-ansi.toml").write_text(ansi)  # Textual's ansi-* variables are filled in
    app = Probe()
    async with app.run_test() as pilot:
        for theme in load_themes().themes:
            app.register_theme(theme)
        app.theme = name
        await pilot.pause()
        assert app.theme == name
        expected = app.theme_variables["secret-masked"]
        shown = app.query_one("#masked").styles.color
        assert shown == Color.parse(expected)
        assert app.native_ansi_color is name.endswith("ansi")
        if name in SHIPPED:
            assert expected == app.get_theme(name).variables["secret-masked"]  # type: ignore[union-attr]
        else:
            assert expected == APP_VARIABLE_DEFAULTS["secret-masked"]
