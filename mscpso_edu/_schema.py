"""JSON Schema validation without the cost of jsonschema's format checkers.

``import jsonschema`` imports every optional format-checking library it finds, and one of them
(``rfc3987_syntax``, installed with JupyterLab) compiles about forty grammars on import: 2-3 s of
start-up for ``mscpso-edu check`` and ``grade``. The course's schemas use no ``format`` keyword,
so :func:`validator` imports jsonschema with those libraries hidden for the duration of that one
import. They stay importable for everyone else afterwards; only jsonschema's own ``FormatChecker``
in this process lacks the formats they provide (``iri``, ``uri``, ``idn-hostname``, ``color``,
``date-time``, ``duration``, ``json-pointer``, ``uri-template``).
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from typing import Any

__all__ = ["validator"]

#: The optional libraries ``jsonschema._format`` imports for format checking.
_FORMAT_LIBRARIES = (
    "fqdn",
    "idna",
    "isoduration",
    "jsonpointer",
    "rfc3339_validator",
    "rfc3986_validator",
    "rfc3987",
    "rfc3987_syntax",
    "uri_template",
    "webcolors",
)


def _import_jsonschema() -> Any:
    if "jsonschema" in sys.modules:
        return sys.modules["jsonschema"]
    hidden = [name for name in _FORMAT_LIBRARIES if name not in sys.modules]
    for name in hidden:
        sys.modules[name] = None  # type: ignore[assignment]  # makes `import name` fail
    try:
        import jsonschema
    finally:
        for name in hidden:
            if sys.modules.get(name, 0) is None:
                del sys.modules[name]
    return jsonschema


def validator(schema: Mapping[str, Any], **options: Any) -> Any:
    """Return a draft 2020-12 validator of ``schema`` (a ``jsonschema.Draft202012Validator``).

    ``options`` go to the validator (e.g. ``registry=`` for schemas that refer to each other).
    """
    return _import_jsonschema().Draft202012Validator(schema, **options)
