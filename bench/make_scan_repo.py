"""Deterministic synthetic git repository with 50 planted secrets, for the leak-scanner bench."""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
from pathlib import Path

from scan_secrets import pem_keys, secret_lines

COMMITS = 2000
FILES = 500
KINDS = {"aws": 10, "github": 10, "slack": 8, "stripe": 8, "pem": 6, "jwt": 8}
HISTORY_ONLY = {"aws": 4, "github": 4, "slack": 3, "stripe": 3, "pem": 2, "jwt": 2}
_WORDS = (
    "alpha beta gamma delta order item user cart page list table view model route field value "
    "count total index cache queue batch event record report window panel layout button label "
    "image style theme color size width height border margin block render update create delete "
    "fetch parse format build merge split sort filter group limit offset start end next prev "
    "first last child parent node tree graph path file folder stream buffer chunk line text word "
    "name title note entry state status phase stage step task job worker pool thread timer clock "
    "date time zone region area city street number amount price rate score level rank weight"
)
WORDS = _WORDS.split()
PROSE = [*_WORDS.split(), "the", "a", "of", "to", "and", "in", "is", "for", "with", "when", "it"]
TYPES = {"py": 30, "js": 15, "go": 12, "md": 15, "yaml": 12, "toml": 8, "txt": 8}
COMMENT = {"py": "#", "yaml": "#", "toml": "#", "js": "//", "go": "//", "md": "", "txt": ""}
# Line templates of each file type, "|"-separated: code-like and prose-like, low entropy.
CODE = {
    "py": "def {a}_{b}({c}, {d}):|    {a} = {b}.{c}({d})|    return {a}_{b}|    if {a} > {n}:|"
    "        {a}.append({b})|class {A}{B}:|    # {p}||from {a} import {b}_{c}|"
    "    for {a} in {b}_{c}:|        {a}[{n}] = {b}",
    "js": "function {a}{B}({c}) {{|  const {a} = {b}.{c}({d});|  return {a};|}}|  // {p}|"
    "  if ({a} > {n}) {{|export const {a}{B} = {n};|",
    "go": "func {A}{B}({c} int) int {{|\t{a} := {b}({c})|\treturn {a}|}}|\t// {p}|"
    "\tif {a} > {n} {{|\t{a}.{B}({n})|",
    "md": "# {P}|{P}.|- {p}||{P}, {p}.",
    "yaml": "{a}_{b}: {n}|{a}:|  {b}: {c}|  - {a}_{b}|# {p}",
    "toml": '[{a}]|{a}_{b} = {n}|{a} = "{b}"|# {p}',
    "txt": "{P}.|{p}|",
}
LINES = {k: v.split("|") for k, v in CODE.items()}
_TEMPLATE = (
    "# copy to .env and fill in|APP_ENV=development|PORT=8080|JWT_ALGORITHM=HS256|"
    "JWT_SECRET_KEY=change-me|AWS_ACCESS_KEY_ID=|AWS_SECRET_ACCESS_KEY=|"
    "STRIPE_API_KEY=<your-stripe-key>|SLACK_BOT_TOKEN=${SLACK_BOT_TOKEN}"
)
TEMPLATE = _TEMPLATE.split("|")  # a committed .env.example: placeholders, never a finding
_PATHS = (
    ".env.production .env.staging deploy/.env.prod services/billing/.env "
    "services/search/.env.local web/.env.production api/.env .env"
)
ENV_PATHS = _PATHS.split()
_KEYS = "deploy/keys/id_rsa certs/api-server.key config/tls/signing-ec.pem certs/edge-proxy.key"
PEM_PATHS = [*_KEYS.split(), "ops/ssh/id_ed25519", "ops/ssh/deploy_key"]


class Planted(str):
    """A line holding (part of) planted secret `sid`; filler edits never touch it."""

    sid: int


class Secret:
    """One planted secret: its kind, where it goes, when it comes and goes (in commit counts)."""

    def __init__(self, sid: int, kind: str, idx: int, rng: random.Random) -> None:
        self.sid, self.kind, self.idx = sid, kind, idx
        self.history_only = idx < HISTORY_ONLY[kind]
        self.where = "main"
        self.plant_at = rng.randint(120, 1800)
        self.remove_after = rng.randint(15, 150)
        self.path = ""
        self.value = ""  # the secret text; kept in memory only
        self.introduced = self.removed = 0  # fast-import marks
        self.planted = self.gone = False


def _line(rng: random.Random, ftype: str) -> str:
    template = rng.choice(LINES[ftype])
    w = rng.choices(WORDS, k=4)
    prose = " ".join(rng.choices(PROSE, k=rng.randint(5, 12))) if "{p" in template.lower() else ""
    fields = dict(zip("abcd", w, strict=True), A=w[0].title(), B=w[1].title())
    return template.format(**fields, n=rng.randint(0, 999), p=prose, P=prose.capitalize())


def _data(text: str) -> bytes:
    raw = text.encode()
    return b"data %d\n%s\n" % (len(raw), raw)


class Branch:
    """A feature branch: its own copy of the files, of which it alone edits `owned`."""

    def __init__(self, name: str, owned: set[str], files: dict[str, list[str]], tip: int) -> None:
        self.name, self.owned, self.files, self.tip = name, owned, files, tip
        self.left = 0
        self.secret: Secret | None = None
        self.changed: set[str] = set()


class Builder:
    """Writes the fast-import stream while keeping every branch's files in memory."""

    def __init__(self, rng: random.Random, secrets: list[Secret]) -> None:
        self.rng, self.secrets = rng, secrets
        self.main: dict[str, list[str]] = {}
        self.ftype: dict[str, str] = {}
        self.whole: set[str] = set()  # files that are entirely a secret (PEM, env files)
        self.hosts: set[str] = set()  # files with planted lines
        self.open: list[Branch] = []  # branches not merged yet
        self.stream: list[bytes] = []
        self.mark = self.commits = self.merges = 0
        self.when = 1_700_000_000
        self.main_tip = 0
        self.pems = pem_keys(rng)

    def emit(
        self, ref: str, msg: str, changes: dict[str, list[str] | None], parents: list[int]
    ) -> int:
        """One commit; returns its mark."""
        self.mark += 1
        self.commits += 1
        self.when += self.rng.randint(300, 7200)
        who = self.rng.choice(["build-bot <bot@example.invalid>", "dev <dev@example.invalid>"])
        head = f"commit {ref}\nmark :{self.mark}\nauthor {who} {self.when} +0000\n"
        out = [head.encode(), f"committer {who} {self.when} +0000\n".encode(), _data(msg)]
        out += [f"{'from' if i == 0 else 'merge'} :{p}\n".encode() for i, p in enumerate(parents)]
        for path, lines in sorted(changes.items()):
            if lines is None:
                out.append(f"D {path}\n".encode())
            else:
                out += [f"M 100644 inline {path}\n".encode(), _data("\n".join(lines) + "\n")]
        self.stream.append(b"".join(out) + b"\n")
        return self.mark

    def new_file(self, files: dict[str, list[str]]) -> str:
        ftype = self.rng.choices(list(TYPES), list(TYPES.values()))[0]
        w = self.rng.sample(WORDS, 3)
        top = {"py": "src", "js": "web", "go": "cmd", "md": "docs", "yaml": "config"}
        path = f"{top.get(ftype, 'data')}/{w[0]}/{w[1]}_{w[2]}.{ftype}"
        if path in files or path in self.ftype:
            return self.new_file(files)
        self.ftype[path] = ftype
        files[path] = [_line(self.rng, ftype) for _ in range(self.rng.randint(25, 90))]
        return path

    def owned(self) -> set[str]:
        return {p for b in self.open for p in b.owned}

    def free(self, files: dict[str, list[str]], avoid: set[str]) -> list[str]:
        return [p for p in files if p not in self.whole and p not in avoid]

    def edit(self, files: dict[str, list[str]], paths: list[str], most: int = 11) -> set[str]:
        """Filler edits to 1..most of `paths` (copy-on-write lists); returns the changed paths."""
        rng, changed = self.rng, set()
        for path in rng.sample(paths, min(len(paths), rng.randint(1, most))):
            lines = files[path] = list(files[path])
            for _ in range(rng.randint(1, 5)):
                k, i = rng.randint(1, 16), rng.randrange(len(lines) + 1)
                if any(isinstance(x, Planted) for x in lines[i : i + k]):
                    continue
                n = rng.randint(1, 8 if len(lines) > 120 else 16 if len(lines) > 20 else 24)
                lines[i : i + k] = [_line(rng, self.ftype[path]) for _ in range(n)]
            changed.add(path)
        return changed

    def plant(self, s: Secret, files: dict[str, list[str]], avoid: set[str]) -> str:
        """Put secret `s` into `files` (new file or lines in a filler file); returns its path."""
        if s.kind in ("pem", "jwt"):
            s.path = PEM_PATHS[s.idx] if s.kind == "pem" else ENV_PATHS[s.idx]
            self.whole.add(s.path)
            files[s.path] = [Planted(x) for x in secret_lines(s, self.rng, "env", self.pems)]
        else:
            choices = [p for p in self.free(files, avoid | self.hosts) if p in self.main]
            s.path = self.rng.choice(choices)
            lines = files[s.path] = list(files[s.path])
            at = self.rng.randrange(len(lines) + 1)
            while any(isinstance(x, Planted) for x in lines[at - 1 : at + 1]):
                at = self.rng.randrange(len(lines) + 1)
            new = [Planted(x) for x in secret_lines(s, self.rng, self.ftype[s.path], self.pems)]
            lines[at:at] = new
            self.hosts.add(s.path)
        for x in files[s.path]:
            if isinstance(x, Planted) and not hasattr(x, "sid"):
                x.sid = s.sid
        s.planted = True
        return s.path

    def remove(self, s: Secret, changes: dict[str, list[str] | None]) -> None:
        """Delete the secret's file, or replace its lines by a note (value moved elsewhere)."""
        if s.path in self.whole:
            del self.main[s.path]
            self.whole.discard(s.path)
            changes[s.path] = None
        else:
            mark = COMMENT[self.ftype[s.path]]
            note = f"{mark} credentials now come from the environment".strip()
            lines = [x for x in self.main[s.path] if getattr(x, "sid", None) != s.sid]
            if s.sid % 2:
                at = [getattr(x, "sid", None) for x in self.main[s.path]].index(s.sid)
                lines.insert(at, note)
            self.main[s.path] = lines
            self.hosts.discard(s.path)
            changes[s.path] = lines
        s.gone = True

    def step_main(self) -> None:
        changes: dict[str, list[str] | None] = {}
        if self.commits == 0:
            paths = [self.new_file(self.main) for _ in range(100)] + [".env.example"]
            self.main[".env.example"] = TEMPLATE
            self.whole.add(".env.example")
        elif len(self.main) < FILES:
            paths = [self.new_file(self.main) for _ in range(10)]
        else:
            paths = []
            if self.rng.random() < 0.015:
                paths.append(self.new_file(self.main))
            victims = self.free(self.main, self.owned() | self.hosts)
            if self.rng.random() < 0.01 and victims:
                gone = self.rng.choice(victims)
                del self.main[gone]
                changes[gone] = None
        free = self.free(self.main, self.owned())
        paths += self.edit(self.main, free) if free and self.commits else []
        for s in self.secrets:
            if s.where == "main" and not s.planted and s.plant_at <= self.commits:
                paths.append(self.plant(s, self.main, self.owned()))
                s.introduced = self.mark + 1
            elif s.history_only and s.planted and not s.gone and s.where != "unmerged":
                here = self.main.get(s.path, [])
                if s.plant_at + s.remove_after <= self.commits and any(
                    getattr(x, "sid", None) == s.sid for x in here
                ):
                    self.remove(s, changes)
                    s.removed = self.mark + 1
        changes.update({p: self.main[p] for p in paths if p in self.main})
        parents = [self.main_tip] if self.main_tip else []
        self.main_tip = self.emit("refs/heads/main", self.message(), changes, parents)

    def message(self) -> str:
        w = self.rng.sample(WORDS, 3)
        verb = self.rng.choice(["Fix", "Add", "Update", "Refactor", "Tidy"])
        return f"{verb} {w[0]} {w[1]} handling in {w[2]}"

    def fork(self, secret: Secret | None) -> None:
        name = f"feature/{self.rng.choice(WORDS)}-{len(self.stream)}"
        if secret is not None and secret.where == "unmerged":
            name = "wip/experiment"
        free = self.free(self.main, self.owned() | self.hosts)
        owned = set(self.rng.sample(free, self.rng.randint(2, 6)))
        branch = Branch(name, owned, dict(self.main), self.main_tip)
        branch.left, branch.secret = self.rng.randint(2, 8), secret
        self.open.append(branch)

    def step_branch(self, b: Branch) -> None:
        changed = self.edit(b.files, sorted(b.owned), 3)
        s = b.secret
        if s is not None and not s.planted:
            changed.add(self.plant(s, b.files, set(self.main) - b.owned))
            s.introduced = self.mark + 1
        b.changed |= changed
        changes: dict[str, list[str] | None] = {p: b.files[p] for p in changed}
        b.tip = self.emit(f"refs/heads/{b.name}", self.message(), changes, [b.tip])
        b.left -= 1

    def merge(self, b: Branch) -> None:
        self.open.remove(b)
        self.merges += 1
        changes: dict[str, list[str] | None] = {p: b.files[p] for p in b.changed}
        self.main.update({p: b.files[p] for p in b.changed})
        for s in self.secrets:
            if s.where == "merge" and not s.planted and s.plant_at <= self.commits:
                path = self.plant(s, self.main, self.owned())
                changes[path] = self.main[path]
                s.introduced = self.mark + 1
        msg = f"Merge branch '{b.name}'"
        self.main_tip = self.emit("refs/heads/main", msg, changes, [self.main_tip, b.tip])

    def run(self) -> None:
        rng = self.rng
        waiting = [s for s in self.secrets if s.where in ("branch", "unmerged")]
        while self.commits < COMMITS:
            done = [b for b in self.open if b.left <= 0 and b.name != "wip/experiment"]
            busy = [b for b in self.open if b.left > 0]
            if done and (rng.random() < 0.5 or self.commits > COMMITS - 10):
                self.merge(done[0])
            elif busy and rng.random() < 0.3:
                self.step_branch(rng.choice(busy))
            else:
                if self.commits > 100 and len(self.open) < 3 and self.commits < COMMITS - 60:
                    due = [s for s in waiting if s.plant_at <= self.commits]
                    if due or rng.random() < 0.03:
                        self.fork(due[0] if due else None)
                        waiting = [s for s in waiting if not due or s is not due[0]]
                self.step_main()
        for b in [b for b in self.open if b.name != "wip/experiment"]:
            self.merge(b)


def plan(rng: random.Random) -> list[Secret]:
    """The 50 secrets; a few go on branches, one on a branch never merged, one in a merge."""
    secrets: list[Secret] = []
    for kind, count in KINDS.items():
        for i in range(count):
            secrets.append(Secret(len(secrets), kind, i, rng))
    by = {(s.kind, s.idx): s for s in secrets}
    by["stripe", 0].where = "merge"
    by["github", 0].where = "unmerged"
    for key in (("github", 1), ("aws", 5), ("slack", 4)):
        by[key].where = "branch"
    return secrets


def build(dest: Path, seed: int = 42) -> dict[str, object]:
    """Build the repository at `dest` (must not exist); returns the manifest, also saved beside."""
    rng = random.Random(seed)
    secrets = plan(rng)
    b = Builder(rng, secrets)
    b.run()
    missing = [
        s.sid
        for s in secrets
        if not s.planted or s.history_only != (s.gone or s.where == "unmerged")
    ]
    dest.mkdir(parents=True)
    git = ["git", "-C", str(dest)]
    subprocess.run([*git, "init", "-q", "-b", "main"], check=True)
    marks = dest / ".git" / "bench-marks"
    subprocess.run(
        [*git, "fast-import", "--quiet", f"--export-marks={marks}"],
        input=b"".join(b.stream),
        check=True,
    )
    sha = dict(line.split() for line in marks.read_text().splitlines())
    marks.unlink()
    subprocess.run([*git, "reset", "-q", "--hard", "main"], check=True)
    subprocess.run([*git, "repack", "-adfq"], check=True)
    tree = {p for p in b.main}
    out = []
    for s in secrets:
        in_tree = s.path in tree and any(getattr(x, "sid", None) == s.sid for x in b.main[s.path])
        if in_tree == s.history_only or missing:
            raise SystemExit(f"plan not met for secret {s.sid} ({s.kind}); try another seed")
        line = None
        if in_tree:
            line = 1 + [getattr(x, "sid", None) for x in b.main[s.path]].index(s.sid)
        entry = {k: getattr(s, k) for k in ("kind", "path", "history_only", "where")}
        removed = sha[f":{s.removed}"] if s.removed else None
        entry |= {"line": line, "prefix": s.value[:4], "introduced": sha[f":{s.introduced}"]}
        out.append({"id": f"S{s.sid:02d}", **entry, "removed": removed})
    manifest: dict[str, object] = {
        "seed": seed,
        "commits": b.commits,
        "merges": b.merges,
        "files": len(tree),
        "tree_bytes": sum(len("\n".join(v)) + 1 for v in b.main.values()),
        "env_files": sorted(p for p in tree if "/.env" in "/" + p),
        "secrets": out,
    }
    path = dest.parent / f"{dest.name}.manifest.json"
    path.write_text(json.dumps(manifest, indent=1) + "\n")
    return manifest


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("dest", type=Path)
    ap.add_argument("--seed", type=int, default=42)
    args = ap.parse_args()
    m = build(args.dest, args.seed)
    secrets = m["secrets"]
    assert isinstance(secrets, list)
    hist = sum(s["history_only"] for s in secrets)
    print(
        f"{args.dest}: {m['commits']} commits ({m['merges']} merges), {m['files']} files, "
        f"{len(secrets)} secrets ({hist} history-only)",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()
