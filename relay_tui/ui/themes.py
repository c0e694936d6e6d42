"""Themes: validated TOML files of Textual Theme fields, shipped and per-user, and the pick."""

from __future__ import annotations

import json
import re
import tomllib
from functools import cache
from pathlib import Path
from typing import Any, NamedTuple

from textual.color import Color, ColorParseError
from textual.css.constants import VALID_STYLE_FLAGS
from textual.design import ColorSystem
from textual.theme import BUILTIN_THEMES, Theme

import relay_tui
from relay_tui import paths
from relay_tui.ui import config

DEFAULT_THEME = "relay-dark"
MAX_THEME_BYTES = 64 * 1024

# The app's CSS variables and their values when a theme sets none: mid tones for dark and light.
APP_VARIABLE_DEFAULTS: dict[str, str] = {
    "secret-masked": "#808080",
    "finding-error": "#d7373f",
    "finding-warning": "#b8860b",
    "finding-info": "#2f80c8",
    "badge-readonly": "#6a4fb8",
    "badge-protected": "#b3261e",
    "cell-set": "#2e9958",
    "cell-missing": "#d7373f",
    "cell-placeholder": "#b8860b",
    "cell-default": "#808080",
    "cell-reused": "#9b59b6",
    "rotation-ok": "#2e9958",
    "rotation-due": "#b8860b",
    "rotation-overdue": "#d7373f",
    "rotation-unknown": "#808080",
}

COLOUR_FIELDS: tuple[str, ...] = ("primary", "secondary", "accent", "foreground", "background")
COLOUR_FIELDS += ("surface", "panel", "boost", "warning", "error", "success")
FLAG_FIELDS = ("dark", "ansi")
NUMBER_FIELDS = ("luminosity_spread", "text_alpha")
FIELDS = ("name", *COLOUR_FIELDS, *FLAG_FIELDS, *NUMBER_FIELDS, "variables")
_NAME = re.compile(r"[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*\Z")
_ANSI_VARIABLES = {  # as in Textual's own ansi-dark and ansi-light themes
    True: {"ansi-background": "ansi_black", "ansi-foreground": "ansi_white"},
    False: {"ansi-background": "ansi_white", "ansi-foreground": "ansi_black"},
}
_ALPHA = re.compile(r"(?:100|[0-9]{1,2})(?:\.[0-9]+)?%\Z")


class ThemeLoad(NamedTuple):
    """The themes that loaded (shipped, then the user's) and one problem per skipped file."""

    themes: list[Theme]
    problems: list[str]


def shipped_dir() -> Path:
    """The shipped themes: inside the package in a wheel, else the repository's themes/."""
    package = Path(relay_tui.__file__).resolve().parent
    inside = package / "themes"
    return inside if inside.is_dir() else package.parent / "themes"


def load_themes(user_dir: Path | None = None) -> ThemeLoad:
    """Load shipped themes, then the user's (same name replaces); broken files are skipped."""
    found: dict[str, Theme] = {}
    problems: list[str] = []
    folders = [(shipped_dir(), True), (user_dir or paths.config_dir() / "themes", False)]
    for folder, shipped in folders:
        seen: dict[str, str] = {}
        try:
            files = sorted(p for p in folder.iterdir() if p.suffix == ".toml" and p.name[0] != ".")
        except OSError as exc:  # a user who has no themes folder is fine; anything else is said
            if shipped or not isinstance(exc, FileNotFoundError):
                problems.append(f"{_label(folder, shipped)}: cannot be listed ({exc.strerror})")
            continue
        for path in files:
            shown = _label(path, shipped)
            try:
                theme = read_theme(path)
                if theme.name in seen:
                    raise ValueError(f'name "{theme.name}" is already used by {seen[theme.name]}')
            except ValueError as exc:
                problems.append(f"{shown}: {exc}")
                continue
            seen[theme.name] = shown
            found[theme.name] = theme
    return ThemeLoad(list(found.values()), problems)


def read_theme(path: Path) -> Theme:
    """One theme file as a Theme; raises ValueError saying which field is wrong and how."""
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_THEME_BYTES + 1)
    except OSError as exc:
        raise ValueError(f"cannot be read ({exc.strerror or exc})") from None
    if len(raw) > MAX_THEME_BYTES:
        raise ValueError(f"is larger than {MAX_THEME_BYTES // 1024} KiB")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ValueError(f"is not UTF-8 (byte {exc.start} is 0x{raw[exc.start]:02x})") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"is not valid TOML: {exc}") from None
    return Theme(**_checked(data))


def pick_theme(requested: str | None, load: ThemeLoad) -> tuple[Theme, str | None]:
    """The theme to start with: --theme, else the remembered one, else relay-dark; and a notice."""
    known = {**BUILTIN_THEMES, **{theme.name: theme for theme in load.themes}}
    notes: list[str] = []
    name, source = requested, ""
    if name is None:
        settings, problem = config.read_config()
        notes += [problem] if problem else []
        remembered = settings.get("theme")
        name = remembered if isinstance(remembered, str) else None
        source = " (remembered in config.toml)"
    fallback = known.get(DEFAULT_THEME, BUILTIN_THEMES["textual-dark"])
    if name is not None and name not in known:
        ours = [theme.name for theme in load.themes]
        names = ", ".join([*ours, *(n for n in BUILTIN_THEMES if n not in ours)])
        notes.append(f"no theme named {_show(name)}{source}; using {fallback.name}; have: {names}")
    return known.get(name or "", fallback), "; ".join(notes) or None


def _checked(data: dict[str, Any]) -> dict[str, Any]:
    for key, value in data.items():
        if key not in FIELDS:
            raise ValueError(f"unknown field {_show(key)} (fields: {', '.join(FIELDS)})")
        if key == "name" and not (isinstance(value, str) and _NAME.match(value)):
            raise ValueError(f"name {_show(value)} must be letters, digits and dashes")
        if key in COLOUR_FIELDS and not _is_colour(value):
            raise ValueError(f"{key} {_show(value)} is not a colour")
        if key in FLAG_FIELDS and not isinstance(value, bool):
            raise ValueError(f"{key} {_show(value)} must be true or false")
        if key in NUMBER_FIELDS and (isinstance(value, bool) or not isinstance(value, int | float)):
            raise ValueError(f"{key} {_show(value)} must be a number")
    for key in ("name", "primary"):
        if key not in data:
            raise ValueError(f"{key} is missing")
    variables = data.setdefault("variables", {})
    if not isinstance(variables, dict):
        raise ValueError(f"variables {_show(variables)} must be a table")
    for key, value in variables.items():
        _check_variable(key, value)
    if data.get("ansi"):  # Textual's widget CSS needs these two; its ANSI colours leave them out
        data["variables"] = {**_ANSI_VARIABLES[data.get("dark", True)], **variables}
    return data


def _check_variable(key: str, value: Any) -> None:
    if key not in APP_VARIABLE_DEFAULTS and key not in _textual_variables():
        raise ValueError(f"variables: unknown variable {_show(key)}")
    if not isinstance(value, str):
        raise ValueError(f"variables: {key} {_show(value)} must be a string")
    if key.endswith("-style"):
        if not value.split() or not set(value.split()) <= VALID_STYLE_FLAGS:
            raise ValueError(f"variables: {key} {_show(value)} is not a text style")
        return
    colour, alpha = value.strip(), ""
    head, _, tail = colour.rpartition(" ")
    if head and tail.endswith("%"):  # "COLOUR 50%", as Textual's own variables allow
        colour, alpha = head.strip(), tail
    if (alpha and not _ALPHA.match(alpha)) or (colour != "auto" and not _is_colour(colour)):
        raise ValueError(f"variables: {key} {_show(value)} is not a colour")


def _is_colour(value: Any) -> bool:
    try:
        return isinstance(value, str) and bool(Color.parse(value))
    except ColorParseError:
        return False


@cache
def _textual_variables() -> frozenset[str]:
    """Names of Textual's own theme variables, which a theme's [variables] may also set."""
    plain = ColorSystem(primary="#808080").generate()
    ansi = ColorSystem(primary="ansi_blue", ansi=True).generate()
    return frozenset(plain) | frozenset(ansi)


def _show(value: Any) -> str:
    shown = json.dumps(value, ensure_ascii=False, default=str)
    return shown if len(shown) <= 60 else shown[:57] + "..."


def _label(path: Path, shipped: bool) -> str:
    if shipped:
        return f"themes/{path.name}" if path.suffix else "themes"
    home = Path.home()
    return f"~/{path.relative_to(home).as_posix()}" if path.is_relative_to(home) else str(path)
