"""The leak scanner's sources (working tree, git history, staged files) and its findings."""

from __future__ import annotations

import hashlib
import posixpath
import shlex
import time
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from relay_tui.domain.masking import safe_text
from relay_tui.errors import UsageError
from relay_tui.project.project import TEMPLATE_NAMES
from relay_tui.scan import history as scan_git
from relay_tui.scan.engine import Matcher, redact, secret_hash
from relay_tui.scan.files import read_file, walk
from relay_tui.scan.known_values import known_values

if TYPE_CHECKING:
    from relay_tui.project.project import Project
    from relay_tui.scan.engine import Hit, Matcher

ENV_FILE_RULE = "env-file-committed"
ENV_FILE_DESCRIPTION = "env file in git (it should never be committed)"
BINARY_WINDOW = 8192  # a NUL byte in the first 8 KiB makes a file binary, as git decides


class Finding(NamedTuple):
    """One leaked secret (or committed env file), where it is and who introduced it."""

    rule: str
    description: str
    path: str  # relative to the scanned root, '/'-separated
    line: int | None
    column: int | None
    commit: str | None  # the commit that introduced it (history); None in tree and staged scans
    redacted: str
    fingerprint: str  # sha256 hex of f"{rule}:{path}:{secret_hash}", stable across commits
    label: str | None  # "production JWT_SECRET_KEY" for known values
    history_only: bool  # found in history but no longer in the working tree


class ScanOptions(NamedTuple):
    """What to scan: the working tree (default), the history, or the staged files."""

    history: bool = False
    since: str | None = None  # history of commits reachable from refs but not from this one
    staged: bool = False
    known: bool = True  # search the project's own secret values
    vault: bool = False  # also the values of environments that live in Vault
    honour_markers: bool = True
    max_file_bytes: int = 10_000_000
    allow_shallow: bool = False  # scan a shallow clone's partial history instead of refusing


class ScanReport:
    """The findings, and what was read to find them."""

    def __init__(self) -> None:
        self.findings: list[Finding] = []
        self.files = 0  # working-tree or staged files scanned
        self.bytes = 0  # bytes scanned (files and blobs)
        self.commits = 0
        self.blobs = 0  # unique history blobs scanned
        self.skipped: dict[str, int] = {}  # reason -> count
        self.engine = ""
        self.seconds = 0.0
        self.not_utf8 = 0  # text that is not UTF-8: scanned as bytes all the same, and counted
        self.warnings: list[str] = []  # e.g. Vault could not be read
        self.partial = False  # a shallow clone's history: older commits were not there to read
        self.submodules: list[str] = []  # gitlinks: other repositories, not scanned from here

    def __repr__(self) -> str:
        return (
            f"ScanReport({len(self.findings)} findings, files={self.files}, blobs={self.blobs}, "
            f"commits={self.commits}, bytes={self.bytes}, skipped={self.skipped}, "
            f"engine={self.engine!r}, seconds={self.seconds:.3f})"
        )


def _check_shallow(repo: scan_git.Repo, options: ScanOptions, report: ScanReport) -> None:
    """A shallow clone hides older commits: refuse, or warn that the scan is partial."""
    cut = scan_git.shallow_boundary(repo)
    if not cut:
        return
    what = f"this clone is shallow: its history is cut at {cut} commit(s), older ones are missing"
    if not options.allow_shallow:
        raise UsageError(
            f"{safe_text(str(repo.top))}: {what}, so --history would miss them",
            hint="run `git fetch --unshallow` (in CI: check out with full depth, e.g. "
            "fetch-depth: 0), or add --allow-shallow for a partial scan",
        )
    report.warnings.append(f"partial history scan: {what}")
    report.partial = True


def scan(root: Path, options: ScanOptions, project: Project | None = None) -> ScanReport:
    """Scan `root`'s working tree, its history (`history`/`since`) or its staged files."""
    started = time.perf_counter()
    root = Path(root)
    if not root.is_dir():
        raise UsageError(f"{safe_text(str(root))}: not a folder", hint="give a folder to scan")
    history = options.history or options.since is not None
    if options.staged and history:
        raise UsageError("--staged scans what is about to be committed: not with --history/--since")
    repo = scan_git.find_repo(root)
    if repo is None and (history or options.staged):
        raise UsageError(
            f"{safe_text(str(root))} is not in a git repository",
            hint="--history, --since and --staged read git; scan the folder without them",
        )
    since = scan_git.resolve_commit(repo, options.since) if repo and options.since else None
    report = ScanReport()
    known, env_paths = known_values(root, project, options, report.warnings)
    matcher = Matcher(known or None, honour_markers=options.honour_markers)
    report.engine = matcher.engine
    if repo is not None:
        report.submodules = scan_git.submodules(root)
    if options.staged:
        assert repo is not None
        findings = _scan_staged(repo, matcher, options, report)
    elif history:
        assert repo is not None
        _check_shallow(repo, options, report)
        walk_history = scan_git.History(repo, options.max_file_bytes, exclude=since)
        walk_history.start()  # git reads the history while the working tree is scanned
        try:
            findings, present = _scan_tree(root, repo, matcher, options, env_paths, report)
        except BaseException:
            walk_history.close()
            raise
        past = _scan_history(walk_history, repo, matcher, report)
        findings = _merge(past, findings, present)
    else:
        findings, _ = _scan_tree(root, repo, matcher, options, env_paths, report)
    unique: dict[tuple[str, str | None], Finding] = {}
    for finding in sorted(findings, key=_order):  # the first line of a repeated secret stays
        unique.setdefault((finding.fingerprint, finding.commit), finding)
    report.findings = list(unique.values())
    report.seconds = time.perf_counter() - started
    return report


def is_env_file(path: str) -> bool:
    """Whether `path` names an env file that should never be committed (templates excepted)."""
    name = posixpath.basename(path)
    return name == ".env" or (name.startswith(".env.") and name not in TEMPLATE_NAMES)


def make_finding(hit: Hit, path: str, commit: str | None) -> Finding:
    """The finding for a matcher hit at `path` (and `commit` in history)."""
    return Finding(
        hit.rule,
        hit.description,
        path,
        hit.line,
        hit.column,
        commit,
        redact(hit.secret),
        _fingerprint(hit.rule, path, hit.secret),
        hit.label,
        False,
    )


def env_file_finding(path: str, commit: str | None) -> Finding:
    """The finding for an env file present in git at `path`."""
    fingerprint = _fingerprint(ENV_FILE_RULE, path, "")
    return Finding(
        ENV_FILE_RULE, ENV_FILE_DESCRIPTION, path, None, None, commit, "", fingerprint, None, False
    )


def _fingerprint(rule: str, path: str, secret: str) -> str:

    text = f"{rule}:{path}:{secret_hash(secret)}"
    return hashlib.sha256(text.encode("utf-8", "surrogateescape")).hexdigest()


def _order(finding: Finding) -> tuple[str, int, int, str, str]:
    return (
        finding.path,
        finding.line or 0,
        finding.column or 0,
        finding.rule,
        finding.commit or "",
    )


# ----- sources -----------------------------------------------------------------------------
def _scan_tree(
    root: Path,
    repo: scan_git.Repo | None,
    matcher: Matcher,
    options: ScanOptions,
    env_paths: set[str],
    report: ScanReport,
) -> tuple[list[Finding], dict[str, Finding]]:
    """Findings in the working tree, and every finding present there by fingerprint.

    A known value in its own env file is not a leak: it counts as present (for history_only)
    but is not reported; the env file's other rules are, as if no value were known.
    """
    files = scan_git.working_files(root) if repo is not None else walk(root, report.skipped)
    findings: list[Finding] = []
    present: dict[str, Finding] = {}
    plain: Matcher | None = None  # without the known values, for the project's env files
    for name, tracked in files:
        if tracked and is_env_file(name):
            findings.append(env_file_finding(name, None))
            present[findings[-1].fingerprint] = findings[-1]
        data = read_file(root, name, options.max_file_bytes, report.skipped)
        hits = None if data is None else _scan_bytes(matcher, data, report)
        if hits is None or data is None:
            continue
        report.files += 1
        found = [make_finding(hit, name, None) for hit in hits]
        for finding in found:
            present.setdefault(finding.fingerprint, finding)
        if name in env_paths and any(hit.label is not None for hit in hits):
            plain = plain or type(matcher)(None, honour_markers=options.honour_markers)
            found = [make_finding(hit, name, None) for hit in plain.scan(data)]
            for finding in found:
                present.setdefault(finding.fingerprint, finding)
        findings.extend(found)
    return findings, present


def _merge(past: list[Finding], tree: list[Finding], present: dict[str, Finding]) -> list[Finding]:
    """History findings (at today's line when still present) and tree-only findings."""
    merged: list[Finding] = []
    for finding in past:
        now = present.get(finding.fingerprint)
        if now is None:
            merged.append(finding._replace(history_only=True))
        else:
            merged.append(finding._replace(line=now.line, column=now.column))
    in_past = {f.fingerprint for f in past}
    return merged + [f for f in tree if f.fingerprint not in in_past]


def _scan_history(
    history: scan_git.History, repo: scan_git.Repo, matcher: Matcher, report: ScanReport
) -> list[Finding]:
    """One finding per fingerprint, attributed to the oldest commit that brought it there."""
    hits_of: dict[str, list[Hit]] = {}
    for blob, data in history:
        if data is None:
            _skip(report, "too large")
            continue
        hits = _scan_bytes(matcher, data, report)
        if hits is not None:
            report.blobs += 1
        if hits:
            hits_of[blob] = hits
    report.commits = len(history.commits)
    best: dict[str, tuple[int, Finding]] = {}
    for (blob, top_path), index in history.introduced.items():
        hits = hits_of.get(blob)
        path = repo.relative(top_path) if hits else None
        if hits is None or path is None:
            continue
        for hit in hits:
            finding = make_finding(hit, path, history.commits[index])
            known = best.get(finding.fingerprint)
            if known is None or index > known[0]:  # later in `git log` order is older
                best[finding.fingerprint] = (index, finding)
    for top_path, index in history.paths.items():
        path = repo.relative(top_path)
        if path is not None and is_env_file(path):
            finding = env_file_finding(path, history.commits[index])
            best[finding.fingerprint] = (index, finding)
    return [finding for _, finding in best.values()]


def _scan_staged(
    repo: scan_git.Repo, matcher: Matcher, options: ScanOptions, report: ScanReport
) -> list[Finding]:
    """Findings in the index's version of each staged file (what the next commit would hold)."""
    staged: list[tuple[str, str]] = []
    for top_path, blob in scan_git.staged_blobs(repo):
        path = repo.relative(top_path)
        if path is not None:
            staged.append((path, blob))
    hits_of: dict[str, list[Hit]] = {}
    wanted = list(dict.fromkeys(blob for _, blob in staged))
    for blob, data in scan_git.read_blobs(repo, wanted, options.max_file_bytes):
        if data is None:
            _skip(report, "too large")
        elif (hits := _scan_bytes(matcher, data, report)) is not None:
            hits_of[blob] = hits
    findings: list[Finding] = []
    for path, blob in staged:
        if is_env_file(path):
            findings.append(env_file_finding(path, None))
        if blob in hits_of:
            report.files += 1
            findings.extend(make_finding(hit, path, None) for hit in hits_of[blob])
    return findings


# ----- files -------------------------------------------------------------------------------
def _scan_bytes(matcher: Matcher, data: bytes, report: ScanReport) -> list[Hit] | None:
    """The matcher's hits in `data`; None for binary data (skipped), non-UTF-8 text is scanned."""
    if b"\0" in data[:BINARY_WINDOW]:
        _skip(report, "binary")
        return None
    if not data.isascii():
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            report.not_utf8 += 1
    report.bytes += len(data)
    return matcher.scan(data)


def _skip(report: ScanReport, reason: str) -> None:
    report.skipped[reason] = report.skipped.get(reason, 0) + 1


# ----- remediation -------------------------------------------------------------------------
def remediation(finding: Finding) -> list[str]:
    """What to do about a finding, in order: for history, rotate first, then the filter-repo and
    BFG commands for that file or string, then force-push. Text for the user; never run here.

    Paths are relative to the scanned folder (the repository's top level when scanned there).
    """
    return [safe_text(line) for line in _remediation(finding)]


def _remediation(finding: Finding) -> list[str]:
    path = shlex.quote(finding.path)
    where = finding.path + (f":{finding.line}" if finding.line else "")
    rotate = _rotate_command(finding)
    whole_file = finding.rule == ENV_FILE_RULE or is_env_file(finding.path)
    if finding.commit is None:
        if whole_file:
            return [
                f"Rotate first if {finding.path} was ever committed or pushed: {rotate}",
                f"Stop tracking it: git rm --cached {path}",
                f"Ignore it: add /{finding.path} to .gitignore at the repository top",
                "Check the history for it: relay-tui scan --history",
            ]
        return [
            f"Rotate it if {where} was ever committed, pushed or shared: {rotate}",
            f"Move it out of {where} into an ignored .env file and read it from the environment",
            "A false positive? Add relay:allow to its line, or add it to a baseline",
        ]
    lines = [
        f"Rotate first: {where} reached commit {finding.commit[:12]}, and cleaning the history "
        f"does not un-leak it (clones, forks and caches keep it): {rotate}",
        "Then remove it from the history in a fresh clone (relay-tui never runs these):",
    ]
    if whole_file:
        name = shlex.quote(posixpath.basename(finding.path))
        lines += [
            f"  git filter-repo --invert-paths --path {path}",
            f"  or with BFG (in a --mirror clone): bfg --delete-files {name}",
        ]
    else:
        lines += [
            "  write the secret on one line of a file outside the repository, e.g. "
            "../leaked.txt (relay-tui never writes it), then:",
            "  git filter-repo --replace-text ../leaked.txt",
            "  or with BFG (in a --mirror clone): bfg --replace-text ../leaked.txt",
        ]
    return [
        *lines,
        "  BFG leaves the latest commit as it is: remove it there and commit first",
        "Then force-push every branch and tag: git push --force --all && git push --force --tags",
        "Tell every collaborator to re-clone (old clones still hold it); delete ../leaked.txt "
        "if you wrote it",
    ]


def _rotate_command(finding: Finding) -> str:
    """The exact rotate command when the finding names an environment's key, else advice."""
    if finding.label and " " in finding.label:
        env, key = finding.label.split(" ", 1)
        return f"relay-tui rotate {shlex.quote(key)} --env {shlex.quote(env)}"
    if finding.rule == ENV_FILE_RULE:
        name = posixpath.basename(finding.path)
        env = "development" if name == ".env" else name[len(".env.") :]
        return f"rotate every secret it held, e.g. relay-tui rotate KEY... --env {shlex.quote(env)}"
    return f"issue a new one where it came from ({finding.description}) and revoke this one"
