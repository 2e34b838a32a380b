"""The lesson linter: every notebook in ``lessons/`` follows the lesson standard.

The standard (``docs/lesson-standard.md`` in the repository) asks for a fixed skeleton:
a title with the estimated time, learning objectives with ids, prerequisites, one setup cell of
imports, numbered sections, an Explore activity, two figures drawn by the package, a mid-lesson
check, key points, generated references and the end-of-lesson quiz. Notebooks are committed without
outputs and with the standard ``python3`` kernel. Each problem names the notebook and the cell.

Predict, think, and meet the misconceptions (issue 16)
------------------------------------------------------
Three teaching moves are checked too (see ``docs/lesson-standard.md``); a question's ``role`` in
the bank says where the lesson asks it, and the end-of-lesson quiz (``quiz.show``) leaves every such
question out, so it never repeats what the lesson asked on the way.

1. **Predict before every explorer.** The code cell just before an explorer call (Markdown may sit
   between them) is ``quiz.check("NN_slug", "predict_...")`` with questions marked
   ``role: prediction``. Nothing earlier in the lesson may answer it: no earlier call of the same
   explorer, and no figure or table listed for it in :data:`EXPLORER_SPOILERS`. The first cell
   after the explorer is Markdown with the "What to notice" explanation::

       **Predict first:** ... (Markdown)
       quiz.check("05_dendritic_cells", "predict_duration")      # role: prediction
       widgets.explore_skin_circuit()
       #### What to notice ... (Markdown: why it came out that way)

2. **Every Think prompt gets a recorded answer and a discussion.** A ``Think`` heading (``###`` or
   ``####``, one level below its section: headings never skip a level) is the last heading of its
   Markdown cell, and the next code cell is
   ``quiz.check("NN_slug", "think_...")`` with one ``type: reflection``, ``role: think`` question.
   Its ``prompt`` is the question, ``guidance`` says what a good answer weighs, and its
   ``explanation`` is the expert discussion, citing ``[refid]`` sources. The learner saves an answer
   (recorded, 0 points), then the discussion opens; the static site keeps it behind ``<details>``::

       - id: think_threshold
         type: reflection
         role: think
         objectives: [01.f]
         prompt: Why might a short treatment ...?
         guidance: A good answer names ...
         explanation: |
           An expert would say ... [shmarov2022].
         references: [shmarov2022]

3. **Common misconceptions.** A Markdown cell headed ``## Common misconceptions`` lists 3 to 5
   bullets, each opening with the belief in bold quotes as learners or patients hold it, then the
   correction with an inline citation: ``- **"MSCs engraft in the plaque."** Most ... [Eggenhofer
   2012].``

A code cell tagged ``exercise`` (a code exercise's starter, the learner's own code) may define,
import and loop; the next code cell must be the ``quiz.check(...)`` that grades it.

Every other question a lesson asks mid-way (``quiz.check`` outside those two places) is marked
``role: check``. Every lesson follows these three rules; there is no exemption list.
"""

from __future__ import annotations

import ast
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import CourseError, Problem
from .paths import lessons_dir, quizzes_dir

__all__ = [
    "EXPLORERS",
    "EXPLORER_SPOILERS",
    "LOOP_KINDS",
    "MEASURABLE_VERBS",
    "Lesson",
    "check_lessons",
    "lint_notebook",
    "package_calls",
    "read_lesson",
    "read_objectives",
]

NAME_PATTERN = re.compile(r"^(\d\d)_([a-z0-9]+(?:_[a-z0-9]+)*)\.ipynb$")
TITLE_PATTERN = re.compile(r"^# Lesson (\d\d): (\S.*)$")
TIME_PATTERN = re.compile(r"\*\*Estimated time:\*\*\s*(\d+)\s*minutes", re.IGNORECASE)
OBJECTIVE_PATTERN = re.compile(r"^[-*]\s+\*\*(\d\d\.[a-z])\*\*\s+(\S.*)$")
SECTION_PATTERN = re.compile(r"^## (\d+)\. \S")
BULLET_PATTERN = re.compile(r"^[-*]\s+\S")

#: Verbs a learning objective may start with: each names something a learner can be tested on.
MEASURABLE_VERBS = frozenset(
    {
        "apply", "calculate", "classify", "compare", "contrast", "critique", "decide", "defend",
        "describe", "design", "distinguish", "estimate", "evaluate", "explain", "identify",
        "interpret", "justify", "list", "predict", "read", "recognise", "relate", "use",
    }
)  # fmt: skip
ALLOWED_IMPORT_ROOTS = frozenset({"mscpso_edu", "numpy", "matplotlib"})

#: ``widgets`` calls that are explorers (the learner moves a control and sees a result); every
#: ``explore_*`` function is one too. ``widgets.evidence_table`` is a table, not an explorer.
EXPLORERS = frozenset({"pasi_calculator", "isct_classifier", "design_therapy"})

#: Figures and tables (``diagrams`` or ``models`` calls) that show what an explorer would show, so
#: they may not come before its prediction.
EXPLORER_SPOILERS: dict[str, frozenset[str]] = {
    "explore_skin_circuit": frozenset({"treatment_outcome_map"}),
    "explore_keratinocytes": frozenset({"treatment_outcome_map", "keratinocyte_compartments"}),
    "explore_mechanisms": frozenset(
        {"steady_state_plot", "steady_state_table", "healthy_state_limits"}
    ),
}


THINK_PATTERN = re.compile(r"^#{2,6} Think\b", re.MULTILINE)
MISCONCEPTIONS_PATTERN = re.compile(r"^#{2,3} Common misconceptions\s*$", re.MULTILINE)
MISCONCEPTION_BULLET = re.compile(r'^[-*]\s+\*\*["“].+?["”]\*\*\s*\S')


@dataclass(frozen=True)
class Lesson:
    """A lesson notebook read from disk."""

    path: Path
    number: str
    slug: str
    cells: list[dict]

    @property
    def stem(self) -> str:
        """``NN_slug``, the name shared by the notebook and its question bank."""
        return f"{self.number}_{self.slug}"


def _source(cell: dict) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else str(source)


def read_lesson(path: str | Path) -> Lesson:
    """Read a lesson notebook; raise :class:`CourseError` if it is not a valid one."""
    path = Path(path)
    match = NAME_PATTERN.match(path.name)
    if not match:
        raise CourseError(
            "lesson notebooks are named NN_slug.ipynb (two digits, lower-case snake_case slug), "
            f"found {path.name!r}",
            path,
        )
    try:
        notebook = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CourseError("no such lesson notebook", path) from None
    except UnicodeDecodeError as error:
        raise CourseError(f"not UTF-8 text ({error.reason})", path) from None
    except json.JSONDecodeError as error:
        raise CourseError(f"not valid notebook JSON: {error.msg}", path, error.lineno) from None
    if not isinstance(notebook, dict) or not isinstance(notebook.get("cells"), list):
        raise CourseError("not a Jupyter notebook (no list of cells)", path)
    return Lesson(path, match.group(1), match.group(2), notebook["cells"])


def package_calls(
    path: str | Path, module: str, names: Iterable[str]
) -> list[tuple[str, list[Any], dict[str, Any]]]:
    """Every call ``module.name(...)`` in a lesson's code cells, with its literal arguments.

    Returns ``(name, args, kwargs)`` in cell order, for each ``name`` in ``names`` (e.g. the
    circuit figures a lesson draws: ``package_calls(path, "diagrams", {"circuit"})``). Arguments
    are read with :func:`ast.literal_eval`, so a call whose arguments are not literals raises
    ``ValueError``.
    """
    wanted = set(names)
    found = []
    for cell in read_lesson(path).cells:
        if cell.get("cell_type") != "code":
            continue
        for call in _calls(ast.parse(_source(cell)), module):
            if isinstance(call.func, ast.Attribute) and call.func.attr in wanted:
                args = [ast.literal_eval(a) for a in call.args]
                kwargs = {k.arg: ast.literal_eval(k.value) for k in call.keywords}
                found.append((call.func.attr, args, kwargs))
    return found


def read_objectives(path: str | Path) -> dict[str, str]:
    """Return a lesson's learning objectives, id (``"01.a"``) to text.

    Parameters
    ----------
    path
        The lesson notebook.

    Returns
    -------
    dict
        Objective ids in the order they appear, mapped to the objective's text.
    """
    lesson = read_lesson(path)
    objectives: dict[str, str] = {}
    for cell in lesson.cells:
        if cell.get("cell_type") != "markdown":
            continue
        text = _source(cell)
        if not re.search(r"^## Learning objectives", text, re.MULTILINE):
            continue
        for line in text.splitlines():
            match = OBJECTIVE_PATTERN.match(line.strip())
            if match:
                objectives[match.group(1)] = match.group(2).strip()
    return objectives


HEADING_PATTERN = re.compile(r"^(#{1,6})\s+(\S.*)$")


def _check_heading_order(cells: list[dict], problem) -> None:
    """Report a Markdown heading more than one level below the heading before it."""
    previous = 0
    for index, cell in enumerate(cells):
        if cell.get("cell_type") != "markdown":
            continue
        in_fence = False
        for line in _source(cell).splitlines():
            if line.lstrip().startswith("```"):
                in_fence = not in_fence
            match = None if in_fence else HEADING_PATTERN.match(line)
            if match is None:
                continue
            level = len(match.group(1))
            if previous and level > previous + 1:
                problem(
                    index,
                    f"heading {'#' * level} {match.group(2)!r} skips a level after a "
                    f"{'#' * previous} heading: use {'#' * (previous + 1)}",
                )
            previous = level


def _heading_cell(cells: list[dict], pattern: str) -> int | None:
    regex = re.compile(pattern, re.MULTILINE | re.IGNORECASE)
    for index, cell in enumerate(cells):
        if cell.get("cell_type") == "markdown" and regex.search(_source(cell)):
            return index
    return None


def _bullets_after_heading(text: str, heading: str) -> list[str]:
    lines = text.splitlines()
    bullets: list[str] = []
    inside = False
    for line in lines:
        if line.startswith("#"):
            inside = line.strip().lower().startswith(heading.lower())
            continue
        if inside and BULLET_PATTERN.match(line.strip()) and not line.startswith(" "):
            bullets.append(line.strip())
    return bullets


#: Loops a lesson code cell may not hold, by node type: the same formatting loop pasted into
#: several notebooks cannot be tested, so it lives in the package (CONTRIBUTING.md).
LOOP_KINDS: dict[type, str] = {
    ast.For: "for loop",
    ast.AsyncFor: "for loop",
    ast.While: "while loop",
    ast.ListComp: "comprehension",
    ast.SetComp: "comprehension",
    ast.DictComp: "comprehension",
    ast.GeneratorExp: "comprehension",
}


#: The tag (cell metadata ``tags``) of a code exercise's starter cell: the learner's own code.
EXERCISE_TAG = "exercise"


def _exercise_cells(cells: list[dict], code_cells: list[int], trees: dict, problem) -> set[int]:
    """Code cells tagged ``exercise``: the starter of a code exercise, where the learner writes.

    Such a cell may define, import and loop (it is the learner's code, graded by the quiz, not a
    helper), but the next code cell must check it with ``quiz.check(...)``.
    """
    found = set()
    for position, index in enumerate(code_cells):
        if EXERCISE_TAG not in cells[index].get("metadata", {}).get("tags", []):
            continue
        found.add(index)
        following = code_cells[position + 1] if position + 1 < len(code_cells) else None
        if following is None or not _check_ids(trees.get(following, ast.Module(body=[]))):
            problem(
                index, "an exercise cell must be followed by the quiz.check(...) that grades it"
            )
    return found


def _calls(tree: ast.AST, module: str) -> list[ast.Call]:
    """Calls of the form ``module.attr(...)`` (or ``module.sub.attr(...)``) in ``tree``."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            base = node.func.value
            while isinstance(base, ast.Attribute):
                base = base.value
            if isinstance(base, ast.Name) and base.id == module:
                found.append(node)
    return found


def _parse(lesson: Lesson, index: int, problems: list[Problem]) -> ast.AST | None:
    try:
        return ast.parse(_source(lesson.cells[index]))
    except SyntaxError as error:
        problems.append(
            Problem(str(lesson.path), f"cell {index}", f"code does not parse: {error.msg}")
        )
        return None


def lint_notebook(path: str | Path, *, require_bank: bool = True) -> list[Problem]:
    """Check one lesson notebook against the lesson standard.

    Parameters
    ----------
    path
        The notebook.
    require_bank
        Whether the lesson's question bank ``quizzes/NN_slug.yaml`` must exist.

    Returns
    -------
    list of Problem
        Empty when the lesson meets the standard.
    """
    try:
        lesson = read_lesson(path)
    except CourseError as error:
        return [error.as_problem()]
    where = str(lesson.path)
    problems: list[Problem] = []

    def problem(cell: int | None, message: str) -> None:
        problems.append(Problem(where, None if cell is None else f"cell {cell}", message))

    raw = json.loads(lesson.path.read_text(encoding="utf-8"))
    _check_clean(raw, lesson, problem)
    cells = lesson.cells
    if not cells:
        problem(None, "the notebook has no cells")
        return problems

    # 1. Title, overview, time.
    first = _source(cells[0]) if cells[0].get("cell_type") == "markdown" else ""
    title = TITLE_PATTERN.match(first.splitlines()[0]) if first.strip() else None
    if not title:
        problem(0, f"the first cell must be Markdown starting '# Lesson {lesson.number}: Title'")
    elif title.group(1) != lesson.number:
        problem(0, f"title says lesson {title.group(1)} but the file is lesson {lesson.number}")
    minutes = TIME_PATTERN.search(first) if first else None
    if first and not minutes:
        problem(0, "the title cell needs a line '**Estimated time:** N minutes'")
    if title and minutes:
        _check_catalogue(lesson, title.group(2).strip(), int(minutes.group(1)), problem)

    # 2. Learning objectives.
    objectives_at = _heading_cell(cells, r"^## Learning objectives")
    if objectives_at is None:
        problem(None, "no '## Learning objectives' cell")
    else:
        _check_objectives(lesson, objectives_at, problem)

    # 3. Prerequisites.
    if _heading_cell(cells, r"^## Prerequisites") is None:
        problem(None, "no '## Prerequisites' cell")

    # 4. One setup cell of imports, and no helper code anywhere.
    code_cells = [i for i, c in enumerate(cells) if c.get("cell_type") == "code"]
    if not code_cells:
        problem(None, "no code cells: a lesson needs a setup cell, an explorer and its quiz")
        return problems
    trees: dict[int, ast.AST] = {}
    for index in code_cells:
        tree = _parse(lesson, index, problems)
        if tree is not None:
            trees[index] = tree
    setup = code_cells[0]
    if setup in trees:
        _check_setup(trees[setup], setup, problem)
    exercises = _exercise_cells(cells, code_cells, trees, problem)
    for index, tree in trees.items():
        if index in exercises:
            continue  # the learner's own code: it may define, import and loop
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                problem(index, f"defines {node.name!r}: helpers belong in the mscpso_edu package")
            if index != setup and isinstance(node, ast.Import | ast.ImportFrom):
                problem(index, "imports belong in the single setup cell at the top")
        # One message per cell, naming the loop that comes first in the source.
        loops = sorted(
            (n for n in ast.walk(tree) if type(n) in LOOP_KINDS),
            key=lambda n: (n.lineno, n.col_offset),
        )
        if loops:
            problem(
                index,
                f"contains a {LOOP_KINDS[type(loops[0])]}: formatting and looping belong in a "
                "package helper that returns Markdown or a table (one call per cell)",
            )
        if "np.random.seed" in _source(cells[index]):
            problem(index, "use a seeded numpy.random.Generator, not np.random.seed")

    # 5. Numbered sections.
    numbers = [
        int(m.group(1))
        for c in cells
        if c.get("cell_type") == "markdown"
        for m in [SECTION_PATTERN.match(line) for line in _source(c).splitlines()]
        if m
    ]
    if not numbers:
        problem(None, "no numbered sections ('## 1. ...')")
    elif numbers != list(range(1, len(numbers) + 1)):
        problem(None, f"sections must be numbered 1, 2, 3, ... in order; found {numbers}")

    # 6. Explore activity with what to notice and a question to think about.
    explore_at = _heading_cell(cells, r"^#{2,4} .*Explore")
    if explore_at is None:
        problem(None, "no Explore activity (a heading containing 'Explore')")
    else:
        widget_cells = [i for i, t in trees.items() if i > explore_at and _calls(t, "widgets")]
        if not widget_cells:
            problem(explore_at, "the Explore activity needs a code cell calling a widgets explorer")
        if _heading_cell(cells[explore_at:], r"What to notice") is None:
            problem(explore_at, "the Explore activity needs a 'What to notice' list after it")
        if _heading_cell(cells[explore_at:], r"\bThink\b") is None:
            problem(explore_at, "the Explore activity needs a 'Think' question after it")

    # 7. Figures drawn by the package.
    figure_calls = sum(len(_calls(t, "diagrams")) for t in trees.values())
    if figure_calls < 2:
        problem(None, f"needs at least two figures from mscpso_edu.diagrams, found {figure_calls}")

    # 8. Mid-lesson check.
    check_at = _heading_cell(cells, r"^#{2,4} .*Check your understanding")
    quiz_calls = {
        i: [c for c in _calls(t, "quiz") if getattr(c.func, "attr", "")] for i, t in trees.items()
    }
    if check_at is None:
        problem(None, "no 'Check your understanding' block")
    elif not any(
        i > check_at and any(c.func.attr == "check" for c in calls)
        for i, calls in quiz_calls.items()
    ):
        problem(check_at, "the check needs a code cell calling quiz.check(...) after it")

    # 9. Key points.
    key_at = _heading_cell(cells, r"^## Key points")
    if key_at is None:
        problem(None, "no '## Key points' cell")
    else:
        count = len(_bullets_after_heading(_source(cells[key_at]), "## Key points"))
        if not 3 <= count <= 6:
            problem(key_at, f"key points need 3 to 6 bullets, found {count}")

    # 10. References generated from the knowledge base.
    refs_at = _heading_cell(cells, r"^## References")
    if refs_at is None:
        problem(None, "no '## References' cell")
    else:
        bibliography = [
            (i, call)
            for i, t in trees.items()
            if i > refs_at
            for call in _calls(t, "knowledge")
            if call.func.attr == "bibliography"
        ]
        if not bibliography:
            problem(refs_at, "generate references: call knowledge.bibliography([...]) after it")
        else:
            _check_citations(lesson, *bibliography[0], problem)

    # Headings never skip a level: screen readers navigate by the outline (axe: heading-order).
    _check_heading_order(cells, problem)

    # 12. Predict before explorers, discuss every Think prompt, name the misconceptions.
    _check_active_learning(lesson, trees, problem)

    # 11. The end-of-lesson quiz, last, with the lesson's own bank.
    last = code_cells[-1]
    show = [c for c in quiz_calls.get(last, []) if c.func.attr == "show"]
    expected = lesson.stem
    if not show:
        problem(last, f'the last code cell must be quiz.show("{expected}")')
    else:
        args = show[0].args
        slug = args[0].value if args and isinstance(args[0], ast.Constant) else None
        if slug != expected:
            problem(last, f'the end-of-lesson quiz must be quiz.show("{expected}"), found {slug!r}')
    if require_bank:
        bank = quizzes_dir() / f"{expected}.yaml"
        if not bank.is_file():
            problem(None, f"no question bank {bank.name} in {bank.parent}")
    return problems


def _explorer_calls(tree: ast.AST) -> list[str]:
    return [
        call.func.attr
        for call in _calls(tree, "widgets")
        if call.func.attr.startswith("explore_") or call.func.attr in EXPLORERS
    ]


def _check_ids(tree: ast.AST) -> tuple[str | None, list[str]] | None:
    """``(slug, ids)`` when the cell is one ``quiz.check("slug", "id", ...)`` call, else None."""
    calls = [c for c in _calls(tree, "quiz") if c.func.attr == "check"]
    if len(calls) != 1:
        return None
    args = [a.value if isinstance(a, ast.Constant) else None for a in calls[0].args]
    if not args or not all(isinstance(a, str) for a in args):
        return (None, [])
    return args[0], list(args[1:])


def _check_active_learning(lesson: Lesson, trees: dict[int, ast.AST], problem) -> None:
    """Predictions before explorers, a discussed answer after every Think, misconceptions."""
    from .quiz.bank import load_bank

    cells = lesson.cells
    try:
        bank = load_bank(lesson.stem)
    except CourseError as error:
        problem(None, f"cannot read the lesson's bank to check its roles: {error.message}")
        return
    questions = {question.id: question for question in bank}
    code = sorted(trees)
    placed: dict[int, str] = {}  # check cell -> the role its place calls for

    # Predictions: the code cell before each explorer is a check of prediction questions, and
    # nothing before that check shows the same result.
    shown: dict[str, int] = {}  # a widgets/diagrams/models call's name -> first cell with it
    for index in code:
        for module in ("widgets", "diagrams", "models"):
            for call in _calls(trees[index], module):
                shown.setdefault(call.func.attr, index)
    for index in code:
        for name in _explorer_calls(trees[index]):
            earlier = [i for i in code if i < index]
            prediction = earlier[-1] if earlier else None
            found = _check_ids(trees[prediction]) if prediction is not None else None
            if not found or not found[1]:
                problem(
                    index,
                    f"explorer {name}() needs a recorded prediction just before it: a code cell "
                    f'quiz.check("{lesson.stem}", "...") with role: prediction questions',
                )
                continue
            placed[prediction] = "prediction"
            for spoiler in sorted({name} | EXPLORER_SPOILERS.get(name, frozenset())):
                first = shown.get(spoiler)
                if first is not None and first < prediction:
                    problem(
                        first,
                        f"{spoiler}() shows what the explorer {name}() in cell {index} shows, "
                        f"before its prediction (cell {prediction}): move it after the explorer",
                    )
            after = index + 1
            if (
                after >= len(cells)
                or cells[after].get("cell_type") != "markdown"
                or not re.search(r"What to notice", _source(cells[after]))
            ):
                problem(
                    index,
                    f"explorer {name}() must be followed by a Markdown cell with 'What to notice' "
                    "(why it came out that way)",
                )

    # Think prompts: each is followed by its recorded answer and the expert discussion.
    for index, cell in enumerate(cells):
        if cell.get("cell_type") != "markdown" or not THINK_PATTERN.search(_source(cell)):
            continue
        text = _source(cell)
        last_heading = [line for line in text.splitlines() if line.startswith("#")][-1]
        if not THINK_PATTERN.match(last_heading):
            problem(
                index,
                "a Think prompt must end its Markdown cell (split the cell after it), so its "
                "answer box comes next",
            )
            continue
        following = [i for i in code if i > index]
        found = _check_ids(trees[following[0]]) if following else None
        if not found or len(found[1]) != 1:
            problem(
                index,
                "a Think prompt must be followed by its recorded answer: a code cell "
                f'quiz.check("{lesson.stem}", "think_...") with one role: think question',
            )
            continue
        placed[following[0]] = "think"

    # Every question a lesson asks on the way carries the role of its place.
    for index in code:
        found = _check_ids(trees[index])
        if found is None:
            continue
        slug, ids = found
        if slug != lesson.stem:
            if slug is not None:
                problem(index, f"a check in this lesson asks bank {slug!r}; use {lesson.stem!r}")
            continue
        role = placed.get(index, "check")
        for question_id in ids:
            question = questions.get(question_id)
            if question is None:
                problem(index, f"no question {question_id!r} in {bank.path.name}")
                continue
            if question.role != role:
                problem(
                    index,
                    f"question {question_id!r} is asked as a {role} here: give it "
                    f"'role: {role}' in {bank.path.name} (it has {question.role!r})",
                )
            if role == "think":
                _check_think_question(question, bank.path.name, index, problem)

    # Common misconceptions.
    misconceptions_at = _heading_cell(cells, MISCONCEPTIONS_PATTERN.pattern)
    if misconceptions_at is None:
        problem(None, "no '## Common misconceptions' cell (3 to 5 beliefs, each corrected)")
        return
    text = _source(cells[misconceptions_at])
    bullets = _whole_bullets(text[MISCONCEPTIONS_PATTERN.search(text).end() :])
    if not 3 <= len(bullets) <= 5:
        problem(
            misconceptions_at, f"common misconceptions need 3 to 5 bullets, found {len(bullets)}"
        )
    for bullet in bullets:
        if not MISCONCEPTION_BULLET.match(bullet):
            problem(
                misconceptions_at,
                f"misconception {bullet[:40]!r} must open with the belief in bold quotes: "
                '- **"..."** then the correction',
            )
        elif not CITATION_PATTERN.search(bullet):
            problem(
                misconceptions_at,
                f"misconception {bullet[:40]!r} needs a cited reason, e.g. [Author 2020]",
            )


def _whole_bullets(text: str) -> list[str]:
    """Top-level bullets up to the next heading, each with its indented continuation lines."""
    bullets: list[str] = []
    for line in text.splitlines():
        if line.startswith("#"):
            break
        if BULLET_PATTERN.match(line) and not line.startswith(" "):
            bullets.append(line.strip())
        elif bullets and line.startswith(" ") and line.strip():
            bullets[-1] += " " + line.strip()
    return bullets


def _check_think_question(question, bank_name: str, index: int, problem) -> None:
    from .quiz.questions import ReflectionQuestion

    if not isinstance(question, ReflectionQuestion):
        problem(index, f"Think question {question.id!r} must be type: reflection in {bank_name}")
        return
    if not question.guidance.strip():
        problem(index, f"Think question {question.id!r} needs guidance (what a good answer weighs)")
    if not re.search(r"\[[a-z]+\d{4}[a-z]?(?:, ?[a-z]+\d{4}[a-z]?)*\]", question.explanation):
        problem(
            index,
            f"Think question {question.id!r}: its explanation is the expert discussion and must "
            "cite its sources as [refid]",
        )


_ONE_CITATION = r"[A-Z][\w'\- ]*? \d{4}[a-z]?"
CITATION_PATTERN = re.compile(rf"\[({_ONE_CITATION}(?:; {_ONE_CITATION})*)\]")


def _check_citations(lesson: Lesson, index: int, call: ast.Call, problem) -> None:
    """Every inline citation must resolve to a reference listed in the References cell."""
    from . import knowledge

    try:
        ids = ast.literal_eval(call.args[0]) if call.args else None
    except ValueError:
        ids = None
    if not isinstance(ids, list | tuple) or not all(isinstance(i, str) for i in ids):
        problem(index, "knowledge.bibliography() needs a literal list of reference ids")
        return
    known = knowledge.reference_ids()
    cited_forms: dict[str, str] = {}
    for ref_id in ids:
        if ref_id not in known:
            problem(index, f"unknown reference id {ref_id!r} in the bibliography")
        else:
            cited_forms[knowledge.cite(ref_id)] = ref_id
    for cell_index, cell in enumerate(lesson.cells):
        if cell.get("cell_type") != "markdown":
            continue
        for citation in CITATION_PATTERN.findall(_source(cell)):
            for part in citation.split(";"):
                if part.strip() not in cited_forms:
                    problem(
                        cell_index,
                        f"citation [{part.strip()}] is not among the references the lesson "
                        "lists in knowledge.bibliography([...])",
                    )


def _check_catalogue(lesson: Lesson, title: str, minutes: int, problem) -> None:
    """The course catalogue (knowledge base) must say what the lesson itself says."""
    from . import knowledge

    entry = next((item for item in knowledge.lessons() if item.slug == lesson.stem), None)
    if entry is None:
        problem(0, f"lesson {lesson.stem} is not in the course catalogue (knowledge/course.yaml)")
        return
    if entry.title != title:
        problem(0, f"title {title!r} differs from the course catalogue's {entry.title!r}")
    if entry.minutes != minutes:
        problem(
            0, f"estimated time {minutes} min differs from the course catalogue's {entry.minutes}"
        )


def _check_clean(raw: dict, lesson: Lesson, problem) -> None:
    if raw.get("nbformat") != 4:
        problem(None, f"nbformat must be 4, found {raw.get('nbformat')!r}")
    metadata = raw.get("metadata", {})
    kernelspec = metadata.get("kernelspec", {})
    if kernelspec.get("name") != "python3" or kernelspec.get("language") != "python":
        problem(None, "kernelspec must be the standard one: name 'python3', language 'python'")
    if "widgets" in metadata:
        problem(None, "notebook metadata carries saved widget state: clear it before committing")
    for index, cell in enumerate(lesson.cells):
        if cell.get("cell_type") == "code":
            if cell.get("outputs"):
                problem(index, "carries outputs: commit notebooks without outputs")
            if cell.get("execution_count") is not None:
                problem(index, "carries an execution count: commit notebooks without them")


def _check_objectives(lesson: Lesson, index: int, problem) -> None:
    text = _source(lesson.cells[index])
    bullets = _bullets_after_heading(text, "## Learning objectives")
    if not 3 <= len(bullets) <= 6:
        problem(index, f"learning objectives need 3 to 6 bullets, found {len(bullets)}")
    expected_letter = "a"
    for bullet in bullets:
        match = OBJECTIVE_PATTERN.match(bullet)
        if not match:
            example = f"- **{lesson.number}.a** Verb ..."
            problem(index, f"objective {bullet[:40]!r} must look like {example!r}")
            continue
        objective_id, body = match.groups()
        if objective_id != f"{lesson.number}.{expected_letter}":
            problem(index, f"objective {objective_id} should be {lesson.number}.{expected_letter}")
        expected_letter = chr(ord(objective_id[-1]) + 1)
        verb = re.sub(r"[^a-z]", "", body.split()[0].lower())
        if verb not in MEASURABLE_VERBS:
            problem(
                index,
                f"objective {objective_id} starts with {body.split()[0]!r}; start with a "
                f"measurable verb ({', '.join(sorted(MEASURABLE_VERBS))})",
            )


def _check_setup(tree: ast.AST, index: int, problem) -> None:
    statements = tree.body if isinstance(tree, ast.Module) else []
    for node in statements:
        if isinstance(node, ast.Import):
            roots = {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            roots = {(node.module or "").split(".")[0]}
        elif isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            continue
        else:
            problem(index, "the setup cell holds imports only")
            return
        bad = roots - ALLOWED_IMPORT_ROOTS
        if bad:
            allowed = ", ".join(sorted(ALLOWED_IMPORT_ROOTS))
            problem(index, f"the setup cell imports {sorted(bad)}; only {allowed} are allowed")


def check_lessons(paths: Sequence[Path] = ()) -> list[Problem]:
    """Lint every lesson notebook (or only the notebooks among ``paths``)."""
    if paths:
        notebooks: list[Path] = []
        for path in paths:
            if path.is_dir():
                notebooks.extend(sorted(path.glob("*.ipynb")))
            elif path.suffix == ".ipynb":
                notebooks.append(path)
    else:
        notebooks = sorted(lessons_dir().glob("*.ipynb"))
    problems: list[Problem] = []
    for notebook in notebooks:
        problems.extend(lint_notebook(notebook))
    return problems
