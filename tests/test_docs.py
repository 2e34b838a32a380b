"""The contributor documentation lives in the repository: every link in it resolves, and the code
points at no document the repository does not hold."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = [ROOT / "README.md", ROOT / "CONTRIBUTING.md", *sorted((ROOT / "docs").glob("*.md"))]
LINK = re.compile(r"\]\(([^)#\s]+)(#[^)\s]*)?\)")


@pytest.mark.parametrize("doc", DOCS, ids=lambda path: path.name)
def test_every_relative_link_resolves(doc):
    for target, _anchor in LINK.findall(doc.read_text(encoding="utf-8")):
        if "://" in target or target.startswith("mailto:"):
            continue
        assert (doc.parent / target).exists(), f"{doc.name}: {target} does not exist"


def test_the_guides_cover_what_a_contributor_adds():
    howto = (ROOT / "docs" / "howto.md").read_text(encoding="utf-8")
    for heading in (
        "## Add a fact",
        "## Add a lesson",
        "## Add a question type",
        "## Add an explorer",
    ):
        assert heading in howto
    standard = (ROOT / "docs" / "lesson-standard.md").read_text(encoding="utf-8")
    assert "## The skeleton (checked by the linter)" in standard


def test_code_points_only_at_documents_in_the_repository():
    """No pointer to the project's private notes (the dossier, LESSON_STANDARD.md, STYLE.md...)."""
    outside = re.compile(
        r"LESSON_STANDARD\.md|PEDAGOGY\.md|STYLE\.md|DESIGN\.md|\bdossier\b|shared notes"
    )
    found = []
    for path in sorted((ROOT / "mscpso_edu").rglob("*.py")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if outside.search(line) and '"dossier"' not in line:
                found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert found == []
