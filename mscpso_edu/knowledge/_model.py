"""The knowledge base's records and the validator that builds them from the YAML files.

Every record remembers the file and line it came from so that a problem found later (an
unknown id, an unused reference) can still be reported as ``path:line: message``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import Problem
from ._schema import schema_problems
from ._support import Claim, Conversion, Support, check_claims, flatten_numbers
from ._yaml import LineDict, read_yaml

__all__ = [
    "CONTEXTS",
    "EFFECTS",
    "EVIDENCE_LEVELS",
    "FILES",
    "LESSON_SLUGS",
    "REFERENCE_KINDS",
    "Cell",
    "ClinicalStudy",
    "Fact",
    "GlossaryEntry",
    "Interaction",
    "IsctCriteria",
    "KnowledgeBase",
    "Lesson",
    "Mediator",
    "MscSource",
    "Reference",
    "Support",
    "build",
]

#: The data files, in the order they are read.
FILES: tuple[str, ...] = (
    "references.yaml",
    "cells.yaml",
    "mediators.yaml",
    "interactions.yaml",
    "msc_sources.yaml",
    "isct.yaml",
    "clinical_studies.yaml",
    "facts.yaml",
    "glossary.yaml",
    "course.yaml",
)

REFERENCE_KINDS = frozenset(
    {
        "review",
        "guideline",
        "human_trial",
        "human_observational",
        "case_report",
        "mouse",
        "rat",
        "in_vitro",
        "model",
        "court_decision",
        "learning_experiment",  # a controlled experiment on how people learn (lesson 12)
    }
)
CHECKED = frozenset({"search", "dossier", "memory"})
EFFECTS = frozenset({"activates", "inhibits", "recruits", "induces", "polarises", "expands"})
CONTEXTS = frozenset({"human", "mouse", "rat", "in_vitro", "model"})
LAYERS = frozenset({"disease", "msc"})
CELL_GROUPS = frozenset({"skin", "innate", "adaptive", "stromal"})
MEDIATOR_KINDS = frozenset(
    {
        "cytokine",
        "chemokine",
        "enzyme",
        "lipid",
        "protein",
        "structure",
        "vesicle",
        "peptide",
        "small_molecule",
    }
)
EVIDENCE_LEVELS = frozenset(
    {
        "case_report",
        "single_arm_trial",
        "dose_finding",
        "healthy_volunteer_safety",
        "registered_no_results",
    }
)
PRODUCTS = frozenset({"cells", "svf", "conditioned_medium", "exosomes"})
LESSON_SLUGS: tuple[str, ...] = (
    "00_start_here",
    "01_psoriasis",
    "02_mscs",
    "03_keratinocytes",
    "04_neutrophils",
    "05_dendritic_cells",
    "06_t_cells",
    "07_whole_circuit",
    "08_clinical_evidence",
    "09_challenges",
    "10_cell_free",
    "11_capstone",
    "12_review",
)

_ID = re.compile(r"^[a-z][a-z0-9_]*$")
_DOI = re.compile(r"^10\.\d{4,9}/\S+$")
_PMID = re.compile(r"^\d{1,9}$")
_PMCID = re.compile(r"^PMC\d+$")
_REGISTRY = re.compile(r"^(NCT\d{8}|IRCT\w+)$")


@dataclass(frozen=True)
class Reference:
    """One cited source."""

    id: str
    authors: tuple[str, ...]
    year: int
    title: str
    journal: str
    kind: str
    checked: str
    volume: str | None = None
    pages: str | None = None
    doi: str | None = None
    pmid: str | None = None
    pmcid: str | None = None
    path: str = ""
    line: int = 0
    reporter: str | None = None
    url: str | None = None

    @property
    def first_author_surname(self) -> str:
        """Return the first author's surname ("Mohseni Meybodi", "van der Fits", "Kim")."""
        tokens = self.authors[0].split()
        initials = tokens[-1] if len(tokens) > 1 else ""
        if initials and initials.replace("-", "").isupper() and len(initials) <= 4:
            tokens = tokens[:-1]
        return " ".join(tokens)


@dataclass(frozen=True)
class Cell:
    """A cell type of the circuit."""

    id: str
    name: str
    short: str
    group: str
    role: str
    markers: tuple[str, ...]
    refs: tuple[str, ...]
    path: str = ""
    line: int = 0
    support: tuple[Support, ...] = ()


@dataclass(frozen=True)
class Mediator:
    """A cytokine, chemokine, enzyme, lipid, structure or vesicle."""

    id: str
    name: str
    kind: str
    description: str
    refs: tuple[str, ...]
    path: str = ""
    line: int = 0
    short: str = ""
    support: tuple[Support, ...] = ()

    @property
    def label(self) -> str:
        """Return the short label used on figures (falls back to the name)."""
        return self.short or self.name


@dataclass(frozen=True)
class Interaction:
    """``source`` acts on ``target`` via ``mediators`` with ``effect``, shown in ``context``."""

    id: str
    layer: str
    source: str
    target: str
    mediators: tuple[str, ...]
    effect: str
    context: tuple[str, ...]
    note: str
    refs: tuple[str, ...]
    path: str = ""
    line: int = 0
    support: tuple[Support, ...] = ()

    @property
    def sign(self) -> str:
        """Return ``"inhibits"`` for inhibition and ``"activates"`` for every other effect."""
        return "inhibits" if self.effect == "inhibits" else "activates"


@dataclass(frozen=True)
class MscSource:
    """A tissue MSCs are taken from, with cited notes."""

    id: str
    name: str
    harvest: str
    notes: tuple[tuple[str, tuple[str, ...]], ...]
    path: str = ""
    line: int = 0
    note_support: tuple[tuple[Support, ...], ...] = ()

    @property
    def refs(self) -> tuple[str, ...]:
        """Return every reference id cited in the notes."""
        return tuple(ref for _, refs in self.notes for ref in refs)


@dataclass(frozen=True)
class IsctCriteria:
    """The ISCT minimal criteria (Dominici 2006) as thresholds.

    ``support`` quotes the three criteria (adherence, markers, differentiation); the percentage
    cut-offs are a claim of their own, cited to ``threshold_refs`` and quoted in
    ``threshold_support`` (empty while no readable source for them has been quoted).
    """

    ref: str
    plastic_adherent: bool
    positive_markers: tuple[str, ...]
    min_positive_percent: float
    negative_markers: tuple[str, ...]
    max_negative_percent: float
    differentiation: tuple[str, ...]
    naming: str
    naming_ref: str
    support: tuple[Support, ...] = ()
    naming_support: tuple[Support, ...] = ()
    threshold_refs: tuple[str, ...] = ()
    threshold_support: tuple[Support, ...] = ()


@dataclass(frozen=True)
class ClinicalStudy:
    """A human study of MSCs or an MSC product in psoriasis (or a registered trial)."""

    id: str
    evidence: str
    registry: str | None
    ref: str | None = None
    year: int | None = None
    first_author: str | None = None
    source: str | None = None
    product: str | None = None
    autologous: bool | None = None
    route: str | None = None
    n: int | None = None
    n_completed: int | None = None
    responders: int | None = None
    dose: str | None = None
    follow_up: str | None = None
    outcome: str | None = None
    pasi_before: float | None = None
    pasi_after: float | None = None
    adverse_events: str | None = None
    note: str | None = None
    path: str = ""
    line: int = 0
    support: tuple[Support, ...] = ()

    @property
    def published(self) -> bool:
        """Return True unless the study is only a registry entry without results."""
        return self.evidence != "registered_no_results"


@dataclass(frozen=True)
class Fact:
    """A single cited statement, optionally with numbers."""

    id: str
    topic: str
    context: str
    statement: str
    refs: tuple[str, ...]
    values: dict[str, Any] = field(default_factory=dict)
    unit: str | None = None
    path: str = ""
    line: int = 0
    support: tuple[Support, ...] = ()


@dataclass(frozen=True)
class GlossaryEntry:
    """A term and its definition."""

    term: str
    definition: str
    refs: tuple[str, ...] = ()
    path: str = ""
    line: int = 0
    support: tuple[Support, ...] = ()


@dataclass(frozen=True)
class Lesson:
    """One lesson of the course catalogue."""

    number: int
    slug: str
    title: str
    minutes: int
    topic: str
    cells: tuple[str, ...]
    mediators: tuple[str, ...]
    refs: tuple[str, ...]
    path: str = ""
    line: int = 0

    @property
    def label(self) -> str:
        """Return ``"01 Psoriasis: ..."``: the number and title as the course map shows them."""
        return f"{self.number:02d} {self.title}"


@dataclass(frozen=True)
class KnowledgeBase:
    """Everything the course knows, validated."""

    folder: Path
    references: dict[str, Reference]
    cells: dict[str, Cell]
    mediators: dict[str, Mediator]
    interactions: tuple[Interaction, ...]
    msc_sources: dict[str, MscSource]
    isct_criteria: IsctCriteria
    clinical_studies: tuple[ClinicalStudy, ...]
    facts: dict[str, Fact]
    glossary: dict[str, GlossaryEntry]
    lessons: tuple[Lesson, ...]


# --------------------------------------------------------------------------------------------
# Validation
# --------------------------------------------------------------------------------------------


class _Reader:
    """Collects problems while records are read from one file's entries."""

    def __init__(
        self, path: Path, problems: list[Problem], claims: list[Claim] | None = None
    ) -> None:
        self.path = str(path)
        self.problems = problems
        self.claims: list[Claim] = [] if claims is None else claims

    def problem(self, line: int | None, message: str) -> None:
        self.problems.append(Problem(self.path, line, message))

    def entries(self, data: Any, key: str) -> list[LineDict]:
        """Return the list under top-level ``key``, reporting a wrong shape."""
        if not isinstance(data, LineDict) or key not in data:
            self.problem(1, f"expected a top-level '{key}:' list")
            return []
        items = data[key]
        if not isinstance(items, list):
            self.problem(data.line_of(key), f"'{key}' must be a list")
            return []
        good = []
        for index, item in enumerate(items, start=1):
            if isinstance(item, LineDict):
                good.append(item)
            else:
                self.problem(data.line_of(key), f"entry {index} of '{key}' is not a mapping")
        return good

    def check_keys(
        self, entry: LineDict, required: Iterable[str], optional: Iterable[str] = ()
    ) -> bool:
        """Report missing and unknown fields; return True when all required ones are there."""
        required = tuple(required)
        allowed = set(required) | set(optional)
        ok = True
        for name in required:
            if entry.get(name) is None and not (name in entry and name in optional):
                self.problem(entry.line, f"missing required field '{name}'")
                ok = False
        for name in entry:
            if name not in allowed:
                self.problem(
                    entry.line_of(name),
                    f"unknown field '{name}' (expected one of: {', '.join(sorted(allowed))})",
                )
        return ok

    def text(self, entry: LineDict, name: str, required: bool = True) -> str | None:
        value = entry.get(name)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            self.problem(entry.line_of(name), f"'{name}' must be text, found {value!r}")
            return None
        return str(value)

    def integer(self, entry: LineDict, name: str) -> int | None:
        value = entry.get(name)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            self.problem(entry.line_of(name), f"'{name}' must be a whole number, found {value!r}")
            return None
        return value

    def id_list(self, entry: LineDict, name: str) -> tuple[str, ...]:
        value = entry.get(name, [])
        if value is None:
            return ()
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.problem(entry.line_of(name), f"'{name}' must be a list of ids, found {value!r}")
            return ()
        return tuple(value)

    def enum(self, entry: LineDict, name: str, allowed: frozenset[str]) -> str | None:
        value = entry.get(name)
        if value is None:
            return None
        if value not in allowed:
            self.problem(
                entry.line_of(name),
                f"'{name}' is {value!r}; expected one of: {', '.join(sorted(allowed))}",
            )
            return None
        return str(value)

    def record_id(self, entry: LineDict, seen: dict[str, int], what: str) -> str | None:
        value = entry.get("id")
        if value is None:
            return None
        if not isinstance(value, str) or not _ID.match(value):
            self.problem(
                entry.line_of("id"),
                f"{what} id {value!r} must be lowercase letters, digits and underscores",
            )
            return None
        if value in seen:
            self.problem(
                entry.line_of("id"),
                f"duplicate {what} id '{value}' (first defined on line {seen[value]})",
            )
            return None
        seen[value] = entry.line_of("id")
        return value


def _support(entry: LineDict, uses: _RefUse, reader: _Reader) -> tuple[Support, ...]:
    """Read an entry's ``support:`` list (its shape was checked by the JSON Schema)."""
    found = []
    for item in entry.get("support") or []:
        uses.add(reader, item, "ref", [item["ref"]])
        found.append(
            Support(
                ref=str(item["ref"]),
                quote=" ".join(str(item["quote"]).split()),
                where=str(item["where"]),
                secondhand=bool(item["secondhand"]),
                primary=item.get("primary"),
                line=item.line,
            )
        )
    return tuple(found)


def _conversions(entry: LineDict) -> tuple[Conversion, ...]:
    found = []
    for item in entry.get("conversion") or []:
        sources = item["from"] if isinstance(item["from"], list) else [item["from"]]
        found.append(
            Conversion(
                float(item["value"]), str(item["rule"]), tuple(map(float, sources)), item.line
            )
        )
    return tuple(found)


def _claim(
    reader: _Reader,
    entry: LineDict,
    label: str,
    text: str,
    refs: Iterable[str],
    support: tuple[Support, ...],
    contexts: Iterable[str] = (),
    values: Any = None,
) -> None:
    """Register one claim for the support checks (see :mod:`._support`)."""
    reader.claims.append(
        Claim(
            file=Path(reader.path).name,
            label=label,
            path=reader.path,
            line=entry.line,
            text=text,
            refs=tuple(refs),
            support=support,
            conversions=_conversions(entry),
            contexts=tuple(contexts),
            values=tuple(flatten_numbers(values)),
        )
    )


class _RefUse:
    """Records every place a reference id is cited so unknown and unused ids can be reported."""

    def __init__(self) -> None:
        self.uses: list[tuple[str, str, int]] = []

    def add(self, reader: _Reader, entry: LineDict, name: str, ids: Iterable[str]) -> None:
        for ref in ids:
            self.uses.append((ref, reader.path, entry.line_of(name)))


def _read_references(reader: _Reader, data: Any) -> dict[str, Reference]:
    seen: dict[str, int] = {}
    refs: dict[str, Reference] = {}
    required = ("id", "authors", "year", "title", "journal", "kind", "checked")
    optional = ("volume", "pages", "doi", "pmid", "pmcid", "reporter", "url")
    for entry in reader.entries(data, "references"):
        complete = reader.check_keys(entry, required, optional)
        rid = reader.record_id(entry, seen, "reference")
        kind = reader.enum(entry, "kind", REFERENCE_KINDS)
        checked = reader.enum(entry, "checked", CHECKED)
        year = reader.integer(entry, "year")
        authors = entry.get("authors")
        if authors is not None and (
            not isinstance(authors, list)
            or not authors
            or not all(isinstance(a, str) for a in authors)
        ):
            reader.problem(entry.line_of("authors"), "'authors' must be a non-empty list of names")
            authors = None
        doi = reader.text(entry, "doi")
        pmid = reader.text(entry, "pmid")
        pmcid = reader.text(entry, "pmcid")
        if doi is not None and not _DOI.match(doi):
            reader.problem(
                entry.line_of("doi"), f"malformed DOI {doi!r}; expected 10.NNNN/suffix (no URL)"
            )
        if pmid is not None and not _PMID.match(pmid):
            reader.problem(entry.line_of("pmid"), f"malformed PMID {pmid!r}; expected digits only")
        if pmcid is not None and not _PMCID.match(pmcid):
            reader.problem(
                entry.line_of("pmcid"), f"malformed PMCID {pmcid!r}; expected PMC digits"
            )
        reporter = reader.text(entry, "reporter")
        if (
            doi is None
            and pmid is None
            and pmcid is None
            and not (kind == "court_decision" and reporter)
        ):
            reader.problem(entry.line, "a reference needs a DOI, a PMID or a PMCID")
        if not (complete and rid and kind and checked and year is not None and authors):
            continue
        refs[rid] = Reference(
            id=rid,
            authors=tuple(authors),
            year=year,
            title=str(entry["title"]),
            journal=str(entry["journal"]),
            kind=kind,
            checked=checked,
            volume=reader.text(entry, "volume"),
            pages=reader.text(entry, "pages"),
            doi=doi,
            pmid=pmid,
            pmcid=pmcid,
            path=reader.path,
            line=entry.line,
            reporter=reporter,
            url=reader.text(entry, "url"),
        )
    return refs


def _read_cells(reader: _Reader, data: Any, uses: _RefUse) -> dict[str, Cell]:
    seen: dict[str, int] = {}
    cells: dict[str, Cell] = {}
    for entry in reader.entries(data, "cells"):
        complete = reader.check_keys(
            entry, ("id", "name", "short", "group", "role", "refs"), ("markers", *_SUPPORT_KEYS)
        )
        cid = reader.record_id(entry, seen, "cell")
        group = reader.enum(entry, "group", CELL_GROUPS)
        refs = reader.id_list(entry, "refs")
        uses.add(reader, entry, "refs", refs)
        support = _support(entry, uses, reader)
        if cid:
            _claim(reader, entry, f"cell '{cid}'", str(entry.get("role")), refs, support)
        if complete and cid and group:
            cells[cid] = Cell(
                id=cid,
                name=str(entry["name"]),
                short=str(entry["short"]),
                group=group,
                role=str(entry["role"]),
                markers=reader.id_list(entry, "markers"),
                refs=refs,
                path=reader.path,
                line=entry.line,
                support=support,
            )
    return cells


def _read_mediators(reader: _Reader, data: Any, uses: _RefUse) -> dict[str, Mediator]:
    seen: dict[str, int] = {}
    mediators: dict[str, Mediator] = {}
    for entry in reader.entries(data, "mediators"):
        complete = reader.check_keys(
            entry, ("id", "name", "kind", "description", "refs"), ("short", *_SUPPORT_KEYS)
        )
        mid = reader.record_id(entry, seen, "mediator")
        kind = reader.enum(entry, "kind", MEDIATOR_KINDS)
        refs = reader.id_list(entry, "refs")
        if complete and not refs:
            reader.problem(entry.line_of("refs"), "a mediator needs at least one reference")
        uses.add(reader, entry, "refs", refs)
        support = _support(entry, uses, reader)
        if mid:
            label = f"mediator '{mid}'"
            _claim(reader, entry, label, str(entry.get("description")), refs, support)
        if complete and mid and kind:
            mediators[mid] = Mediator(
                mid,
                str(entry["name"]),
                kind,
                str(entry["description"]),
                refs,
                reader.path,
                entry.line,
                str(entry.get("short") or ""),
                support,
            )
    return mediators


def _check_known(
    reader: _Reader, entry: LineDict, name: str, ids: Iterable[str], known: dict, what: str
) -> bool:
    ok = True
    for value in ids:
        if value not in known:
            reader.problem(
                entry.line_of(name),
                f"unknown {what} id '{value}' in '{name}' (known: {', '.join(sorted(known))})",
            )
            ok = False
    return ok


def _read_interactions(
    reader: _Reader, data: Any, uses: _RefUse, cells: dict, mediators: dict
) -> tuple[Interaction, ...]:
    seen: dict[str, int] = {}
    out: list[Interaction] = []
    required = ("id", "layer", "source", "target", "effect", "context", "note", "refs")
    for entry in reader.entries(data, "interactions"):
        complete = reader.check_keys(entry, required, ("mediators", *_SUPPORT_KEYS))
        iid = reader.record_id(entry, seen, "interaction")
        layer = reader.enum(entry, "layer", LAYERS)
        effect = reader.enum(entry, "effect", EFFECTS)
        context = reader.id_list(entry, "context")
        ok = True
        for value in context:
            if value not in CONTEXTS:
                reader.problem(
                    entry.line_of("context"),
                    f"'context' has {value!r}; expected any of: {', '.join(sorted(CONTEXTS))}",
                )
                ok = False
        source, target = entry.get("source"), entry.get("target")
        ok &= _check_known(reader, entry, "source", [source] if source else [], cells, "cell")
        ok &= _check_known(reader, entry, "target", [target] if target else [], cells, "cell")
        meds = reader.id_list(entry, "mediators")
        ok &= _check_known(reader, entry, "mediators", meds, mediators, "mediator")
        refs = reader.id_list(entry, "refs")
        if "refs" in entry and not refs:
            reader.problem(entry.line_of("refs"), "an interaction needs at least one reference")
            ok = False
        uses.add(reader, entry, "refs", refs)
        support = _support(entry, uses, reader)
        if iid:
            label = f"interaction '{iid}'"
            _claim(reader, entry, label, str(entry.get("note")), refs, support, context)
        if complete and ok and iid and layer and effect and context:
            out.append(
                Interaction(
                    iid,
                    layer,
                    source,
                    target,
                    meds,
                    effect,
                    context,
                    str(entry["note"]),
                    refs,
                    reader.path,
                    entry.line,
                    support,
                )
            )
    return tuple(out)


def _read_sources(reader: _Reader, data: Any, uses: _RefUse) -> dict[str, MscSource]:
    seen: dict[str, int] = {}
    out: dict[str, MscSource] = {}
    for entry in reader.entries(data, "msc_sources"):
        complete = reader.check_keys(entry, ("id", "name", "harvest", "notes"))
        sid = reader.record_id(entry, seen, "MSC source")
        notes = []
        note_support = []
        for index, note in enumerate(entry.get("notes") or [], start=1):
            if not isinstance(note, LineDict) or not reader.check_keys(
                note, ("text", "refs"), _SUPPORT_KEYS
            ):
                reader.problem(entry.line_of("notes"), "each note needs 'text' and 'refs'")
                continue
            refs = reader.id_list(note, "refs")
            if not refs:
                reader.problem(note.line, "a note needs at least one reference")
            uses.add(reader, note, "refs", refs)
            support = _support(note, uses, reader)
            label = f"MSC source '{sid}' note {index}"
            _claim(reader, note, label, str(note["text"]), refs, support)
            notes.append((str(note["text"]), refs))
            note_support.append(support)
        if complete and sid:
            out[sid] = MscSource(
                sid,
                str(entry["name"]),
                str(entry["harvest"]),
                tuple(notes),
                reader.path,
                entry.line,
                tuple(note_support),
            )
    return out


def _read_isct(reader: _Reader, data: Any, uses: _RefUse) -> IsctCriteria | None:
    if not isinstance(data, LineDict) or not isinstance(data.get("isct_criteria"), LineDict):
        reader.problem(1, "expected a top-level 'isct_criteria:' mapping")
        return None
    entry = data["isct_criteria"]
    required = (
        "ref",
        "plastic_adherent",
        "positive",
        "negative",
        "thresholds",
        "differentiation",
        "naming",
    )
    if not reader.check_keys(entry, required, _SUPPORT_KEYS):
        return None
    uses.add(reader, entry, "ref", [entry["ref"]])
    naming = entry["naming"]
    positive, negative = entry["positive"], entry["negative"]
    thresholds = entry["thresholds"]
    try:
        uses.add(reader, naming, "ref", [naming["ref"]])
        threshold_refs = tuple(str(r) for r in thresholds["refs"])
        uses.add(reader, thresholds, "refs", list(threshold_refs))
        support = _support(entry, uses, reader)
        naming_support = _support(naming, uses, reader)
        threshold_support = _support(thresholds, uses, reader)
        criteria = (
            f"Plastic-adherent; express {', '.join(positive['markers'])}; lack "
            f"{', '.join(negative['markers'])}; differentiate into "
            f"{', '.join(entry['differentiation'])}."
        )
        cutoffs = (
            f"At least {positive['min_percent']}% of the cells express "
            f"{', '.join(positive['markers'])}; at most {negative['max_percent']}% express "
            f"{', '.join(negative['markers'])}."
        )
        _claim(reader, entry, "ISCT criteria", criteria, [entry["ref"]], support)
        _claim(reader, thresholds, "ISCT thresholds", cutoffs, threshold_refs, threshold_support)
        _claim(reader, naming, "ISCT naming", str(naming["text"]), [naming["ref"]], naming_support)
        return IsctCriteria(
            ref=str(entry["ref"]),
            plastic_adherent=bool(entry["plastic_adherent"]),
            positive_markers=tuple(positive["markers"]),
            min_positive_percent=float(positive["min_percent"]),
            negative_markers=tuple(negative["markers"]),
            max_negative_percent=float(negative["max_percent"]),
            differentiation=tuple(entry["differentiation"]),
            naming=str(naming["text"]),
            naming_ref=str(naming["ref"]),
            support=support,
            naming_support=naming_support,
            threshold_refs=threshold_refs,
            threshold_support=threshold_support,
        )
    except (KeyError, TypeError, ValueError) as error:
        reader.problem(entry.line, f"ISCT criteria incomplete or malformed: {error}")
        return None


_SUPPORT_KEYS = ("support", "conversion")
#: Fields of a clinical study whose words and numbers its quotes must support.
_STUDY_CLAIM_TEXT = ("route", "dose", "follow_up", "outcome", "adverse_events")
_STUDY_CLAIM_NUMBERS = ("n", "n_completed", "responders", "pasi_before", "pasi_after")

_STUDY_FIELDS = (
    "ref",
    "year",
    "first_author",
    "source",
    "product",
    "autologous",
    "route",
    "n",
    "n_completed",
    "responders",
    "dose",
    "follow_up",
    "outcome",
    "pasi_before",
    "pasi_after",
    "adverse_events",
    "note",
)


def _read_studies(
    reader: _Reader, data: Any, uses: _RefUse, sources: dict
) -> tuple[ClinicalStudy, ...]:
    seen: dict[str, int] = {}
    out: list[ClinicalStudy] = []
    for entry in reader.entries(data, "clinical_studies"):
        evidence = entry.get("evidence")
        registered_only = evidence == "registered_no_results"
        required = (
            ("id", "evidence", "registry")
            if registered_only
            else (
                "id",
                "evidence",
                "registry",
                "ref",
                "year",
                "first_author",
                "product",
                "route",
                "n",
                "outcome",
                "adverse_events",
            )
        )
        complete = reader.check_keys(entry, required, (*_STUDY_FIELDS, "registry", *_SUPPORT_KEYS))
        sid = reader.record_id(entry, seen, "clinical study")
        evidence = reader.enum(entry, "evidence", EVIDENCE_LEVELS)
        registry = entry.get("registry")
        if registry is not None and not (isinstance(registry, str) and _REGISTRY.match(registry)):
            reader.problem(
                entry.line_of("registry"),
                f"malformed registry id {registry!r} (NCT######## or IRCT...)",
            )
        if registered_only and registry is None:
            reader.problem(entry.line, "a registered trial without results needs its registry id")
        ok = True
        if entry.get("product") is not None:
            ok &= reader.enum(entry, "product", PRODUCTS) is not None
        if entry.get("source") is not None:
            ok &= _check_known(reader, entry, "source", [entry["source"]], sources, "MSC source")
        if entry.get("ref") is not None:
            uses.add(reader, entry, "ref", [entry["ref"]])
        for name in ("year", "n", "n_completed", "responders"):
            if entry.get(name) is not None and reader.integer(entry, name) is None:
                ok = False
        support = _support(entry, uses, reader)
        if sid and entry.get("ref") is not None:
            stated = [
                f"{name.replace('_', ' ')}: {entry[name]}"
                for name in _STUDY_CLAIM_TEXT
                if entry.get(name) is not None
            ]
            numbers = {name: entry.get(name) for name in _STUDY_CLAIM_NUMBERS}
            if entry.get("evidence") == "case_report" and entry.get("n") == 1:
                numbers.pop("n")  # one patient is what a case report is
            label = f"clinical study '{sid}'"
            refs = [entry["ref"]]
            _claim(reader, entry, label, "; ".join(stated), refs, support, ["human"], numbers)
        if not (complete and ok and sid and evidence):
            continue
        values = {name: entry.get(name) for name in _STUDY_FIELDS}
        out.append(
            ClinicalStudy(
                id=sid,
                evidence=evidence,
                registry=registry,
                path=reader.path,
                line=entry.line,
                support=support,
                **values,
            )
        )
    return tuple(out)


def _read_facts(reader: _Reader, data: Any, uses: _RefUse) -> dict[str, Fact]:
    seen: dict[str, int] = {}
    out: dict[str, Fact] = {}
    for entry in reader.entries(data, "facts"):
        complete = reader.check_keys(
            entry,
            ("id", "topic", "context", "statement", "refs"),
            ("values", "unit", *_SUPPORT_KEYS),
        )
        fid = reader.record_id(entry, seen, "fact")
        context = reader.enum(entry, "context", CONTEXTS)
        refs = reader.id_list(entry, "refs")
        if "refs" in entry and not refs:
            reader.problem(entry.line_of("refs"), "a fact needs at least one reference")
        uses.add(reader, entry, "refs", refs)
        support = _support(entry, uses, reader)
        if fid:
            text, values = str(entry.get("statement")), entry.get("values")
            contexts = [context] if context else []
            _claim(reader, entry, f"fact '{fid}'", text, refs, support, contexts, values)
        if complete and fid and context and refs:
            out[fid] = Fact(
                fid,
                str(entry["topic"]),
                context,
                str(entry["statement"]),
                refs,
                dict(entry.get("values") or {}),
                reader.text(entry, "unit"),
                reader.path,
                entry.line,
                support,
            )
    return out


def _read_glossary(reader: _Reader, data: Any, uses: _RefUse) -> dict[str, GlossaryEntry]:
    out: dict[str, GlossaryEntry] = {}
    lines: dict[str, int] = {}
    for entry in reader.entries(data, "glossary"):
        if not reader.check_keys(entry, ("term", "definition"), ("refs", *_SUPPORT_KEYS)):
            continue
        term = str(entry["term"])
        key = term.casefold()
        if key in out:
            reader.problem(
                entry.line_of("term"),
                f"duplicate glossary term '{term}' (first defined on line {lines[key]})",
            )
            continue
        refs = reader.id_list(entry, "refs")
        uses.add(reader, entry, "refs", refs)
        support = _support(entry, uses, reader)
        label = f"glossary term '{term}'"
        _claim(reader, entry, label, str(entry["definition"]), refs, support)
        lines[key] = entry.line
        out[key] = GlossaryEntry(
            term, str(entry["definition"]), refs, reader.path, entry.line, support
        )
    return out


def _read_course(
    reader: _Reader, data: Any, uses: _RefUse, cells: dict, mediators: dict
) -> tuple[Lesson, ...]:
    out: list[Lesson] = []
    seen: dict[str, int] = {}
    entries = reader.entries(data, "lessons")
    required = ("number", "slug", "title", "minutes", "topic", "cells", "mediators", "refs")
    for index, entry in enumerate(entries):
        complete = reader.check_keys(entry, required)
        number, minutes = reader.integer(entry, "number"), reader.integer(entry, "minutes")
        slug = entry.get("slug")
        ok = True
        if slug not in LESSON_SLUGS:
            reader.problem(
                entry.line_of("slug"),
                f"unknown lesson slug {slug!r}; expected one of: {', '.join(LESSON_SLUGS)}",
            )
            ok = False
        elif slug in seen:
            reader.problem(
                entry.line_of("slug"), f"duplicate lesson '{slug}' (first on line {seen[slug]})"
            )
            ok = False
        else:
            seen[slug] = entry.line
            if number is not None and LESSON_SLUGS.index(slug) != number:
                reader.problem(
                    entry.line_of("number"), f"lesson '{slug}' must have number {int(slug[:2])}"
                )
                ok = False
        if number is not None and number != index:
            reader.problem(entry.line_of("number"), f"lessons must be in order; expected {index}")
            ok = False
        lesson_cells = reader.id_list(entry, "cells")
        lesson_meds = reader.id_list(entry, "mediators")
        ok &= _check_known(reader, entry, "cells", lesson_cells, cells, "cell")
        ok &= _check_known(reader, entry, "mediators", lesson_meds, mediators, "mediator")
        refs = reader.id_list(entry, "refs")
        uses.add(reader, entry, "refs", refs)
        if complete and ok and number is not None and minutes is not None:
            out.append(
                Lesson(
                    number,
                    str(slug),
                    str(entry["title"]),
                    minutes,
                    str(entry["topic"]),
                    lesson_cells,
                    lesson_meds,
                    refs,
                    reader.path,
                    entry.line,
                )
            )
    missing = [slug for slug in LESSON_SLUGS if slug not in seen]
    if entries and missing:
        reader.problem(1, f"the course catalogue is missing lessons: {', '.join(missing)}")
    return tuple(out)


def build(folder: Path) -> tuple[KnowledgeBase | None, list[Problem]]:
    """Read and validate every data file in ``folder``.

    Returns the knowledge base (``None`` when any problem was found) and all problems.
    """
    problems: list[Problem] = []
    data: dict[str, Any] = {}
    for name in FILES:
        parsed, lines, found = read_yaml(folder / name)
        problems.extend(found)
        if not found:
            # Shape first (the published JSON Schema), meaning second.
            problems.extend(schema_problems(name, parsed, lines, folder / name))
        data[name] = parsed
    if problems:
        return None, problems
    claims: list[Claim] = []

    def reader(name: str) -> _Reader:
        return _Reader(folder / name, problems, claims)

    uses = _RefUse()
    references = _read_references(reader("references.yaml"), data["references.yaml"])
    cells = _read_cells(reader("cells.yaml"), data["cells.yaml"], uses)
    mediators = _read_mediators(reader("mediators.yaml"), data["mediators.yaml"], uses)
    interactions = _read_interactions(
        reader("interactions.yaml"), data["interactions.yaml"], uses, cells, mediators
    )
    sources = _read_sources(reader("msc_sources.yaml"), data["msc_sources.yaml"], uses)
    isct = _read_isct(reader("isct.yaml"), data["isct.yaml"], uses)
    studies = _read_studies(
        reader("clinical_studies.yaml"), data["clinical_studies.yaml"], uses, sources
    )
    facts = _read_facts(reader("facts.yaml"), data["facts.yaml"], uses)
    glossary = _read_glossary(reader("glossary.yaml"), data["glossary.yaml"], uses)
    lessons = _read_course(reader("course.yaml"), data["course.yaml"], uses, cells, mediators)

    # Reference ids: every one cited must exist, and every one listed must be cited.
    ref_file = _Reader(folder / "references.yaml", problems)
    listed = {entry.get("id") for entry in _entries_quiet(data["references.yaml"], "references")}
    used: set[str] = set()
    for ref, path, line in uses.uses:
        used.add(ref)
        if ref not in listed:
            problems.append(Problem(path, line, f"unknown reference id '{ref}'"))
    for ref in references.values():
        if ref.id not in used:
            ref_file.problem(ref.line, f"reference '{ref.id}' is never cited; cite it or remove it")
    problems.extend(check_claims(claims, {ref.id: ref.kind for ref in references.values()}))

    if problems or isct is None:
        return None, problems
    kb = KnowledgeBase(
        folder=folder,
        references=references,
        cells=cells,
        mediators=mediators,
        interactions=interactions,
        msc_sources=sources,
        isct_criteria=isct,
        clinical_studies=studies,
        facts=facts,
        glossary=glossary,
        lessons=lessons,
    )
    return kb, problems


def _entries_quiet(data: Any, key: str) -> list[LineDict]:
    if isinstance(data, LineDict) and isinstance(data.get(key), list):
        return [item for item in data[key] if isinstance(item, LineDict)]
    return []
