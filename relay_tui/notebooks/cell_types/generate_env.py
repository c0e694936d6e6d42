"""The generate-env cell: write an environment's file from the template, secrets generated."""

from __future__ import annotations

from typing import TYPE_CHECKING

from relay_tui.errors import RelayError
from relay_tui.notebooks.cell_type import CellType, Param, its_env
from relay_tui.notebooks.cell_types.helpers import actor, cell_env
from relay_tui.project.template import fill_template
from relay_tui.services.env_values import write_generated

if TYPE_CHECKING:
    from relay_tui.notebooks.document import Cell
    from relay_tui.notebooks.runner import RunOptions
    from relay_tui.project.project import Project


def run(number: int, cell: Cell, project: Project, options: RunOptions) -> list[str]:
    """Write the file (0600) unless it exists; say how many were generated, which need a value."""
    env = cell_env(cell, project, options)
    if env.file.exists():
        return [f"{env.file.name} exists: left as it is"]
    if project.template is None:
        raise RelayError(f"no template in {project.root.name} to generate {env.file.name} from")
    result = fill_template(project.template, project.specs, env.name)
    data = result.envfile.to_bytes()
    outcome = write_generated(project, data, list(result.generated), actor(options), env=env)
    lines = [f"wrote {env.file.name} (0600): {len(result.generated)} generated"]
    lines += [f"needs a value: {s.key} ({s.help or s.kind})" for s in result.needs_value]
    return lines + outcome.warnings


CELL_TYPE = CellType(
    "generate-env",
    run,
    params=(Param("env"),),
    reads=its_env,
    writes=its_env,
    edit_when_added=False,
)
