"""Read YAML while remembering the line each mapping and key came from.

Validation messages must say ``path:line``; PyYAML throws line numbers away once it has built
Python objects, so this loader builds :class:`LineDict` mappings that keep them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from ..errors import Problem

__all__ = ["LineDict", "read_yaml"]


class LineDict(dict):
    """A ``dict`` that knows the line it starts on and the line of each key (1-based)."""

    line: int
    key_lines: dict[str, int]

    def line_of(self, key: str) -> int:
        """Return the line of ``key`` if present, else the mapping's own line."""
        return self.key_lines.get(key, self.line)


class _LineLoader(yaml.SafeLoader):
    """A safe loader whose mappings are :class:`LineDict` and which reports duplicate keys."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.duplicate_keys: list[tuple[int, str]] = []


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> LineDict:
    loader.flatten_mapping(node)
    mapping = LineDict()
    mapping.line = node.start_mark.line + 1
    mapping.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        value = loader.construct_object(value_node, deep=True)
        key_line = key_node.start_mark.line + 1
        if key in mapping:
            loader.duplicate_keys.append((key_line, str(key)))
        mapping[key] = value
        mapping.key_lines[key] = key_line
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def read_yaml(path: Path) -> tuple[Any, list[Problem]]:
    """Parse ``path``; return the data (or ``None``) and any problems found while reading."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        return None, [Problem(str(path), None, f"cannot read file: {error.strerror}")]
    loader = _LineLoader(text)
    try:
        data = loader.get_single_data()
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark is not None else None
        return None, [Problem(str(path), line, f"not valid YAML: {error.problem}")]
    except yaml.YAMLError as error:  # pragma: no cover - unmarked errors are rare
        return None, [Problem(str(path), None, f"not valid YAML: {error}")]
    finally:
        loader.dispose()
    problems = [
        Problem(str(path), line, f"key {key!r} appears twice in the same entry")
        for line, key in loader.duplicate_keys
    ]
    return data, problems
