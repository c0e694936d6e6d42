"""The Generate pane's parts: the kind form, value summaries, the generate-env plan, a key name."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Checkbox, Input, Label, Select, Static

from relay_tui.domain.defaults import is_default_secret, looks_like_placeholder
from relay_tui.domain.dotenv_codec import KEY_RE
from relay_tui.domain.generate import KINDS, GenerateOptions, estimate_bits
from relay_tui.domain.masking import safe_text
from relay_tui.errors import UsageError
from relay_tui.project.specs import SecretSpec, spec_for
from relay_tui.project.template import ENVIRONMENT_KEYS, FillResult
from relay_tui.ui.safe import plain
from relay_tui.ui.widgets.grid import Column, Grid, Row

# The options worth offering for each kind (core refuses the others by name).
KIND_OPTIONS: dict[str, tuple[str, ...]] = {
    "token": ("nbytes",),
    "hex": ("nbytes",),
    "password": ("length", "symbols"),
    "signing-key": ("nbytes",),
    "api-key": ("prefix", "nbytes"),
    "rsa": ("bits",),
}
OPTION_LABELS = {"nbytes": "bytes", "length": "length", "prefix": "prefix", "bits": "bits"}
PLACEHOLDERS = {"nbytes": "32", "length": "32", "prefix": "none", "bits": "2048"}
PEM_SECURITY = {"ed25519": 128, "ec-p256": 128, "tls-cert": 128}
PLAN_COLUMNS = [Column("KEY", 26), Column("WHAT GENERATE-ENV DOES", 0)]
GENERATED, NEEDS, KEPT, TEMPLATE_VALUE = "accent", "warning", "ok", "dim"  # row styles


def read_options(kind: str, texts: dict[str, str], symbols: bool) -> GenerateOptions:
    """The keyword options for `generate(kind, ...)` from the form's fields (blank: default)."""
    applies = KIND_OPTIONS.get(kind, ())
    options: GenerateOptions = {}
    if "nbytes" in applies and (nbytes := _number("nbytes", texts)) is not None:
        options["nbytes"] = nbytes
    if "length" in applies and (length := _number("length", texts)) is not None:
        options["length"] = length
    if "bits" in applies and (bits := _number("bits", texts)) is not None:
        options["bits"] = bits
    prefix = texts.get("prefix", "").strip()
    if "prefix" in applies and prefix:
        options["prefix"] = prefix
    if "symbols" in applies and symbols:
        options["symbols"] = True
    return options


def _number(name: str, texts: dict[str, str]) -> int | None:
    text = texts.get(name, "").strip()
    if not text:
        return None
    try:
        return int(text)
    except ValueError:
        label = OPTION_LABELS[name]
        raise UsageError(f"{label} must be a whole number; got {safe_text(text)!r}") from None


class KindForm(Horizontal):
    """One line: the kind, and the options that apply to it (the others are hidden)."""

    DEFAULT_CSS = """
    KindForm { height: 1; }
    KindForm Label { width: auto; color: $text-muted; }
    KindForm #gen-kind { width: 17; }
    KindForm #gen-kind:focus > SelectCurrent, KindForm Input:focus { background: $primary 40%; }
    KindForm #gen-kind > SelectOverlay { border: round $primary !important; }
    KindForm .gen-opt { width: auto; height: 1; }
    KindForm .gen-opt Input { width: 8; }
    KindForm .gen-opt #in-prefix { width: 16; }
    """

    def __init__(self, kind: str) -> None:
        super().__init__(id="gen-form")
        self.kind = kind

    def compose(self) -> ComposeResult:
        yield Label("kind ")
        choices = [(kind, kind) for kind in KINDS]
        yield Select(choices, value=self.kind, allow_blank=False, compact=True, id="gen-kind")
        for name, label in OPTION_LABELS.items():
            with Horizontal(classes="gen-opt", id=f"opt-{name}"):
                yield Label(f"  {label} ")
                yield Input(
                    placeholder=PLACEHOLDERS[name],
                    type="text" if name == "prefix" else "integer",
                    compact=True,
                    id=f"in-{name}",
                    max_length=40,
                )
        with Horizontal(classes="gen-opt", id="opt-symbols"):
            yield Label("  ")
            yield Checkbox("symbols", compact=True, id="in-symbols")

    def show_kind(self, kind: str) -> None:
        """Show the options of `kind` only."""
        self.kind = kind
        applies = KIND_OPTIONS.get(kind, ())
        for name in (*OPTION_LABELS, "symbols"):
            self.query_one(f"#opt-{name}").display = name in applies

    def options(self) -> GenerateOptions:
        """The options as typed; a bad one raises UsageError with the core's wording."""
        texts = {name: self.query_one(f"#in-{name}", Input).value for name in OPTION_LABELS}
        return read_options(self.kind, texts, self.query_one("#in-symbols", Checkbox).value)


def length_class(value: str) -> str:
    """A coarse length ("32–63 chars", "PEM, 5 lines") that does not give the exact length."""
    if value.startswith("-----BEGIN"):
        return f"PEM, {value.count(chr(10)) or 1} lines"
    size = len(value)
    for low, high in ((0, 15), (16, 31), (32, 63), (64, 127)):
        if size <= high:
            return f"{low}–{high} chars" if low else f"under {high + 1} chars"
    return "128 chars or more"


def summary(kind: str, value: str, bits: int | None = None) -> str:
    """Strength and length class of a generated value; never the value."""
    if kind == "rsa":
        size = bits or 2048
        security = 112 if size < 3072 else 128 if size < 7680 else 192
        return f"RSA {size} key, ~{security}-bit security · {length_class(value)}"
    if kind in PEM_SECURITY:
        return f"~{PEM_SECURITY[kind]}-bit security · {length_class(value)}"
    return f"~{estimate_bits(value):.0f} bits (estimated) · {length_class(value)}"


def _is_set(value: str | None) -> bool:
    if not value:
        return False
    return not looks_like_placeholder(value) and not is_default_secret(value)


def plan_rows(
    result: FillResult,
    specs: dict[str, SecretSpec],
    values: dict[str, str | None],
    environment: str | None,
    file_name: str,
) -> list[Row]:
    """One row per template key saying what generate-env would do; never a value.

    Keys already set in `values` (the existing file; not a placeholder or default) are kept.
    """
    needs = {spec.key for spec in result.needs_value}
    generated = set(result.generated)
    rows: list[Row] = []
    for key in result.envfile.keys():
        spec = spec_for(specs, key)
        current = values.get(key)
        if _is_set(current):
            text, style = f"kept (set in {file_name})", KEPT
        elif key in generated:
            text, style = f"generated ({spec.kind})", GENERATED
            if current:
                text += ", replacing a placeholder or default"
        elif key in needs:
            optional = "" if spec.required else " (optional)"
            text, style = f"needs a value{optional}: {spec.help or spec.kind}", NEEDS
        elif key in ENVIRONMENT_KEYS and environment and not spec.is_secret:
            text, style = f"set to {environment}", TEMPLATE_VALUE
        elif spec.template_value:
            what = "default" if spec.kind == "plain" else f"{spec.kind} value"
            text, style = f"{what} from the template", TEMPLATE_VALUE
        else:
            text, style = "left empty, as in the template", TEMPLATE_VALUE
        rows.append(Row(key, (safe_text(key), safe_text(text)), ("", style)))
    return rows


class PlanView(Vertical):
    """What --generate-env would do for one environment: a title, one row per key, details."""

    DEFAULT_CSS = """
    PlanView { height: 1fr; }
    PlanView #gen-plan-title { height: 1; margin-top: 1; text-style: bold;
                               text-wrap: nowrap; text-overflow: ellipsis; }
    """

    def __init__(self) -> None:
        super().__init__(id="gen-plan-view")
        self.specs: dict[str, SecretSpec] = {}

    def compose(self) -> ComposeResult:
        yield Static(id="gen-plan-title")
        yield Grid(id="gen-plan")
        yield Static(id="gen-plan-detail", classes="detail")

    @property
    def grid(self) -> Grid:
        return self.query_one("#gen-plan", Grid)

    def show(self, title: str, rows: list[Row], specs: dict[str, SecretSpec]) -> None:
        """Show `rows` under `title` with counts, keeping the cursor on the same key."""
        self.specs = specs
        keep = self.grid.current.key if self.grid.current else None
        self.grid.set_data(PLAN_COLUMNS, rows, keep)
        if rows:
            made = sum(r.styles[1] == GENERATED for r in rows)
            needed = sum(r.styles[1] == NEEDS for r in rows)
            title += f": {made} generated · {needed} need a value"
        self.query_one("#gen-plan-title", Static).update(plain(title))
        self.show_detail()

    def on_grid_highlighted(self, event: Grid.Highlighted) -> None:
        self.show_detail()

    def show_detail(self) -> None:
        """The highlighted key's kind and the full text of its row."""
        row = self.grid.current
        detail = self.query_one("#gen-plan-detail", Static)
        if row is None:
            detail.update("")
            return
        spec = spec_for(self.specs, row.key)
        head = f"{row.key} · {spec.kind} · {'required' if spec.required else 'optional'}"
        detail.update(Text("\n").join([plain(head), plain(row.cells[1])]))


def key_choices(
    values: dict[str, str | None], specs: dict[str, SecretSpec], new: tuple[str, str]
) -> list[tuple[str, str]]:
    """Choices for inserting a value: `new` first, the env's keys, then the template's others."""
    choices = [new]
    for key in [*values, *(k for k in specs if k not in values)]:
        state = "set" if values.get(key) else "empty" if key in values else "not in the file"
        choices.append((key, f"{key} · {spec_for(specs, key).kind} · {state}"))
    return choices


class KeyNameScreen(ModalScreen[str | None]):
    """Ask for a new key's name; enter accepts, escape cancels."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "dismiss(None)", "Cancel")]

    def __init__(self, title: str) -> None:
        super().__init__()
        self.title_text = title

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(plain(self.title_text), classes="question")
            yield Input(id="key-name", placeholder="KEY_NAME", max_length=200)
            yield Static("enter accepts · esc cancels", classes="hint")

    def on_mount(self) -> None:
        self.query_one("#key-name").focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        name = event.value.strip()
        if KEY_RE.match(name):
            self.dismiss(name)
        else:
            self.notify(f"{safe_text(name)!r} is not a key name: use letters, digits and _",
                        severity="error", markup=False)  # fmt: skip
