"""Helpers of the student copy that every type uses: salted hashes, sealing, keyless questions.

Hashes are ``sha256(salt, question id, value)`` with a salt stored in the bank, as nbgrader's
hashed tests do; they are a deterrent, not a secret (see :mod:`mscpso_edu.quiz.released`).
"""

from __future__ import annotations

import base64
import hashlib
import math
from typing import Any

from ._base import Question, Result

__all__ = [
    "KEYLESS_FEEDBACK",
    "bucket_width",
    "keyed_hash",
    "keyless",
    "numeric_buckets",
    "seal",
    "unseal",
]

KEYLESS_FEEDBACK = "Recorded. This question is graded by your instructor after you submit."


def keyed_hash(salt: str, question_id: str, value: str) -> str:
    """Return the hex sha256 of ``salt``, ``question_id`` and ``value`` (unit-separated)."""
    text = "\x1f".join((salt, question_id, value))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def bucket_width(answer: float, tolerance: float, relative: float) -> float:
    """Return the width of the hashed buckets of a numeric answer: half its tolerance."""
    slack = max(tolerance, relative * abs(answer), 1e-9 * max(1.0, abs(answer)))
    return slack / 2.0


def numeric_buckets(answer: float, width: float) -> list[int]:
    """Return the bucket numbers (``floor(x / width)``) covering ``answer`` +- 2 widths."""
    low = math.floor((answer - 2 * width) / width)
    high = math.floor((answer + 2 * width) / width)
    return list(range(low, high + 1))


def _keystream_xor(data: bytes, secret: str) -> bytes:
    stream = b"".join(
        hashlib.sha256(f"{secret}\x1f{block}".encode()).digest()
        for block in range(len(data) // 32 + 1)
    )
    return bytes(a ^ b for a, b in zip(data, stream, strict=False))


def seal(text: str, salt: str, question_id: str, value: str) -> str:
    """Return ``text`` sealed so that only someone who knows the answer ``value`` can read it.

    The key is ``sha256(salt, question id, "seal:" + value)``; the file holds only
    ``sha256(salt, question id, value)`` to find the right seal, so a numeric or short-text
    explanation opens only with an accepted answer (or a guess of one).
    """
    secret = keyed_hash(salt, question_id, "seal:" + value)
    return base64.b64encode(_keystream_xor(text.encode("utf-8"), secret)).decode("ascii")


def unseal(token: str, salt: str, question_id: str, value: str) -> str:
    """Open a text sealed by :func:`seal` with the same answer ``value``."""
    secret = keyed_hash(salt, question_id, "seal:" + value)
    return _keystream_xor(base64.b64decode(token), secret).decode("utf-8", errors="replace")


_KEYLESS: dict[type[Question], type[Question]] = {}


def keyless(cls: type[Question]) -> type[Question]:
    """A subclass of ``cls`` that checks the kind of a response but knows no key."""
    if cls not in _KEYLESS:

        def grade(self: Question, response: Any) -> Result:
            cls.grade(self, response)  # the placeholder key only serves to check the response
            return Result(0.0, self.points, False, KEYLESS_FEEDBACK)

        name = f"Keyless{cls.__name__}"
        _KEYLESS[cls] = type(
            name, (cls,), {"grade": grade, "__doc__": f"{cls.__name__} without its key."}
        )
    return _KEYLESS[cls]
