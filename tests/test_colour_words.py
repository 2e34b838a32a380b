"""Every colour a lesson names for a figure is a colour that lesson's figures draw.

The test reads the lessons' Markdown, finds sentences that name a colour together with something
drawn (an arrow, a line, a bar, ...), draws the lesson's figures and explorers the way the lesson
does, and checks that the named colour is drawn in the figure next to the sentence (the nearest
figure before or after its cell): for arrows and effects, among the colours of the arrows
themselves; for anything else, anywhere in the figure (an explorer also counts the colours its
module defines, which it draws as the learner moves the controls). When the sentence also names a
role with a course colour (MSC, UVB, your therapy), the colour must be that role's.
"""

from __future__ import annotations

import ast
import re
import sys

import matplotlib

matplotlib.use("Agg")

import matplotlib.colors as mcolors
import nbformat
import numpy as np
import pytest
from matplotlib.patches import FancyArrowPatch

from mscpso_edu import diagrams, knowledge, models, paths, widgets
from mscpso_edu.style import OKABE_ITO, ROLE_COLOURS

#: Colour words and the Okabe-Ito colours (or greys) they may mean.
COLOUR_WORDS: dict[str, set[str]] = {
    "green": {OKABE_ITO["bluish_green"]},
    "blue": {OKABE_ITO["blue"], OKABE_ITO["sky_blue"]},
    "vermillion": {OKABE_ITO["vermillion"]},
    "red": {OKABE_ITO["vermillion"]},
    "orange": {OKABE_ITO["orange"]},
    "purple": {OKABE_ITO["reddish_purple"]},
    "pink": {OKABE_ITO["reddish_purple"]},
    "yellow": {OKABE_ITO["yellow"]},
    "grey": set(),  # any neutral grey
    "gray": set(),
}
#: Words that show a sentence is about something drawn, not about skin ("red, scaly plaques").
DRAWN_WORDS = re.compile(
    r"\b(arrows?|lines?|bars?|box(es)?|curves?|panels?|markers?|dots?|shad\w*|circuit|figure|"
    r"nodes?|legend|effects? \(|map)\b",
    re.IGNORECASE,
)
#: Roles with one course colour, and the words that name them.
ROLE_WORDS = {"msc": r"\bMSC", "uvb": r"\bUVB\b", "therapy": r"\byour therapy\b"}
#: Sentences about arrows (or effects) are checked against arrow and legend-line colours only.
ARROW_WORDS = re.compile(r"\b(arrows?|effects?)\b", re.IGNORECASE)
COLOUR_PATTERN = re.compile(r"\b(" + "|".join(COLOUR_WORDS) + r")\b", re.IGNORECASE)


def _sentences(text: str) -> list[str]:
    text = re.sub(r"\s+", " ", text)
    return [s for s in re.split(r"(?<=[.!?])\s+(?=[A-Z*])", text) if s]


def named_colours(notebook) -> list[tuple[int, str, str]]:
    """(cell index, colour word, sentence) for each figure colour the lesson's Markdown names."""
    found = []
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type != "markdown":
            continue
        for sentence in _sentences(cell.source):
            if not DRAWN_WORDS.search(sentence):
                continue
            for word in COLOUR_PATTERN.findall(sentence):
                found.append((index, word.lower(), sentence))
    return found


def _figure_expressions(notebook) -> list[tuple[int, str]]:
    """(cell index, expression) of the code cells that draw a figure or build an explorer."""
    expressions = []
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type != "code":
            continue
        try:
            tree = ast.parse(cell.source)
        except SyntaxError:
            continue
        if len(tree.body) != 1 or not isinstance(tree.body[0], ast.Expr):
            continue
        call = tree.body[0].value
        if (
            isinstance(call, ast.Call)
            and isinstance(call.func, ast.Attribute)
            and isinstance(call.func.value, ast.Name)
        ):
            module, name = call.func.value.id, call.func.attr
            if module == "diagrams" and name == "show" and call.args:
                expressions.append((index, ast.unparse(call.args[0])))
            elif module == "diagrams" or (module == "widgets" and name != "evidence_table"):
                expressions.append((index, ast.unparse(call)))
    return expressions


def _hex_colours(figure, arrows_only: bool = False) -> set[str]:
    colours: set[str] = set()

    def add(value) -> None:
        if value is None:
            return
        array = np.atleast_2d(mcolors.to_rgba_array(value))
        for rgba in array:
            if rgba[3] > 0:
                colours.add(mcolors.to_hex(rgba[:3]).upper())

    for artist in figure.findobj():
        if arrows_only and not isinstance(artist, FancyArrowPatch):
            continue
        for getter in ("get_color", "get_edgecolor", "get_facecolor", "get_markerfacecolor"):
            method = getattr(artist, getter, None)
            if method is None:
                continue
            try:
                add(method())
            except (ValueError, TypeError):
                continue
    return colours


_NAMESPACE = {"diagrams": diagrams, "knowledge": knowledge, "models": models, "widgets": widgets}


def nearby_colours(notebook, index: int, arrows_only: bool) -> set[str]:
    """Colours drawn by the nearest figure before and the nearest after Markdown cell ``index``."""
    figures = _figure_expressions(notebook)
    before = [item for item in figures if item[0] < index][-1:]
    after = [item for item in figures if item[0] > index][:1]
    colours: set[str] = set()
    for _cell, expression in before + after:
        result = eval(expression, _NAMESPACE)  # the lesson's own call, nothing else
        figure = getattr(result, "fig", None) or getattr(result, "figure", None)
        if figure is not None:
            colours |= _hex_colours(figure, arrows_only)
        if expression.startswith("widgets.") and not arrows_only:
            factory = getattr(widgets, expression.split("(")[0].split(".")[1])
            colours |= _module_colours(sys.modules[factory.__module__])
    return colours


HEX = re.compile(r"^#[0-9A-Fa-f]{6}$")


def _module_colours(module) -> set[str]:
    """Hex colours an explorer's module defines (it draws them as controls change)."""
    found: set[str] = set()
    for value in vars(module).values():
        values = value.values() if isinstance(value, dict) else [value]
        found |= {v.upper() for v in values if isinstance(v, str) and HEX.match(v)}
    return found


def _is_grey(hex_colour: str) -> bool:
    r, g, b = mcolors.to_rgb(hex_colour)
    return max(r, g, b) - min(r, g, b) < 0.03 and 0.25 < r < 0.95


LESSONS = sorted(p.stem for p in paths.lessons_dir().glob("[0-9][0-9]_*.ipynb"))


def test_the_checker_finds_the_colour_words_it_should():
    text = "MSC effects (green) on the circuit. Patches of red, scaly skin."
    cell = nbformat.v4.new_markdown_cell(text)
    found = named_colours(nbformat.v4.new_notebook(cells=[cell]))
    assert [word for _, word, _ in found] == ["green"]


@pytest.mark.parametrize("lesson", LESSONS)
def test_every_colour_a_lesson_names_is_drawn_in_its_figures(lesson):
    notebook = nbformat.read(paths.lessons_dir() / f"{lesson}.ipynb", as_version=4)
    named = named_colours(notebook)
    if not named:
        return
    for index, word, sentence in named:
        allowed = {c.upper() for c in COLOUR_WORDS[word]}
        drawn = nearby_colours(notebook, index, arrows_only=bool(ARROW_WORDS.search(sentence)))
        if word in ("grey", "gray"):
            assert any(_is_grey(c) for c in drawn), f"{lesson}: no grey drawn for: {sentence}"
            continue
        assert allowed & drawn, f"{lesson}: '{word}' is not drawn in its figures: {sentence}"
        for role, pattern in ROLE_WORDS.items():
            if re.search(pattern, sentence):
                role_colour = ROLE_COLOURS[role].upper()
                assert role_colour in allowed, (
                    f"{lesson}: the text calls {role} '{word}' but {role} is drawn {role_colour}: "
                    f"{sentence}"
                )
