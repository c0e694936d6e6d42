"""The checklist cell: items a person ticks, each with an optional deadline from the start."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from relay_tui.notebooks.cell_type import CellType, NeedsPerson, Param, Person, View
from relay_tui.notebooks.checklist import check_items, checklist_items, item_line

if TYPE_CHECKING:
    from relay_tui.notebooks.document import Cell
    from relay_tui.notebooks.runner import RunOptions
    from relay_tui.project.project import Project


def run(number: int, cell: Cell, project: Project, options: RunOptions) -> list[str]:
    """One line per item, done or open; ok once every item is ticked."""
    now = datetime.datetime.now(datetime.UTC)
    items = checklist_items(cell, options.started or now)
    ticks = [options.ticked.get((number, index)) for index in range(len(items))]
    lines = [item_line(item, tick, now) for item, tick in zip(items, ticks, strict=True)]
    still_open = sum(1 for tick in ticks if tick is None)
    if still_open:
        raise NeedsPerson(
            f"the checklist needs a person to tick {still_open} of {len(items)} item(s)",
            lines=lines,
            hint="tick them in the workbench's Notebook pane",
        )
    return [*lines, f"every item is done ({len(items)})"]


def _check_items(items: Any, where: str) -> None:

    check_items(items, where)


CELL_TYPE = CellType(
    "checklist",
    run,
    params=(Param("items", check=_check_items),),
    person=Person.TICKS,
    view=View.CHECKLIST,
    starter={"items": [{"text": "something a person does", "within": "24h"}]},
)
