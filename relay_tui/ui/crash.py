"""A crash that prints no values: exception type and place only, terminal restored, exit 70."""

from __future__ import annotations

import traceback
from pathlib import Path
from typing import Any

from rich.text import Text

INTERNAL_ERROR = 70  # the CLI's exit code for a bug (see relay_tui.errors.ExitCode)


def summary(error: BaseException) -> str:
    """What a user may see of a crash: the exception type and the place in relay-tui's code.

    The exception's message is left out on purpose: it may quote a value.
    """
    inner = getattr(error, "error", None)  # a worker's failure wraps the real exception
    if isinstance(inner, BaseException) and type(error).__name__ == "WorkerFailed":
        error = inner
    frames = traceback.extract_tb(error.__traceback__)
    ours = [f for f in frames if "relay_tui" in f.filename] or frames
    last = ours[-1] if ours else None
    where = (
        f"{Path(last.filename).name}:{last.lineno} in {last.name}" if last else "an unknown place"
    )
    return (
        f"relay-tui stopped on an internal error: {type(error).__name__} at {where}.\n"
        "No values or local variables were printed. Please report the line above."
    )


def handle(app: Any, error: Exception) -> None:
    """Replace Textual's crash report (a traceback with local variables) with `summary`."""
    app._return_code = INTERNAL_ERROR
    if app._exception is None:  # under the test pilot the exception is raised again later
        app._exception = error
        app._exception_event.set()
    app.bell()
    app._exit_renderables.append(Text(summary(error)))
    app._close_messages_no_wait()
