"""Validate knowledge files against their published JSON Schemas (``knowledge/schemas/``).

Each data file ``NAME.yaml`` has ``schemas/NAME.schema.json`` (JSON Schema draft 2020-12), so an
editor's YAML extension can check it while you type; the shared definitions (``support``,
``conversion``, ids) live in ``schemas/support.schema.json``. Schema errors are translated into
``path:line: message`` with the line of the offending field.
"""

from __future__ import annotations

import functools
import hashlib
import json
from importlib.resources import files
from pathlib import Path
from typing import Any

from ..errors import Problem
from ..yamlfile import YamlPath, line_of

__all__ = ["SCHEMA_DIR", "schema", "schema_problems"]

#: Where the published schemas are.
SCHEMA_DIR = Path(str(files(__package__) / "schemas"))

_IDENTIFIER_HINTS = {
    "doi": ("DOI", "10.NNNN/suffix (no URL)"),
    "pmid": ("PMID", "digits only"),
    "pmcid": ("PMCID", "PMC digits"),
}
_TYPE_NAMES = {
    "string": "text",
    "number": "a number",
    "integer": "a whole number",
    "boolean": "true or false",
    "array": "a list",
    "object": "a mapping of fields",
    "null": "null",
}


def schema(name: str) -> dict[str, Any]:
    """Return the published schema of the data file ``name`` (``"facts.yaml"``)."""
    return _load(name.removesuffix(".yaml"))


@functools.cache
def _load(stem: str) -> dict[str, Any]:
    return json.loads((SCHEMA_DIR / f"{stem}.schema.json").read_text(encoding="utf-8"))


@functools.cache
def _validator(stem: str) -> Any:
    from referencing import Registry, Resource

    from .._schema import validator  # jsonschema without its slow format libraries

    shared = _load("support")
    registry = Registry().with_resource(shared["$id"], Resource.from_contents(shared))
    return validator(_load(stem), registry=registry)


def _label(data: Any, where: YamlPath) -> str:
    """Return ``fact 'route_spread'`` (or ``entry 3``) for an entry, then the field path."""
    parts = list(where)
    label = ""
    if len(parts) >= 2 and isinstance(parts[1], int):
        try:
            entry = data[parts[0]][parts[1]]
        except (KeyError, IndexError, TypeError):
            entry = None
        name = None
        if isinstance(entry, dict):
            name = entry.get("id") or entry.get("term") or entry.get("slug")
        label = f"{parts[0]} entry {name!r}" if isinstance(name, str) else f"entry {parts[1] + 1}"
        parts = parts[2:]
    field = ""
    for part in parts:
        field += f"[{part}]" if isinstance(part, int) else (f".{part}" if field else str(part))
    return ", ".join(text for text in (label, field) if text)


def _message(error: Any) -> str:
    kind = error.validator
    path = list(error.absolute_path)
    name = next((str(part) for part in reversed(path) if isinstance(part, str)), "")
    found = error.instance
    if kind == "required":
        missing = error.message.split("'")[1] if "'" in error.message else error.message
        return f"missing required field '{missing}'"
    if kind == "additionalProperties":
        allowed = sorted(error.schema.get("properties", {}))
        extra = sorted(set(found) - set(allowed)) if isinstance(found, dict) else []
        listed = ", ".join(f"'{e}'" for e in extra)
        return f"unknown field {listed} (expected one of: {', '.join(allowed)})"
    if kind == "enum":
        allowed = ", ".join(str(v) for v in error.validator_value if v is not None)
        if path and isinstance(path[-1], int):
            return f"'{name}' has {found!r}; expected any of: {allowed}"
        return f"'{name}' is {found!r}; expected one of: {allowed}"
    if kind == "pattern" and name in _IDENTIFIER_HINTS:
        what, hint = _IDENTIFIER_HINTS[name]
        return f"malformed {what} {found!r}; expected {hint}"
    if kind == "pattern" and name == "where":
        return (
            f"'where' is {found!r}; expected title, abstract, introduction, methods, results, "
            "discussion, conclusion, full text, 'table N' or 'figure N'"
        )
    if kind == "pattern" and name == "registry":
        return f"malformed registry id {found!r} (NCT######## or IRCT...)"
    if kind == "pattern":
        return f"'{name}' is {found!r}, which is not well formed ({error.validator_value})"
    if kind == "minItems" and name == "refs":
        return "needs at least one reference"
    if kind == "minItems":
        return f"'{name}' needs at least {error.validator_value} item(s)"
    if kind == "minLength":
        return f"'{name}' must not be empty"
    if kind == "anyOf" and isinstance(found, dict) and "authors" in found:
        return (
            "a reference needs a DOI, a PMID or a PMCID (a court decision: its reporter citation)"
        )
    if kind == "type":
        expected = error.validator_value
        wanted = (
            " or ".join(_TYPE_NAMES.get(t, t) for t in expected)
            if isinstance(expected, list)
            else _TYPE_NAMES.get(expected, expected)
        )
        hint = ""
        if "string" in str(expected) and isinstance(found, bool | int | float):
            hint = "; put text that looks like a number or yes/no/true/false in quotes"
        return f"'{name}' must be {wanted}, found {found!r}{hint}"
    return error.message


def schema_problems(name: str, data: Any, lines: dict[YamlPath, int], path: Path) -> list[Problem]:
    """Return the schema errors of the data file ``name`` read from ``path``.

    Validating the whole knowledge base takes about a second, paid by every lesson that reads it:
    content found valid once (same data, same schemas, same jsonschema) is remembered in the
    results cache and not validated again. Problems are never cached: they are found afresh, with
    their lines.
    """
    from importlib.metadata import version

    from ..results_cache import cached_result

    stem = name.removesuffix(".yaml")
    digest = hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()
    schemas = sorted(str(p) for p in Path(__file__).with_name("schemas").glob("*.json"))
    return cached_result(
        "knowledge_schema_clean",
        [stem, digest, version("jsonschema")],
        lambda: _schema_problems(stem, data, lines, path),
        encode=lambda problems: [],
        decode=lambda stored: [],
        extra_files=[__file__, *schemas],
        keep=lambda problems: not problems,
    )


def _schema_problems(stem: str, data: Any, lines: dict[YamlPath, int], path: Path) -> list[Problem]:
    problems = []
    for error in _validator(stem).iter_errors(data):
        where = tuple(error.absolute_path)
        line = line_of(lines, where)
        if error.validator == "additionalProperties" and isinstance(error.instance, dict):
            extra = sorted(set(error.instance) - set(error.schema.get("properties", {})))
            if extra:
                line = line_of(lines, (*where, extra[0])) or line
        label = _label(data, where)
        message = _message(error)
        problems.append(Problem(str(path), line, f"{label}: {message}" if label else message))
    return sorted(set(problems), key=lambda p: (p.line or 0, p.message))
