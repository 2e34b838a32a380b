"""The course's science as cited data, and a small API to ask it questions.

The YAML files next to this module hold references, cells, mediators, interactions, MSC
sources, the ISCT criteria, clinical studies, single facts, the glossary and the course
catalogue. :func:`load` validates them all (every cited id exists, every reference is cited,
identifiers are well formed, enumerated fields hold known values) and caches the result.

Example
-------
>>> from mscpso_edu import knowledge
>>> knowledge.cite("spaggiari2009")
'Spaggiari 2009'
>>> [i.target for i in knowledge.interactions(source="MSC", target="Th17", context="human")]
['th17', 'th17']
"""

from __future__ import annotations

import difflib
import functools
import html
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from ..errors import CourseError, Problem
from ._model import (
    CONTEXTS,
    EFFECTS,
    EVIDENCE_LEVELS,
    FILES,
    LESSON_SLUGS,
    REFERENCE_KINDS,
    Cell,
    ClinicalStudy,
    Fact,
    GlossaryEntry,
    Interaction,
    IsctCriteria,
    KnowledgeBase,
    Lesson,
    Mediator,
    MscSource,
    Reference,
    Support,
    build,
)

__all__ = [
    "CONTEXTS",
    "DATA_DIR",
    "EFFECTS",
    "EVIDENCE_LEVELS",
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
    "MarkdownText",
    "Mediator",
    "MscSource",
    "Reference",
    "Support",
    "bibliography",
    "check_knowledge",
    "cite",
    "cite_study",
    "clinical_studies",
    "course_outline",
    "fact",
    "facts",
    "glossary",
    "glossary_list",
    "interaction_list",
    "interactions",
    "isct_summary",
    "lessons",
    "load",
    "markdown_table",
    "mediator_list",
    "reference",
    "reference_ids",
    "source_notes",
    "study_summary",
    "support_details",
    "to_bibtex",
    "validate",
]

#: The folder holding the course's own data files.
DATA_DIR = Path(__file__).resolve().parent


def validate(folder: str | Path | None = None) -> list[Problem]:
    """Return every problem in the knowledge base in ``folder`` (default: the course's own)."""
    _, problems = build(Path(folder) if folder is not None else DATA_DIR)
    return problems


@functools.lru_cache(maxsize=8)
def _load_cached(folder: Path) -> KnowledgeBase:
    kb, problems = build(folder)
    if kb is None:
        first = problems[0] if problems else Problem(str(folder), None, "unreadable")
        listing = "\n".join(str(problem) for problem in problems)
        raise CourseError(
            f"the knowledge base has {len(problems)} problem(s):\n{listing}",
            path=first.path,
            line=first.line,
        )
    return kb


def load(folder: str | Path | None = None) -> KnowledgeBase:
    """Load and validate the knowledge base (cached per folder).

    Parameters
    ----------
    folder
        A folder with the data files; default the course's own (:data:`DATA_DIR`).

    Returns
    -------
    KnowledgeBase
        With ``.references``, ``.cells``, ``.mediators``, ``.interactions``, ``.msc_sources``,
        ``.isct_criteria``, ``.clinical_studies``, ``.facts``, ``.glossary`` and ``.lessons``.

    Raises
    ------
    CourseError
        When any file has a problem; the message lists them all as ``path:line: message``.
    """
    return _load_cached(Path(folder).resolve() if folder is not None else DATA_DIR)


def reference_ids() -> frozenset[str]:
    """Return the ids of every reference in the knowledge base."""
    return frozenset(load().references)


def _unknown(what: str, value: str, known: Iterable[str]) -> CourseError:
    close = difflib.get_close_matches(value, list(known), n=3)
    hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""
    return CourseError(f"unknown {what} {value!r}{hint}")


def reference(ref_id: str) -> Reference:
    """Return the reference ``ref_id``; raise :class:`CourseError` if there is none."""
    refs = load().references
    if ref_id not in refs:
        raise _unknown("reference id", ref_id, refs)
    return refs[ref_id]


def cite(ref_id: str) -> str:
    """Return the short inline citation of a reference, e.g. ``"Spaggiari 2009"``."""
    ref = reference(ref_id)
    return f"{ref.first_author_surname} {ref.year}"


def cite_study(study: ClinicalStudy, via: bool = True) -> str:
    """Return how a clinical study is cited: its own first author and year, and, when the study
    is known only through another source (a review that reports it), that source too.

    Parameters
    ----------
    study
        A study from :func:`clinical_studies`.
    via
        Name the reporting source when it is not the study's own report (default); ``False``
        gives the short form for a figure label.

    Examples
    --------
    >>> studies = {s.id: s for s in load().clinical_studies}
    >>> cite_study(studies["cheng2022_trial"])
    'Cheng 2022'
    >>> cite_study(studies["chen2016_case"])
    'Chen 2016, as reported by Sierra-Sánchez 2021'
    >>> cite_study(studies["chen2016_case"], via=False)
    'Chen 2016'
    """
    if study.ref is None:
        return study.registry or study.id
    source = cite(study.ref)
    if study.first_author is None or study.year is None:
        return source
    own = f"{study.first_author} {study.year}"
    return own if own == source or not via else f"{own}, as reported by {source}"


def _doi_url(doi: str) -> str:
    return f"https://doi.org/{doi}"


class MarkdownText(str):
    """Text that a notebook renders as Markdown (it is still an ordinary ``str``)."""

    __slots__ = ()

    def _repr_markdown_(self) -> str:
        return str(self)


def markdown_table(header: Sequence[str], rows: Iterable[Sequence[object]]) -> MarkdownText:
    """Return a Markdown pipe table with one row per item of ``rows``.

    Cells are turned into text; a ``|`` inside a cell becomes ``/`` and a line break a space,
    so a cell can never break the table.

    Examples
    --------
    >>> print(markdown_table(["State", "Days"], [["healthy", 41]]))
    | State | Days |
    |---|---|
    | healthy | 41 |
    """

    def cell(value: object) -> str:
        return str(value).replace("|", "/").replace("\n", " ")

    lines = ["| " + " | ".join(cell(h) for h in header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(cell(c) for c in row) + " |" for row in rows]
    return MarkdownText("\n".join(lines))


def _cites(refs: Iterable[str]) -> str:
    """Inline citations of ``refs`` joined as the lessons' citation checker expects."""
    return "; ".join(cite(ref) for ref in refs)


def _source_link(ref: Reference) -> str:
    """Return an HTML link to where ``ref`` can be read (DOI, PubMed, PMC or its page)."""
    if ref.doi:
        url, label = _doi_url(ref.doi), f"doi:{ref.doi}"
    elif ref.pmid:
        url, label = f"https://pubmed.ncbi.nlm.nih.gov/{ref.pmid}/", f"PMID {ref.pmid}"
    elif ref.pmcid:
        url, label = f"https://pmc.ncbi.nlm.nih.gov/articles/{ref.pmcid}/", ref.pmcid
    elif ref.url:
        url, label = ref.url, ref.reporter or ref.url
    else:
        return html.escape(ref.reporter or "")
    return f'<a href="{html.escape(url)}">{html.escape(label)}</a>'


def support_details(support: Sequence[Support], summary: str = "What the paper says") -> str:
    """Return the words of the sources behind a claim as one line of HTML ``<details>``.

    Each quote is shown verbatim with its source, where in the paper it is (abstract, results,
    a table ...) and a link to read it; a second-hand quote says so. The element stays closed
    until opened, in JupyterLab and on the static site alike; it is one line, so it can follow
    a Markdown list item without ending the list. An empty ``support`` gives ``""``.

    Examples
    --------
    >>> support_details(fact("kc_cell_cycle").support).startswith("<details><summary>What the")
    True
    """
    if not support:
        return ""
    parts = []
    for item in support:
        ref = reference(item.ref)
        place = f"{cite(ref.id)}, {item.where}"
        if item.secondhand:
            reported = f": {item.primary}" if item.primary else ""
            place += f" (second-hand: the source reports other work{reported})"
        parts.append(
            f"<blockquote>“{html.escape(item.quote)}”</blockquote>"
            f"<p>{html.escape(place)} · {_source_link(ref)}</p>"
        )
    return f"<details><summary>{html.escape(summary)}</summary>{''.join(parts)}</details>"


def _with_details(line: str, support: Sequence[Support], indent: str = "  ") -> list[str]:
    """Return ``line`` and, indented under it, the details of its support (if any)."""
    details = support_details(support)
    return [line, indent + details] if details else [line]


def bibliography(ids: Iterable[str]) -> MarkdownText:
    """Return a Markdown list of the given references for a lesson's References cell.

    Duplicates are dropped; entries are sorted by first author and year. Each entry carries a
    DOI link and/or a PubMed (or PubMed Central) link and says what kind of evidence it is.
    """
    unique = {ref_id: reference(ref_id) for ref_id in ids}
    ordered = sorted(unique.values(), key=lambda r: (r.first_author_surname.casefold(), r.year))
    lines = []
    for ref in ordered:
        # Long author lists are cut to three names, as most journals do.
        named = [a for a in ref.authors if a != "et al."]
        authors = ", ".join(named[:3])
        if len(named) > 3 or "et al." in ref.authors:
            authors += ", et al."
        where = f"*{ref.journal}*"
        if ref.volume:
            where += f" {ref.volume}"
        if ref.pages:
            where += f":{ref.pages}" if ref.volume else f" {ref.pages}"
        links = []
        if ref.doi:
            links.append(f"[doi:{ref.doi}]({_doi_url(ref.doi)})")
        if ref.pmid:
            links.append(f"[PMID {ref.pmid}](https://pubmed.ncbi.nlm.nih.gov/{ref.pmid}/)")
        if ref.pmcid and not ref.doi and not ref.pmid:
            links.append(f"[{ref.pmcid}](https://pmc.ncbi.nlm.nih.gov/articles/{ref.pmcid}/)")
        if ref.reporter:
            links.append(f"[{ref.reporter}]({ref.url})" if ref.url else ref.reporter)
        kind = ref.kind.replace("_", " ")
        lines.append(
            f"- **{cite(ref.id)}**. {authors} ({ref.year}). {ref.title}. {where}. "
            f"{' '.join(links)} ({kind})"
        )
    return MarkdownText("\n".join(lines))


def _matches(value: str, wanted: str, names: dict[str, Sequence[str]]) -> bool:
    wanted = wanted.casefold()
    return wanted == value.casefold() or wanted in (n.casefold() for n in names.get(value, ()))


def _name_index(kb: KnowledgeBase) -> dict[str, tuple[str, ...]]:
    names: dict[str, tuple[str, ...]] = {c.id: (c.name, c.short) for c in kb.cells.values()}
    names.update({m.id: (m.name,) for m in kb.mediators.values()})
    return names


def interactions(
    source: str | None = None,
    target: str | None = None,
    mediator: str | None = None,
    effect: str | None = None,
    context: str | None = None,
    layer: str | None = None,
) -> list[Interaction]:
    """Return the interactions that match every given filter.

    Cells and mediators may be named by id, name or short label in any case
    (``"MSC"``, ``"msc"``, ``"Th17"``, ``"IL-17A/F"``); ``context`` keeps interactions shown in
    that setting (``"human"``, ``"mouse"``, ...); ``layer`` is ``"disease"`` or ``"msc"``.
    """
    kb = load()
    names = _name_index(kb)
    found = []
    for item in kb.interactions:
        if source and not _matches(item.source, source, names):
            continue
        if target and not _matches(item.target, target, names):
            continue
        if mediator and not any(_matches(m, mediator, names) for m in item.mediators):
            continue
        if effect and item.effect != effect.casefold():
            continue
        if context and context.casefold() not in item.context:
            continue
        if layer and item.layer != layer.casefold():
            continue
        found.append(item)
    return found


def glossary(term: str) -> GlossaryEntry:
    """Return the glossary entry for ``term`` (any case); raise :class:`CourseError` if absent."""
    entries = load().glossary
    key = term.casefold()
    if key not in entries:
        raise _unknown("glossary term", term, [e.term for e in entries.values()])
    return entries[key]


def glossary_list(terms: Iterable[str]) -> MarkdownText:
    """Return the glossary entries of ``terms`` as a Markdown list: the words a lesson relies on.

    A lesson shows this where it first needs the words, so every term it uses is defined on the
    page, and the same definitions appear wherever the term comes back.

    Examples
    --------
    >>> print(glossary_list(["Nullcline"]))  # doctest: +ELLIPSIS
    - **Nullcline**: In a phase plane, the line where one variable stops changing ...
    """
    lines = []
    for term in terms:
        entry = glossary(term)
        cited = f" [{_cites(entry.refs)}]" if entry.refs else ""
        lines += _with_details(f"- **{entry.term}**: {entry.definition}{cited}", entry.support)
    return MarkdownText("\n".join(lines))


def fact(fact_id: str) -> Fact:
    """Return the cited fact ``fact_id`` (a statement, its numbers and its references)."""
    facts = load().facts
    if fact_id not in facts:
        raise _unknown("fact id", fact_id, facts)
    return facts[fact_id]


_CONTEXT_LABELS = {
    "human": "human",
    "mouse": "mouse",
    "rat": "rat",
    "in_vitro": "in vitro",
    "model": "model",
}


def facts(ids: Iterable[str]) -> MarkdownText:
    """Return the named facts as a Markdown list, each with its citation and evidence context.

    A lesson shows numbers this way instead of typing them into its prose. Under each fact, a
    closed "What the paper says" element holds the source's own words, where they are in the
    paper and a link to it (:func:`support_details`).

    Examples
    --------
    >>> print(facts(["kc_cell_cycle"]))  # doctest: +ELLIPSIS
    - The germinative cell cycle shortens ... [Weinstein 1985] (human)
      <details><summary>What the paper says</summary>...</details>
    """
    lines = []
    for fact_id in ids:
        item = fact(fact_id)
        line = f"- {item.statement} [{_cites(item.refs)}] ({_context_label(item.context)})"
        lines += _with_details(line, item.support)
    return MarkdownText("\n".join(lines))


def _context_label(context: str) -> str:
    return _CONTEXT_LABELS.get(context, context.replace("_", " "))


def interaction_list(
    source: str | None = None,
    target: str | Sequence[str] | None = None,
    **filters: str,
) -> MarkdownText:
    """Return the matching interactions as a Markdown list, each cited with its evidence context.

    Each line names the target cell (or mediator) and the effect, then the finding, its
    citations and where it was shown (human, mouse, in vitro, ...).

    Parameters
    ----------
    source
        The acting cell, as for :func:`interactions` (``"MSC"``).
    target
        One target or a sequence of targets, listed in the order given.
    **filters
        Further filters of :func:`interactions` (``mediator``, ``effect``, ``context``,
        ``layer``).

    Raises
    ------
    CourseError
        When nothing matches (a lesson would otherwise show an empty list silently).

    Examples
    --------
    >>> print(interaction_list(source="MSC", target="pDC"))  # doctest: +ELLIPSIS
    - **pDC** inhibits: ... [Chen 2019] (mouse)...
    """
    targets: Sequence[str | None] = (
        [target] if target is None or isinstance(target, str) else target
    )
    names = load().cells
    lines = []
    for wanted in targets:
        for item in interactions(source=source, target=wanted, **filters):
            who = names[item.target].short if item.target in names else item.target
            where = ", ".join(_context_label(c) for c in item.context)
            line = f"- **{who}** {item.effect}: {item.note} [{_cites(item.refs)}] ({where})"
            lines += _with_details(line, item.support)
    if not lines:
        raise CourseError(f"no interactions match source={source!r}, target={target!r}")
    return MarkdownText("\n".join(lines))


def mediator_list(ids: Iterable[str]) -> MarkdownText:
    """Return the named MSC mediators as a Markdown list: name, what it does, citations.

    Examples
    --------
    >>> print(mediator_list(["ido"]))  # doctest: +ELLIPSIS
    - **IDO**: Indoleamine 2,3-dioxygenase; ... [Meisel 2004]...
    """
    known = load().mediators
    lines = []
    for mediator_id in ids:
        if mediator_id not in known:
            raise _unknown("mediator id", mediator_id, known)
        item = known[mediator_id]
        line = f"- **{item.name}**: {item.description} [{_cites(item.refs)}]"
        lines += _with_details(line, item.support)
    return MarkdownText("\n".join(lines))


def isct_summary(naming: bool = False) -> MarkdownText:
    """Return the ISCT minimal criteria for MSCs as a numbered Markdown list with its citation.

    Parameters
    ----------
    naming
        Instead, return the ISCT's advice on naming the cells ("stromal" versus "stem").
    """
    criteria = load().isct_criteria
    if naming:
        details = support_details(criteria.naming_support)
        text = f"{criteria.naming} [{cite(criteria.naming_ref)}]"
        return MarkdownText(f"{text}\n\n{details}" if details else text)
    adherent = "yes" if criteria.plastic_adherent else "no"
    lines = [
        f"1. Adherent to plastic in standard culture: {adherent}.",
        f"2. At least {criteria.min_positive_percent:g}% of cells positive for "
        f"{', '.join(criteria.positive_markers)}; at most {criteria.max_negative_percent:g}% "
        f"positive for {', '.join(criteria.negative_markers)}.",
        f"3. Differentiates in vitro into {', '.join(criteria.differentiation)}.",
        "",
        f"[{cite(criteria.ref)}]",
    ]
    if criteria.support:
        lines += ["", support_details(criteria.support)]
    if criteria.threshold_support:
        lines += ["", support_details(criteria.threshold_support)]
    else:
        lines += [
            "",
            f"*Not yet quoted:* the abstract names the markers but not the "
            f"{criteria.min_positive_percent:g}% and {criteria.max_negative_percent:g}% "
            "cut-offs; they are in the position statement's full text, which the course has "
            "not been able to read, so no quote for them is shown here.",
        ]
    return MarkdownText("\n".join(lines))


def source_notes() -> MarkdownText:
    """Return every MSC tissue source as Markdown: how it is harvested, then cited notes."""
    lines = []
    for source in load().msc_sources.values():
        lines.append(f"- **{source.name}**: {source.harvest}")
        supports = source.note_support or tuple(() for _ in source.notes)
        for (text, refs), support in zip(source.notes, supports, strict=True):
            lines += _with_details(f"    - {text} [{_cites(refs)}]", support, indent="      ")
    return MarkdownText("\n".join(lines))


def study_summary(ref_id: str) -> MarkdownText:
    """Return one published clinical study in Markdown: design, size, source and route, then
    its outcome, safety and our note on it.

    Raises
    ------
    CourseError
        When no study in the knowledge base cites ``ref_id``.
    """
    found = clinical_studies(ref=ref_id)
    if not found:
        raise CourseError(f"no clinical study cites {ref_id!r}")
    study = found[0]
    source = load().msc_sources[study.source].name if study.source else "source not stated"
    lines = [
        f"**{cite_study(study)}**: {study.evidence.replace('_', ' ')}, "
        f"{study.n if study.n is not None else 'number not reported'} patients, "
        f"{source} MSCs, {study.route or 'route not stated'}",
        "",
        f"- Outcome: {study.outcome or 'not reported'}",
        f"- Safety: {study.adverse_events or 'not reported'}",
    ]
    if study.note:
        lines.append(f"- Note: {study.note}")
    if study.support:
        lines += ["", support_details(study.support)]
    return MarkdownText("\n".join(lines))


def clinical_studies(**filters: Any) -> list[ClinicalStudy]:
    """Return the clinical studies whose fields match every filter.

    A filter value may be a single value or a list/tuple/set of accepted values; text compares
    case-insensitively. Example: ``clinical_studies(source="adipose", published=True)``.
    """
    studies = load().clinical_studies
    for name in filters:
        if not hasattr(studies[0], name):
            raise CourseError(f"clinical studies have no field {name!r}")

    def accept(value: Any, wanted: Any) -> bool:
        options = wanted if isinstance(wanted, (list, tuple, set, frozenset)) else [wanted]
        for option in options:
            if isinstance(option, str) and isinstance(value, str):
                if option.casefold() == value.casefold():
                    return True
            elif option == value:
                return True
        return False

    return [s for s in studies if all(accept(getattr(s, k), v) for k, v in filters.items())]


def lessons() -> tuple[Lesson, ...]:
    """Return the course catalogue: the lessons in order."""
    return load().lessons


def course_outline() -> MarkdownText:
    """Return the course catalogue as a Markdown table: lesson file, title, minutes, topic."""
    return markdown_table(
        ["Lesson", "Title", "Minutes", "Topic"],
        [(item.slug, item.title, item.minutes, item.topic) for item in lessons()],
    )


def _bibtex_escape(text: str) -> str:
    return "".join("\\" + ch if ch in "&%$#_{}" else ch for ch in text)


def _bibtex_author(name: str) -> str:
    """Return one author for BibTeX: a person as written ("Langley RG"); a group or institution
    ("ERASURE and FIXTURE Study Groups") in braces, so that BibTeX neither splits it at "and" nor
    reads its last word as a surname."""
    tokens = name.split()
    person = len(tokens) > 1 and tokens[-1].replace("-", "").isupper() and len(tokens[-1]) <= 4
    return _bibtex_escape(name) if person else "{" + _bibtex_escape(name) + "}"


def to_bibtex(ids: Iterable[str] | None = None) -> str:
    """Return BibTeX ``@article`` entries for ``ids`` (default: every reference)."""
    kb = load()
    chosen = list(kb.references) if ids is None else list(dict.fromkeys(ids))
    entries = []
    for ref_id in chosen:
        ref = reference(ref_id)
        fields = [
            ("author", " and ".join(_bibtex_author(a) for a in ref.authors if a != "et al.")
             + (" and others" if "et al." in ref.authors else "")),
            ("title", "{" + _bibtex_escape(ref.title) + "}"),
            ("journal", _bibtex_escape(ref.journal)),
            ("year", str(ref.year)),
        ]  # fmt: skip
        if ref.volume:
            fields.append(("volume", ref.volume))
        if ref.pages:
            fields.append(("pages", ref.pages.replace("-", "--")))
        if ref.doi:
            fields.append(("doi", ref.doi))
        if ref.pmid:
            fields.append(("pmid", ref.pmid))
        if ref.pmcid:
            fields.append(("pmcid", ref.pmcid))
        body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
        entries.append(f"@article{{{ref.id},\n{body}\n}}")
    return "\n\n".join(entries) + "\n"


def _is_knowledge_path(path: Path) -> Path | None:
    """Return the knowledge folder ``path`` is (or lies in), or ``None`` if it is not ours."""
    path = path.resolve()
    if path.is_dir() and (path / "references.yaml").is_file():
        return path
    if path.is_file() and path.name in FILES and (path.parent / "references.yaml").is_file():
        return path.parent
    return None


def check_knowledge(paths: Sequence[Path]) -> list[Problem]:
    """Checker for ``mscpso-edu check``: validate the knowledge base(s) among ``paths``.

    With no paths, validate the course's own knowledge base. Paths that are not a knowledge
    folder or one of its data files are ignored (other checkers own them).
    """
    if not paths:
        return validate(DATA_DIR)
    problems: list[Problem] = []
    done: set[Path] = set()
    for path in paths:
        folder = _is_knowledge_path(Path(path))
        if folder is None:
            continue
        if Path(path).resolve().is_file():
            wanted = str(folder / Path(path).name)
            found = validate(folder)
            problems.extend(p for p in found if str(Path(p.path).resolve()) == wanted)
        elif folder not in done:
            done.add(folder)
            problems.extend(validate(folder))
    return problems
