"""Placeholder replaced below."""

from __future__ import annotations

import yaml

__all__ = ["released_key_sha256"]


def released_key_sha256(data: bytes) -> str | None:
    """Return the key bank hash a released bank names, or None for an ordinary bank."""
    if b"\nreleased:" not in b"\n" + data:
        return None
    loaded = yaml.safe_load(data.decode("utf-8"))
    released = loaded.get("released") if isinstance(loaded, dict) else None
    value = released.get("key_sha256") if isinstance(released, dict) else None
    return value if isinstance(value, str) else None
