"""Masking and display-safe text: nothing a terminal would act on gets through."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from relay_tui.domain.masking import MASK, fingerprint, mask, safe_text

DANGEROUS = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u200e\u200f]")


@given(st.text())
def test_safe_text_never_contains_control_or_bidi_characters(text: str) -> None:
    assert DANGEROUS.search(safe_text(text)) is None


def test_escape_sequences_are_shown_literally() -> None:
    osc52 = "\x1b]52;c;ZXZpbA==\x07"
    assert safe_text(osc52) == "\\e]52;c;ZXZpbA==\\x07"
    assert safe_text("a\u202eb") == "a\\u202eb"
    assert safe_text("[/] [@click=app.quit]x") == "[/] [@click=app.quit]x"


def test_mask_hides_length() -> None:
    assert mask("a") == mask("a" * 500) == MASK
    assert mask("") == "(empty)" and mask(None) == "(no value)"


def test_fingerprint_is_keyed_and_stable() -> None:
    key = b"k" * 32
    assert fingerprint("v", key) == fingerprint("v", key)
    assert fingerprint("v", key) != fingerprint("v", b"x" * 32)
    assert fingerprint("v", key) != fingerprint("w", key)
    assert re.fullmatch(r"fp:[0-9a-f]{12}", fingerprint("v", key))
