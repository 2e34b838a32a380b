"""Small helpers the types share to draw themselves: in the widget and in the static copy."""

from __future__ import annotations

from collections.abc import Sequence

from ..markup import render_inline

__all__ = ["CHOOSE", "NOT_IN_COPY", "WIDE", "items_html"]

#: Widget style: labels as wide as they need.
WIDE = {"description_width": "initial"}
#: The empty entry of a dropdown.
CHOOSE = "(choose)"
#: What the static copy says where a student copy holds only a hashed answer.
NOT_IN_COPY = (
    "<p><em>This copy does not hold the answer: check yours in the quiz in JupyterLab.</em></p>"
)


def items_html(texts: Sequence[str], tag: str = "ul") -> str:
    """A list of (Markdown) texts as an HTML list."""
    return f"<{tag}>" + "".join(f"<li>{render_inline(t)}</li>" for t in texts) + f"</{tag}>"
