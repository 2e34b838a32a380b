"""Safe HTML for quiz text: everything is escaped, then a small Markdown subset is rendered.

Bank text and anything a learner typed pass through :func:`render`, which first escapes ``<``,
``>``, ``&`` and quotes, so no text can inject markup or script into the page. Only then are these
turned into HTML: ``**bold**``, ``*italics*`` or ``_italics_``, ```code```, paragraphs (a blank
line) and ``- `` bullet lists. Inline LaTeX between ``$...$`` is left for MathJax (HTMLMath) and
is not touched by the emphasis rules. Citations ``[dashti2025]`` become ``[Dashti 2025]`` when the
knowledge base knows the id.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable

__all__ = ["cite_ids", "plain", "render", "render_inline"]

_SPANS_RE = re.compile(r"(`[^`\n]+`|\$[^$\n]+\$)")
_BOLD_RE = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*")
_ITALIC_RE = re.compile(
    r"(?<![\w*])\*(?=\S)([^*]+?)(?<=\S)\*(?![\w*])|(?<!\w)_(?=\S)([^_]+?)(?<=\S)_(?!\w)"
)
_CITATION_RE = re.compile(r"\[([a-z]+[0-9]{4}[a-z]?(?:\s*[,;]\s*[a-z]+[0-9]{4}[a-z]?)*)\]")


def _inline(text: str) -> str:
    parts = _SPANS_RE.split(text)
    out = []
    for index, part in enumerate(parts):
        if index % 2 == 1:
            out.append(f"<code>{part[1:-1]}</code>" if part.startswith("`") else part)
            continue
        part = _BOLD_RE.sub(r"<strong>\1</strong>", part)
        part = _ITALIC_RE.sub(lambda m: f"<em>{m.group(1) or m.group(2)}</em>", part)
        out.append(part)
    return "".join(out)


def render(text: str) -> str:
    """Return ``text`` (Markdown subset) as safe HTML.

    Examples
    --------
    >>> render("**IL-23** <script>")
    '<p><strong>IL-23</strong> &lt;script&gt;</p>'
    """
    escaped = html.escape(str(text), quote=True)
    blocks = []
    for block in re.split(r"\n\s*\n", escaped.strip()):
        lines = [line.strip() for line in block.splitlines() if line.strip()]
        if not lines:
            continue
        if all(line.startswith(("- ", "* ")) for line in lines):
            items = "".join(f"<li>{_inline(line[2:])}</li>" for line in lines)
            blocks.append(f"<ul>{items}</ul>")
        else:
            blocks.append(f"<p>{_inline(' '.join(lines))}</p>")
    return "".join(blocks)


def render_inline(text: str) -> str:
    """Return ``text`` as safe HTML without paragraph tags (for labels and one-line notes)."""
    return _inline(" ".join(html.escape(str(text), quote=True).split()))


def plain(text: str) -> str:
    """Return ``text`` without Markdown markers, for labels that cannot hold HTML."""
    text = re.sub(r"\*\*(.+?)\*\*", r"\1", str(text))
    text = re.sub(r"(?<![\w*])\*([^*]+)\*", r"\1", text)
    text = re.sub(r"`([^`]+)`", r"\1", text)
    return " ".join(text.split())


def cite_ids(text: str, cite: Callable[[str], str]) -> str:
    """Replace ``[refid]`` and ``[a2020, b2021]`` with ``cite(refid)`` texts (unknown ids stay)."""

    def replace(match: re.Match[str]) -> str:
        names = []
        for ref in re.split(r"\s*[,;]\s*", match.group(1)):
            try:
                names.append(cite(ref))
            except Exception:  # an unknown id is reported by `mscpso-edu check`, not here
                names.append(ref)
        return "[" + "; ".join(names) + "]"

    return _CITATION_RE.sub(replace, text)
