"""Secret generation vs the raw `secrets` / `cryptography` calls (paired, in-process).

Run from the repo root: PYTHONPATH=. .venv/bin/python bench/bench_generate.py [--quick]
"""

from __future__ import annotations

import secrets
import sys
from functools import partial

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from cryptography.hazmat.primitives.asymmetric.types import PrivateKeyTypes
from timing import make_row, paired, print_table, save

from relay_tui.domain.generate import generate, generate_many

QUICK = "--quick" in sys.argv
N = 10_000


def pem(key: PrivateKeyTypes) -> bytes:
    """The same output relay-tui produces: PKCS8 PEM, unencrypted."""
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def main() -> None:
    pairs = 6 if QUICK else 20
    rows = []
    a, b = paired(
        lambda: generate_many("token", N),
        lambda: [secrets.token_urlsafe(32) for _ in range(N)],
        pairs=pairs,
        warmup=2,
    )
    rows.append(make_row('10,000 tokens: `generate_many("token", 10000)`', a, b, 1.2))
    a, b = paired(
        lambda: [generate("token") for _ in range(N)],
        lambda: [secrets.token_urlsafe(32) for _ in range(N)],
        pairs=pairs,
        warmup=2,
    )
    rows.append(make_row('10,000 × `generate("token")` (per-call path)', a, b, None))
    inner = 50 if QUICK else 200
    cases = [
        ("Ed25519 key, PKCS8 PEM (vs raw + same PEM)", "ed25519", 1.2,
         lambda: pem(ed25519.Ed25519PrivateKey.generate())),
        ("Ed25519 key (vs raw generate, no PEM)", "ed25519", None,
         ed25519.Ed25519PrivateKey.generate),
        ("P-256 key, PKCS8 PEM (vs raw + same PEM)", "ec-p256", 1.2,
         lambda: pem(ec.generate_private_key(ec.SECP256R1()))),
        ("P-256 key (vs raw generate, no PEM)", "ec-p256", None,
         lambda: ec.generate_private_key(ec.SECP256R1())),
    ]  # fmt: skip
    for name, kind, goal, raw in cases:
        a, b = paired(partial(generate, kind), raw, pairs=pairs, inner=inner, warmup=2)
        rows.append(make_row(name, a, b, goal, scale=1e6))
    print_table("generation vs secrets / cryptography 50.0.2", rows, "raw call")
    save("generate", rows)


if __name__ == "__main__":
    main()
