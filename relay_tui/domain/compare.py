"""Compare two environments key by key: missing on a side, differing, or sharing a value."""

from __future__ import annotations

from typing import NamedTuple

from relay_tui.domain.masking import fingerprint


class KeyDiff(NamedTuple):
    """One key of a comparison; `status` is what a person reads, `drift` whether it matters."""

    key: str
    status: str
    drift: bool


def compare_values(
    a: dict[str, str | None], b: dict[str, str | None], name_a: str, name_b: str, fp_key: bytes
) -> list[KeyDiff]:
    """Every key of either side, in order: missing on one side and shared values are drift."""
    rows: list[KeyDiff] = []
    for name in dict.fromkeys([*a, *b]):
        va, vb = a.get(name), b.get(name)
        if name not in b:
            rows.append(KeyDiff(name, f"missing in {name_b}", True))
        elif name not in a:
            rows.append(KeyDiff(name, f"missing in {name_a}", True))
        elif va is not None and vb is not None and va == vb and va != "":
            rows.append(KeyDiff(name, f"same value ({fingerprint(va, fp_key)})", True))
        else:
            rows.append(KeyDiff(name, "differs" if va != vb else "same (empty)", False))
    return rows
