"""The learner's identity on this computer: a random id created once, and seeds derived from it.

The id is a random UUID stored in ``data_home()/learner_id``. It is created atomically (written to a
temporary file, then hard-linked into place, which fails if another kernel won the race), so two
kernels starting at once agree on one id. Seeds for shuffling options and drawing computed
questions are hashes of the id and what is being seeded: different learners get different orders
and numbers, while one learner always sees the same ones.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
import uuid
from pathlib import Path

from ..errors import CourseError
from ..paths import data_home

__all__ = ["learner_id", "learner_seed"]

_ID_FILE = "learner_id"


def _read_id(path: Path) -> str | None:
    try:
        text = path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as error:
        raise CourseError(f"cannot read the learner id ({error})", path) from None
    try:
        return str(uuid.UUID(text))
    except ValueError:
        raise CourseError(
            "the learner id file is damaged; delete it to start a new identity", path, 1
        ) from None


def learner_id(home: Path | None = None) -> str:
    """Return this computer's learner id, creating it on first use.

    Parameters
    ----------
    home
        Folder holding the id; default :func:`mscpso_edu.paths.data_home`.
    """
    folder = Path(home) if home is not None else data_home()
    path = folder / _ID_FILE
    existing = _read_id(path)
    if existing:
        return existing
    folder.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=".learner_id.", dir=folder)
    try:
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write(str(uuid.uuid4()) + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        with contextlib.suppress(FileExistsError):
            os.link(tmp_name, path)  # atomic, and never replaces an id another kernel wrote
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp_name)
    found = _read_id(path)
    if found is None:  # pragma: no cover - the link above either made it or found it
        raise CourseError("could not create the learner id", path)
    return found


def learner_seed(*parts: object, identity: str | None = None) -> int:
    """Return a 63-bit seed for ``parts`` (e.g. lesson and question id) for this learner.

    Examples
    --------
    >>> learner_seed("00_start_here", "q1", identity="x") == learner_seed(
    ...     "00_start_here", "q1", identity="x")
    True
    """
    who = identity if identity is not None else learner_id()
    text = "\x1f".join([who, *map(str, parts)])
    return int.from_bytes(hashlib.sha256(text.encode("utf-8")).digest()[:8], "big") >> 1
