"""The Vault pane's tree: KV mounts and folders listed on expand, or only what a filter found."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from relay_tui.ui.safe import plain


@dataclass(frozen=True, slots=True)
class Entry:
    """What a node stands for: a full path ('secret/', 'secret/app/', 'secret/app/db').

    Folders end with '/'; an empty path is a note such as 'loading…'.
    """

    path: str

    @property
    def folder(self) -> bool:
        return self.path.endswith("/")

    @property
    def leaf(self) -> bool:
        return bool(self.path) and not self.folder


class VaultTree(Tree[Entry]):
    """Mounts on top; a folder is listed (by the pane, in a worker) the first time it opens."""

    DEFAULT_CSS = """
    VaultTree { width: 40%; min-width: 24; background: $surface; }
    VaultTree > .tree--cursor { background: $primary 40%; }
    VaultTree:focus > .tree--cursor { background: $primary 70%; }
    """

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(plain("vault"), id=id)
        self.show_root = False
        self.guide_depth = 2
        self.mounts: list[tuple[str, str]] = []  # ("secret/", "secret/ (kv v2)")
        self.listings: dict[str, list[str]] = {}  # folder path -> names in it
        self.pending: set[str] = set()
        self.opened: set[str] = set()
        self.nodes: dict[str, TreeNode[Entry]] = {}
        self.needle = ""

    def process_label(self, label: str | Text) -> Text:
        """Labels are always literal text: a key named '[b]x' shows its brackets."""
        return label if isinstance(label, Text) else plain(str(label))

    # ----- content -------------------------------------------------------------------------
    def show_mounts(self, mounts: list[tuple[str, str]]) -> None:
        """Start over with these mounts (nothing listed yet)."""
        self.mounts = mounts
        self.listings.clear()
        self.pending.clear()
        self.opened.clear()
        self.needle = ""
        self.rebuild()

    def show_note(self, text: str) -> None:
        """Show one line instead of mounts (not connected, failed, ...)."""
        self.mounts = []
        self.clear()
        self.nodes = {}
        self.root.add_leaf(plain(text, "dim"), Entry(""))

    def needs_listing(self, node: TreeNode[Entry]) -> bool:
        """Whether opening `node` should list its folder on the server."""
        entry = node.data
        if entry is None or not entry.folder or self.nodes.get(entry.path) is not node:
            return False
        return entry.path not in self.listings and entry.path not in self.pending

    def mark_loading(self, folder: str) -> None:
        """Show 'loading…' under `folder` while its listing is on the way."""
        self.pending.add(folder)
        node = self.nodes.get(folder)
        if node is not None:
            node.remove_children()
            node.add_leaf(plain("loading…", "dim italic"), Entry(""))

    def mark_failed(self, folder: str) -> None:
        """The listing of `folder` failed (the pane says why): show that, allow a retry."""
        self.pending.discard(folder)
        node = self.nodes.get(folder)
        if node is not None:
            node.remove_children()
            node.add_leaf(plain("(could not list it: close and open to retry)", "dim"), Entry(""))

    def set_listing(self, folder: str, names: list[str]) -> None:
        """The names in `folder` arrived: show them (filtered when a filter is on)."""
        self.pending.discard(folder)
        self.listings[folder] = names
        node = self.nodes.get(folder)
        if self.needle:
            self.rebuild()
        elif node is not None:
            node.remove_children()
            self._fill(node, None)
            if not names:
                node.add_leaf(plain("(empty)", "dim"), Entry(""))

    def forget(self, folder: str) -> None:
        """Drop a listing so that the folder is listed again when it next opens."""
        self.listings.pop(folder, None)

    def merge(self, listings: dict[str, list[str]]) -> None:
        """Listings found by a search (shown at the next rebuild)."""
        self.listings.update(listings)

    def filter(self, needle: str) -> None:
        """Show only paths containing `needle` (below their mount) and the folders above them."""
        self.needle = needle.strip()
        self.rebuild()

    # ----- building ------------------------------------------------------------------------
    def rebuild(self) -> None:
        """Draw the tree again from the mounts and the listings known so far."""
        current = self.cursor_node.data if self.cursor_node else None
        self.clear()
        self.nodes = {}
        wanted = self._wanted() if self.needle else None
        for path, label in self.mounts:
            node = self.root.add(plain(label, "bold"), Entry(path), expand=self._open(path))
            self.nodes[path] = node
            self._fill(node, wanted)
        if wanted is not None and not wanted:
            self.root.add_leaf(plain(f"no path matches {self.needle!r} yet", "dim"), Entry(""))
        keep = self.nodes.get(current.path) if current is not None else None
        if keep is not None:
            self.call_after_refresh(self.move_cursor, keep)

    def _open(self, path: str) -> bool:
        if self.needle:
            return True
        return path in self.opened and path in self.listings

    def _fill(self, node: TreeNode[Entry], wanted: set[str] | None) -> None:
        entry = node.data
        names = self.listings.get(entry.path) if entry is not None else None
        if names is None or entry is None:
            return
        for name in names:
            path = entry.path + name
            if wanted is not None and path not in wanted:
                continue
            if name.endswith("/"):
                open_it = path in wanted if wanted is not None else self._open(path)
                child = node.add(plain(name), Entry(path), expand=open_it)
                self.nodes[path] = child
                if path in self.listings:
                    self._fill(child, wanted)
            else:
                self.nodes[path] = node.add_leaf(plain(name), Entry(path))

    def _wanted(self) -> set[str]:
        """Every known path matching the needle, plus the folders leading to it."""
        folded = self.needle.lower()
        wanted: set[str] = set()
        for mount, _label in self.mounts:
            for folder, names in self.listings.items():
                if not folder.startswith(mount):
                    continue
                for name in names:
                    path = folder + name
                    if folded in path[len(mount) :].lower():
                        wanted.add(path)
                        wanted.update(_ancestors(path, mount))
        return wanted

    def on_tree_node_expanded(self, event: Tree.NodeExpanded[Entry]) -> None:
        if event.node.data is not None and not self.needle:
            self.opened.add(event.node.data.path)

    def on_tree_node_collapsed(self, event: Tree.NodeCollapsed[Entry]) -> None:
        if event.node.data is not None and not self.needle:
            self.opened.discard(event.node.data.path)


def _ancestors(path: str, mount: str) -> list[str]:
    """The folders between `mount` and `path`: 'secret/a/b/c' -> ['secret/a/', 'secret/a/b/']."""
    parts = path[len(mount) :].rstrip("/").split("/")
    return [mount + "/".join(parts[:n]) + "/" for n in range(1, len(parts))]
