"""One safe, line-aware YAML reader for the course's data files (question banks, knowledge base).

Reading goes in two steps, each stopping at the first thing a person must fix:

1. **Bytes** (:func:`decode`): at most ``max_bytes``, UTF-8 (a UTF-8 byte-order mark is allowed;
   UTF-16 or Latin-1 files are refused with the line of the first bad byte).
2. **YAML** (:func:`compose`): parsed with a safe loader into nodes that keep their line numbers.
   Only plain mappings, lists, text, numbers, booleans and null are allowed: tags such as
   ``!!python/object``, anchors/aliases, duplicate keys and non-text keys are refused.

The result is plain Python data plus a map from each node's path (``("questions", 2, "id")``)
to its line, so later checks (JSON Schema, meaning) can report ``path:line: message``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml

from .errors import CourseError

__all__ = ["YamlPath", "compose", "decode", "line_of", "read_data", "yaml_error"]

YamlPath = tuple[str | int, ...]

_PLAIN_TAGS = frozenset(
    f"tag:yaml.org,2002:{name}" for name in ("null", "bool", "int", "float", "str", "seq", "map")
)

try:  # libyaml is ten times faster; the pure-Python loader gives the same answers.
    _Loader: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    _Loader = yaml.SafeLoader


def decode(data: bytes, path: Path, max_bytes: int, what: str = "a data file") -> str:
    """Return ``data`` as text, refusing files over ``max_bytes`` and anything but UTF-8.

    ``what`` names the kind of file in the size message (``"a question bank"``).
    """
    if len(data) > max_bytes:
        raise CourseError(
            f"file is {len(data) / 1024:.0f} KiB; {what} may be at most "
            f"{max_bytes // 1024} KiB (split it, or remove pasted data)",
            path,
            1,
        )
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in data[:4096]:
        raise CourseError(
            "file is UTF-16 (or holds NUL bytes); save it as UTF-8",
            path,
            data.count(b"\n", 0, 1) + 1,
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        bad = data[error.start : error.start + 1].hex()
        raise CourseError(
            f"not UTF-8 text (byte 0x{bad} cannot start a UTF-8 character; was the file saved as "
            "Latin-1 or Windows-1252?); save it as UTF-8",
            path,
            line,
        ) from None
    return text.removeprefix("\ufeff")


def yaml_error(error: yaml.YAMLError, text: str, path: Path) -> CourseError:
    """Turn a PyYAML error into one readable :class:`CourseError` with its line."""
    mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
    if mark is not None:
        line = mark.line + 1
    elif getattr(error, "position", None) is not None:
        line = text.count("\n", 0, error.position) + 1
    else:
        line = None
    problem = getattr(error, "problem", None) or str(error).splitlines()[0]
    context = getattr(error, "context", None)
    if "\\t" in problem or "\t" in problem or "tab character" in problem:
        message = "tab character: YAML is indented with spaces, never tabs"
    elif isinstance(error, yaml.reader.ReaderError):
        message = f"character {getattr(error, 'character', '?')!r} is not allowed in YAML text"
    else:
        message = f"invalid YAML: {problem}" + (f" ({context})" if context else "")
    return CourseError(message, path, line)


def compose(text: str, path: Path, empty: str = "file is empty") -> tuple[Any, dict[YamlPath, int]]:
    """Parse ``text`` into plain data and the line of every node, by its path.

    A mapping field's line is the line of its key. Raises :class:`CourseError` (with ``empty``
    as the message for an empty document) at the first problem.

    Every lesson reads the whole knowledge base and its question bank, and parsing costs about
    as much again as reading the same data from JSON: a text parsed without a problem is
    remembered in the results cache by its content (:mod:`mscpso_edu.results_cache`), and read
    back from there. Problems are never cached: a text with one is parsed, and refused, afresh.
    """
    import hashlib

    from .results_cache import cached_result

    return cached_result(
        "yaml_composed",
        [hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest(), yaml.__version__],
        lambda: _compose(text, path, empty),
        encode=lambda result: {
            "data": result[0],
            "lines": [[list(k), v] for k, v in result[1].items()],
        },
        decode=lambda stored: (stored["data"], {tuple(k): v for k, v in stored["lines"]}),
        extra_files=[__file__],
    )


def _compose(text: str, path: Path, empty: str) -> tuple[Any, dict[YamlPath, int]]:
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            raise CourseError(empty, path, 1)
        lines: dict[YamlPath, int] = {}
        _walk(node, (), lines, set(), path)
        return loader.construct_document(node), lines
    except yaml.YAMLError as error:
        raise yaml_error(error, text, path) from None
    finally:
        loader.dispose()


def _walk(
    node: yaml.Node,
    where: YamlPath,
    lines: dict[YamlPath, int],
    seen: set[int],
    path: Path,
    key_line: int | None = None,
) -> None:
    """Record each node's line by its path (a field's is its key's), refusing all but plain data."""
    line = node.start_mark.line + 1
    if id(node) in seen:
        raise CourseError(
            "anchors and aliases (& and *) are not allowed; write each text out",
            path,
            line,
        )
    seen.add(id(node))
    lines[where] = key_line or line
    if node.tag not in _PLAIN_TAGS:
        tag = node.tag.replace("tag:yaml.org,2002:", "!!")
        raise CourseError(
            f"tag {tag!r} is not allowed: the file may hold only text, numbers, true/false, lists "
            "and mappings (quote a value that looks like a date or starts with '!')",
            path,
            line,
        )
    if isinstance(node, yaml.MappingNode):
        keys: set[str] = set()
        for key_node, value_node in node.value:
            key_line = key_node.start_mark.line + 1
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag != "tag:yaml.org,2002:str":
                raise CourseError(
                    f"field names must be text; quote {key_node.value!r} if it is meant as one",
                    path,
                    key_line,
                )
            key = key_node.value
            if key in keys:
                raise CourseError(
                    f"field {key!r} appears twice in the same mapping", path, key_line
                )
            keys.add(key)
            _walk(value_node, (*where, key), lines, seen, path, key_line)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _walk(item, (*where, index), lines, seen, path)


def line_of(lines: Mapping[YamlPath, int], where: Sequence[str | int]) -> int | None:
    """Return the line of ``where`` or of its nearest ancestor that has one."""
    where = tuple(where)
    while where not in lines and where:
        where = where[:-1]
    return lines.get(where)


def read_data(
    path: Path, max_bytes: int, what: str = "a data file", empty: str = "file is empty"
) -> tuple[Any, dict[YamlPath, int]]:
    """Read, decode and compose the YAML file ``path``; :class:`CourseError` on any problem."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise CourseError("no such file", path) from None
    except OSError as error:
        raise CourseError(f"cannot read the file: {error.strerror}", path) from None
    return compose(decode(data, path, max_bytes, what), path, empty)
