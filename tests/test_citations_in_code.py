"""Every reference id the package's code cites exists in the knowledge base."""

from __future__ import annotations

import re
from pathlib import Path

from mscpso_edu import knowledge

PACKAGE = Path(knowledge.__file__).resolve().parent.parent
# A quoted token shaped like a reference id: surname letters, a year, an optional letter.
REFERENCE_LIKE = re.compile(r"[\"']([a-z]+(?:19|20)\d\d[a-z]?)\b")


def test_reference_ids_in_package_code_are_in_the_knowledge_base():
    known = knowledge.reference_ids()
    missing = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            for ref_id in REFERENCE_LIKE.findall(line):
                if ref_id not in known:
                    missing.append(f"{path.relative_to(PACKAGE)}:{number}: {ref_id}")
    assert missing == []


def test_model_parameters_cite_known_references():
    from mscpso_edu import models

    known = knowledge.reference_ids()
    for mechanism in models.MECHANISMS.values():
        assert set(mechanism.refs) <= known, mechanism.name
