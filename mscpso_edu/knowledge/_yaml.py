"""Read a knowledge file with the course's shared YAML reader, keeping every line number.

Validation messages must say ``path:line``. :func:`read_yaml` reads through
:mod:`mscpso_edu.yamlfile` (the same safe, line-aware reader as the question banks) and turns
each mapping into a :class:`LineDict` that remembers its own line and the line of each key.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..errors import CourseError, Problem
from ..yamlfile import YamlPath, read_data

__all__ = ["MAX_KNOWLEDGE_BYTES", "LineDict", "read_yaml"]

#: Largest knowledge file accepted (the biggest is a few tens of kilobytes).
MAX_KNOWLEDGE_BYTES = 1024 * 1024


class LineDict(dict):
    """A ``dict`` that knows the line it starts on and the line of each key (1-based)."""

    line: int
    key_lines: dict[str, int]

    def line_of(self, key: str) -> int:
        """Return the line of ``key`` if present, else the mapping's own line."""
        return self.key_lines.get(key, self.line)


def _with_lines(value: Any, where: YamlPath, lines: dict[YamlPath, int]) -> Any:
    if isinstance(value, dict):
        mapping = LineDict()
        mapping.line = lines.get(where, 1)
        mapping.key_lines = {}
        for key, item in value.items():
            mapping[key] = _with_lines(item, (*where, key), lines)
            mapping.key_lines[key] = lines.get((*where, key), mapping.line)
        return mapping
    if isinstance(value, list):
        return [_with_lines(item, (*where, index), lines) for index, item in enumerate(value)]
    return value


def read_yaml(path: Path) -> tuple[Any, dict[YamlPath, int], list[Problem]]:
    """Parse ``path``; return the data (or ``None``), the line of every node, and any problem."""
    try:
        data, lines = read_data(path, MAX_KNOWLEDGE_BYTES, "a knowledge file")
    except CourseError as error:
        return None, {}, [error.as_problem()]
    return _with_lines(data, (), lines), lines, []
