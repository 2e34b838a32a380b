"""The learner's install is lean: extras hold everything the learner does not need, and a command
that needs an extra that is missing says which one in one line."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

from mscpso_edu.cli import main

ROOT = Path(__file__).resolve().parents[1]


def _project() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]


def _names(requirements: list[str]) -> set[str]:
    names = set()
    for requirement in requirements:
        name = requirement.split(";")[0]
        for stop in "<>=![ ":
            name = name.split(stop)[0]
        names.add(name.strip().lower().replace("_", "-"))
    return names


def test_core_dependencies_are_the_learners_only():
    project = _project()
    core = _names(project["dependencies"])
    assert {"jupyterlab", "ipywidgets", "matplotlib", "numpy", "scipy", "pyyaml"} <= core
    extras = project["optional-dependencies"]
    assert {"instructor", "test", "hub", "e2e", "site"} <= set(extras)
    for extra, requirements in extras.items():
        assert not core & _names(requirements), f"extra {extra} repeats a core dependency"
    assert "statsmodels" in _names(extras["test"])  # the oracle of the random-effects tests
    for tool in (
        "qti-package-maker", "pytest", "jupyterhub", "playwright", "jupyter-book", "statsmodels",
        "pandas",
    ):  # fmt: skip
        assert tool not in core


def test_learner_modules_import_no_extra():
    """Opening a lesson, and lesson 08's pool, import none of the instructor, test, hub, e2e or site
    tools (statsmodels and pandas included)."""
    code = (
        "import sys\n"
        "from mscpso_edu import diagrams, knowledge, models, quiz, widgets\n"
        "import mscpso_edu.cli\n"
        "pooled = models.appraisal.pool_response_rates()\n"
        "pooled.table(), pooled.logit_table(), diagrams.forest_plot(pooled)\n"
        "extra = {'qti_package_maker', 'pytest', 'nbval', 'hypothesis', 'roadrunner', 'jupyterhub',"
        " 'playwright', 'voila', 'jupyter_book', 'text2qti', 'pygiftparser', 'statsmodels',"
        " 'pandas', 'patsy'}\n"
        "print(sorted(extra & {m.split('.')[0] for m in sys.modules}))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True
    )
    assert result.stdout.strip() == "[]"


def test_qti_export_without_the_instructor_extra_says_what_to_install(
    monkeypatch, tmp_path, capsys
):
    monkeypatch.setitem(sys.modules, "qti_package_maker.package_interface", None)
    status = main(
        ["export", "--format", "qti", "--quiz", "00_start_here", "--out", str(tmp_path / "q.zip")]
    )
    assert status == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1
    assert "pip install 'mscpso-edu[instructor]'" in err[0]
    assert not (tmp_path / "q.zip").exists()
