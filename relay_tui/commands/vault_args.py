"""The parser of `relay-tui vault ...`: argparse only, so building it imports nothing else."""

from __future__ import annotations

import argparse


def add_parser(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    """Register `vault` and its subcommands."""
    shared = argparse.ArgumentParser(add_help=False, parents=[common])
    shared.add_argument("--vault-addr", metavar="URL", help="overrides BAO_ADDR / VAULT_ADDR")
    vault = sub.add_parser("vault", parents=[common], help="Vault/OpenBao KV")
    verbs = vault.add_subparsers(dest="verb", metavar="VERB", required=True)
    verbs.add_parser("status", parents=[shared], help="connection, seal state, token")
    listing = verbs.add_parser("list", parents=[shared], help="keys under a path")
    listing.add_argument("path", nargs="?", default=None, metavar="PATH")
    listing.add_argument("--recursive", "-r", action="store_true")
    listing.add_argument("--depth", type=int, metavar="N")
    listing.add_argument("--json", action="store_true")
    get = verbs.add_parser("get", parents=[shared], help="read a path (masked) or one field")
    get.add_argument("path", metavar="PATH")
    get.add_argument("-field", "--field", dest="field", metavar="KEY", help="print one raw value")
    get.add_argument("--version", type=int, metavar="N")
    get.add_argument("--json", action="store_true")
    get.add_argument("--reveal", action="store_true", help="show values / allow a terminal")
    put = verbs.add_parser("put", parents=[shared], help="write KEY=- (stdin) or KEY=@file")
    put.add_argument("path", metavar="PATH")
    put.add_argument("pairs", nargs="+", metavar="KEY=-|KEY=@FILE")
    for verb, text in (("push", "file -> Vault"), ("pull", "Vault -> file"), ("diff", "compare")):
        sync = verbs.add_parser(verb, parents=[shared], help=text)
        sync.add_argument("--env", required=True, metavar="NAME")
        if verb != "diff":
            sync.add_argument("--dry-run", action="store_true", help="show the plan only")
            sync.add_argument("--yes", action="store_true", help="confirm a protected env")
            sync.add_argument(
                "--prune", action="store_true", help="also remove what the source lacks"
            )
        sync.add_argument("--json", action="store_true")
    history = verbs.add_parser("history", parents=[shared], help="versions of a path")
    history.add_argument("path", metavar="PATH")
    history.add_argument("--json", action="store_true")
