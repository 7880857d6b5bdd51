"""SVG drawings turned into PDF operators once per process and replayed on every later canvas, byte for byte.

reportlab walks a drawing's shapes in Python and formats every path's numbers each time it is drawn: for the
figures and icons of a topic that was redone by every layout attempt of every output. The operators of a drawing
at a given size do not depend on the page it lands on (the flowable moves the origin before drawing), except for
what a canvas keeps per document: a font's resource name and the graphics-state dictionaries of transparency and
overprint, written when they differ from the state saved and restored around them. Those calls, and the saves and
restores, are recorded as calls and made again on each canvas, so the document registers its own;
everything else is replayed as the text reportlab wrote the first time. A drawing holding text or images is
drawn live every time: their operators name resources of the document they were first drawn in.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from reportlab.graphics.shapes import Drawing, Image, String

# Canvas methods whose output depends on the document or on the state reportlab keeps in Python (a transparency
# is written only when it differs from the current one, which the saves and restores around it decide): recorded
# as calls and made again.
LIVE_CALLS = (
    "saveState",
    "restoreState",
    "setFont",
    "setFillAlpha",
    "setStrokeAlpha",
    "setFillOverprint",
    "setStrokeOverprint",
    "setOverprintMask",
)
MAX_DRAWINGS = 256  # drawings kept at once; a process meets a few dozen figures and icons

Step = str | tuple[str, tuple[Any, ...]]  # an operator as written, or a canvas call to make again
_recorded: dict[tuple[Any, ...], list[Step]] = {}


def replayable(drawing: Any) -> bool:
    """Return whether `drawing` holds only shapes (no text, no images), whose operators can be replayed."""
    pending = [drawing]
    while pending:
        node = pending.pop()
        if isinstance(node, String | Image):
            return False
        pending.extend(getattr(node, "contents", None) or ())
    return True


def draw_once(canvas: Any, key: tuple[Any, ...], draw: Callable[[], None]) -> None:
    """Draw with `draw` on `canvas`, or replay what it wrote the first time it was called for `key` in this process.

    `key` must name everything the operators depend on: the drawing and the size it is drawn at.
    """
    steps = _recorded.get(key)
    if steps is None:
        steps = _record(canvas, draw)
        if len(_recorded) >= MAX_DRAWINGS:
            _recorded.clear()
        _recorded[key] = steps
        return
    # The live calls include the drawing's own saves and restores, so the Python state is back as it was after
    # it; the outer push and pop make sure of that even for a drawing that left a save open.
    canvas.push_state_stack()
    code = canvas._code
    for step in steps:
        if isinstance(step, str):
            code.append(step)
        else:
            name, args = step
            getattr(canvas, name)(*args)
            code = canvas._code
    canvas.pop_state_stack()


def _record(canvas: Any, draw: Callable[[], None]) -> list[Step]:
    """Draw with `draw` on `canvas` and return the operators it wrote, with the live calls as calls."""
    steps: list[Step] = []
    code = canvas._code
    mark = [len(code)]

    def recorder(name: str) -> Callable[..., Any]:
        method = getattr(canvas, name)

        def call(*args: Any) -> Any:
            steps.extend(code[mark[0] :])
            steps.append((name, args))
            result = method(*args)
            mark[0] = len(code)
            return result

        return call

    for name in LIVE_CALLS:
        setattr(canvas, name, recorder(name))
    try:
        draw()
    finally:
        for name in LIVE_CALLS:
            delattr(canvas, name)
    if canvas._code is not code:
        raise RuntimeError("a drawing changed the canvas's operator list while it was recorded")
    steps.extend(code[mark[0] :])
    return steps


class ReplayedDrawing(Drawing):
    """A drawing whose operators are made once per process for its `key` (see draw_once)."""

    def __init__(self, width: float, height: float, key: tuple[Any, ...], *nodes: Any) -> None:
        super().__init__(width, height, *nodes)
        self.__dict__["_replay_key"] = key  # past reportlab's checked attributes
        self.__dict__["_replayable"] = None

    def draw(self, showBoundary: Any = None) -> None:
        if self.__dict__["_replayable"] is None:
            self.__dict__["_replayable"] = replayable(self)
        if showBoundary or not self.__dict__["_replayable"]:
            super().draw()
            return
        draw_once(self.canv, ("drawing", *self._replay_key), lambda: super(ReplayedDrawing, self).draw())
