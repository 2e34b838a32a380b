"""Which way imports go: no import cycle inside the package, the learner's side (``quiz``) never
imports the instructor's (``classroom``), and the command line starts without heavy imports.

The import graph is read from the source (AST), every ``import`` statement counted wherever it
sits: at module level, inside a function, or under ``if TYPE_CHECKING``. A package's
``__init__`` is a node of its own; ``from .pkg import name`` points at ``pkg.name`` when that is a
module and at ``pkg`` otherwise.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "mscpso_edu"


def _modules() -> dict[str, tuple[Path, str]]:
    """Module name -> (file, the package relative imports start from)."""
    modules = {}
    for path in PACKAGE.rglob("*.py"):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
            package = ".".join(parts)
        else:
            package = ".".join(parts[:-1])
        modules[".".join(parts)] = (path, package)
    return modules


def _imports(
    path: Path, package: str, modules: dict[str, tuple[Path, str]]
) -> list[tuple[str, int]]:
    """The package modules ``path`` imports, with the line of each import statement."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            for alias in node.names:
                sub = f"{target}.{alias.name}"
                found.append((sub if sub in modules else target, node.lineno))
    return [(name, line) for name, line in found if name in modules]


def import_graph() -> dict[str, set[str]]:
    """Module -> the package modules it imports (itself excluded)."""
    modules = _modules()
    return {
        name: {target for target, _ in _imports(path, package, modules) if target != name}
        for name, (path, package) in modules.items()
    }


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (each is an import cycle)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for successor in sorted(graph.get(node, ())):
            if successor not in index:
                visit(successor)
                low[node] = min(low[node], low[successor])
            elif successor in on_stack:
                low[node] = min(low[node], index[successor])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_the_cycle_finder_finds_cycles():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": {"e"}}
    assert cycles(graph) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_the_graph_sees_function_level_and_relative_imports(tmp_path):
    modules = {"pkg": (tmp_path, "pkg"), "pkg.a": (tmp_path, "pkg"), "pkg.b": (tmp_path, "pkg")}
    source = tmp_path / "a.py"
    source.write_text("def f():\n    from .b import thing\n    from . import b\n")
    assert _imports(source, "pkg", modules) == [("pkg.b", 2), ("pkg.b", 3)]


def test_no_import_cycles_in_the_package():
    found = cycles(import_graph())
    assert found == [], "import cycles: " + "; ".join(" <-> ".join(c) for c in found)


def test_the_learners_side_never_imports_the_instructors():
    modules = _modules()
    wrong = [
        f"{path.relative_to(PACKAGE.parent)}:{line} imports {target}"
        for name, (path, package) in sorted(modules.items())
        if name == "mscpso_edu.quiz" or name.startswith("mscpso_edu.quiz.")
        for target, line in _imports(path, package, modules)
        if target == "mscpso_edu.classroom" or target.startswith("mscpso_edu.classroom.")
    ]
    assert wrong == []


@pytest.mark.parametrize(
    "argv", [["--version"], ["--help"], ["grade", "--help"], ["check", "--help"]]
)
def test_the_command_line_starts_without_heavy_imports(argv):
    # What keeps `mscpso-edu --help` under 0.3 s (benchmarks time it): building the parser
    # imports none of the heavy libraries; each command imports them when it runs.
    code = (
        "import sys\n"
        "from mscpso_edu.cli import main\n"
        "try:\n"
        f"    main({argv!r})\n"
        "except SystemExit:\n"
        "    pass\n"
        "heavy = ('matplotlib', 'numpy', 'scipy', 'yaml', 'jsonschema', 'ipywidgets')\n"
        "print(sorted(m for m in heavy if m in sys.modules))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert done.stdout.strip().splitlines()[-1] == "[]"


def test_the_package_itself_imports_nothing_heavy():
    code = (
        "import sys, mscpso_edu\n"
        "print(sorted(m for m in ('matplotlib', 'numpy', 'ipywidgets') if m in sys.modules))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert done.stdout.strip() == "[]"


def test_every_quiz_and_classroom_module_imports():
    # The graph above only sees modules that exist; this catches an import of a moved one.
    names = sorted(
        name
        for name in _modules()
        if name.startswith(("mscpso_edu.quiz", "mscpso_edu.classroom", "mscpso_edu.cli"))
    )
    code = "import importlib\n" + "".join(f"importlib.import_module({n!r})\n" for n in names)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr


def test_schema_validation_skips_the_format_libraries_and_leaves_them_importable():
    code = (
        "import importlib.util, sys\n"
        "from mscpso_edu._schema import validator\n"
        "check = validator({'type': 'object', 'required': ['a']})\n"
        "assert check.is_valid({'a': 1}) and not check.is_valid({})\n"
        "assert 'rfc3987_syntax' not in sys.modules\n"
        "assert all(sys.modules.get(n, 0) is not None for n in ('idna', 'rfc3987_syntax'))\n"
        "if importlib.util.find_spec('idna'):\n"
        "    import idna  # still importable by anyone else\n"
        "print('ok')\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.stdout.strip() == "ok", done.stderr


def test_models_load_lazily_and_every_public_name_resolves():
    code = (
        "import sys\n"
        "from mscpso_edu.models import pasi\n"
        "assert 'scipy' not in sys.modules, 'importing models.pasi pulled in scipy'\n"
        "import mscpso_edu.models as models\n"
        "missing = [n for n in models.__all__ if getattr(models, n, None) is None]\n"
        "print(missing)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
