"""What the skin model's therapy inputs stand for, and the course's words for kinds of evidence.

``therapy.yaml`` holds the cited prose the models and figures used to carry in Python: each MSC
mechanism's mapping onto the Shmarov 2022 skin circuit with what its sources show (and their own
words), the dosing products with where each number comes from, and one label per evidence level
and per clinical-study product. :func:`therapy_data` reads it once; :func:`check_therapy` (run by
``mscpso-edu check``) reports every problem as ``path:line: message``, including the support
checks every cited claim of the knowledge base passes.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

from ..errors import CourseError, Problem
from ..yamlfile import YamlPath, line_of, read_data
from ._support import Claim, Support, check_claims

__all__ = [
    "THERAPY_FILE",
    "DosingProduct",
    "MechanismText",
    "TherapyData",
    "check_therapy",
    "therapy_data",
    "therapy_problems",
]

THERAPY_FILE = Path(__file__).resolve().parent / "therapy.yaml"
_MAX_BYTES = 200_000
_KINDS = ("reduce", "clearance")


@dataclass(frozen=True)
class MechanismText:
    """One mechanism: the SBML parameters it scales, how, and what its sources show."""

    id: str
    targets: tuple[str, ...]
    kind: str
    label: str
    description: str
    refs: tuple[str, ...]


@dataclass(frozen=True)
class DosingProduct:
    """An MSC product of the dosing model: dose units, default dose, exposure half-life, EC50."""

    id: str
    dose_unit: str
    default_dose: float
    half_life_days: float
    half_life_source: str
    ec50: float
    illustrative: tuple[str, ...]
    dose_source: str
    refs: tuple[str, ...]


@dataclass(frozen=True)
class TherapyData:
    """Everything in ``therapy.yaml``, by id."""

    mechanisms: Mapping[str, MechanismText]
    dosing_products: Mapping[str, DosingProduct]
    #: Evidence level -> label for tables and menus, and a short one for legends.
    evidence_labels: Mapping[str, str]
    evidence_short: Mapping[str, str]
    #: Clinical-study product -> label.
    study_product_labels: Mapping[str, str]


class _Reader:
    """Collects problems with their lines while the file is turned into objects."""

    def __init__(self, path: Path, lines: Mapping[YamlPath, int]) -> None:
        self.path, self.lines, self.problems = path, lines, []

    def problem(self, where: YamlPath, message: str) -> None:
        self.problems.append(Problem(str(self.path), line_of(self.lines, where), message))

    def entries(self, data: Any, section: str) -> list[tuple[int, dict[str, Any]]]:
        items = data.get(section) if isinstance(data, dict) else None
        if not isinstance(items, list) or not items:
            self.problem((section,), f"'{section}' must be a non-empty list")
            return []
        found, seen = [], set()
        for i, entry in enumerate(items):
            if not isinstance(entry, dict) or not isinstance(entry.get("id"), str):
                self.problem((section, i), f"{section}[{i}] must be a mapping with an 'id'")
                continue
            if entry["id"] in seen:
                self.problem((section, i, "id"), f"duplicate id '{entry['id']}'")
            seen.add(entry["id"])
            found.append((i, entry))
        return found

    def field(self, entry: dict, where: YamlPath, name: str, kind: type | tuple) -> Any:
        value = entry.get(name)
        if isinstance(value, bool) or not isinstance(value, kind):
            expected = "a number" if kind == (int, float) else kind.__name__
            self.problem((*where, name), f"'{name}' must be {expected}")
            return None
        return value

    def names(self, entry: dict, where: YamlPath, name: str) -> tuple[str, ...]:
        value = entry.get(name, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.problem((*where, name), f"'{name}' must be a list of names")
            return ()
        return tuple(value)

    def support(self, entry: dict, where: YamlPath) -> tuple[Support, ...]:
        items = entry.get("support", [])
        found = []
        for k, item in enumerate(items if isinstance(items, list) else []):
            keys = ("ref", "quote", "where")
            if not isinstance(item, dict) or not all(isinstance(item.get(x), str) for x in keys):
                self.problem((*where, "support", k), "support needs ref, quote and where")
                continue
            found.append(
                Support(
                    item["ref"], item["quote"], item["where"], bool(item.get("secondhand")),
                    item.get("primary"), line_of(self.lines, (*where, "support", k)) or 0,
                )
            )  # fmt: skip
        return tuple(found)


def _read(path: Path) -> tuple[TherapyData | None, list[Problem], list[Claim]]:
    data, lines = read_data(path, _MAX_BYTES, "a knowledge file")
    reader = _Reader(path, lines)
    claims: list[Claim] = []

    def claim(where: YamlPath, label: str, text: str, refs: tuple[str, ...], entry: dict):
        support = reader.support(entry, where)
        line = line_of(lines, where) or 0
        claims.append(Claim(path.name, label, str(path), line, text, refs, support))

    mechanisms = {}
    for i, entry in reader.entries(data, "mechanisms"):
        where = ("mechanisms", i)
        kind = reader.field(entry, where, "kind", str)
        if kind is not None and kind not in _KINDS:
            reader.problem((*where, "kind"), f"'kind' must be one of {', '.join(_KINDS)}")
        text = reader.field(entry, where, "description", str)
        label = reader.field(entry, where, "label", str)
        targets = reader.names(entry, where, "targets")
        refs = reader.names(entry, where, "refs")
        if not targets:
            reader.problem((*where, "targets"), "'targets' must name at least one parameter")
        if text is not None:
            claim(where, f"mechanism {entry['id']}", text, refs, entry)
        mechanisms[entry["id"]] = MechanismText(
            entry["id"], targets, kind or "", label or "", text or "", refs
        )
    products = {}
    for i, entry in reader.entries(data, "dosing_products"):
        where = ("dosing_products", i)
        numbers = {
            name: reader.field(entry, where, name, (int, float))
            for name in ("default_dose", "half_life_days", "ec50")
        }
        texts = {
            name: reader.field(entry, where, name, str)
            for name in ("dose_unit", "half_life_source", "dose_source")
        }
        refs = reader.names(entry, where, "refs")
        illustrative = reader.names(entry, where, "illustrative")
        if texts["half_life_source"] is not None and "half_life_days" not in illustrative:
            claim(where, f"product {entry['id']} half-life", texts["half_life_source"], refs, entry)
        if None in numbers.values() or None in texts.values():
            continue
        products[entry["id"]] = DosingProduct(
            entry["id"], texts["dose_unit"], float(numbers["default_dose"]),
            float(numbers["half_life_days"]), texts["half_life_source"], float(numbers["ec50"]),
            illustrative, texts["dose_source"], refs,
        )  # fmt: skip
    labels, short, study = {}, {}, {}
    for i, entry in reader.entries(data, "evidence_levels"):
        labels[entry["id"]] = reader.field(entry, ("evidence_levels", i), "label", str) or ""
        short[entry["id"]] = reader.field(entry, ("evidence_levels", i), "short", str) or ""
    for i, entry in reader.entries(data, "study_products"):
        study[entry["id"]] = reader.field(entry, ("study_products", i), "label", str) or ""
    result = TherapyData(
        MappingProxyType(mechanisms),
        MappingProxyType(products),
        MappingProxyType(labels),
        MappingProxyType(short),
        MappingProxyType(study),
    )
    return (None if reader.problems else result), reader.problems, claims


def therapy_problems(path: Path = THERAPY_FILE) -> list[Problem]:
    """Return every problem of ``therapy.yaml``: shape, known ids and references, support."""
    from . import load
    from ._model import EVIDENCE_LEVELS, PRODUCTS

    try:
        data, problems, claims = _read(path)
    except CourseError as error:
        return [error.as_problem()]
    references = load().references
    problems.extend(check_claims(claims, {ref.id: ref.kind for ref in references.values()}))
    for claim in claims:
        for ref in claim.refs:
            if ref not in references:
                problems.append(Problem(claim.path, claim.line, f"unknown reference id '{ref}'"))
    if data is not None:
        for name, have, known in (
            ("evidence_levels", set(data.evidence_labels), EVIDENCE_LEVELS),
            ("study_products", set(data.study_product_labels), PRODUCTS),
        ):
            if have != set(known):
                missing, extra = sorted(set(known) - have), sorted(have - set(known))
                problems.append(
                    Problem(str(path), None, f"{name} must label exactly the values "
                            f"clinical_studies.yaml uses (missing {missing}, unknown {extra})")
                )  # fmt: skip
    return problems


def check_therapy(paths: Sequence[Path]) -> list[Problem]:
    """Checker for ``mscpso-edu check``: ``therapy.yaml`` when named, or when no path is given."""
    wanted = [p for p in paths if p.resolve() == THERAPY_FILE] if paths else [THERAPY_FILE]
    wanted += [p for p in paths if p.resolve() == THERAPY_FILE.parent]
    return therapy_problems() if wanted else []


@functools.cache
def therapy_data() -> TherapyData:
    """Return the course's ``therapy.yaml``, read once; :class:`CourseError` if it has a problem."""
    data, problems, _claims = _read(THERAPY_FILE)
    if data is None:
        first = problems[0]
        listing = "\n".join(str(problem) for problem in problems)
        raise CourseError(f"{len(problems)} problem(s):\n{listing}", first.path, first.line)
    return data
