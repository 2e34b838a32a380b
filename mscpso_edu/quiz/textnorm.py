"""Normalising short text answers so that spelling variants a person would accept compare equal.

Learners type ``TGF-b``, ``TGF beta``, ``tgf-β`` or ``TGFβ`` for the same cytokine. Both the
accepted answers (once, at load time) and each response (at grading time) go through
:func:`normalise_answer`, so the comparison is a set lookup.

The rule, in order:

1. Unicode NFKC (the micro sign and full-width letters become ordinary characters), casefold.
2. Greek letters and their spelled-out names become one Latin letter: ``α``/``alpha`` -> ``a``,
   ``β``/``beta`` -> ``b``, ``γ``/``gamma`` -> ``g``, ``δ``/``delta`` -> ``d``, ``κ``/``kappa`` ->
   ``k`` and so on. A spelled-out name is replaced only where it is not followed by another letter,
   so ``alphabet`` stays as it is while ``TNFalpha`` and ``TGF-beta1`` are recognised.
3. Spaces, hyphens, dashes, underscores, dots and slashes are removed, so ``IL 17``, ``IL-17`` and
   ``il17`` agree.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["GREEK_LETTERS", "normalise_answer"]

#: Greek letter -> (spelled-out name, the Latin letter both become).
GREEK_LETTERS: dict[str, tuple[str, str]] = {
    "α": ("alpha", "a"),
    "β": ("beta", "b"),
    "γ": ("gamma", "g"),
    "δ": ("delta", "d"),
    "ε": ("epsilon", "e"),
    "ζ": ("zeta", "z"),
    "η": ("eta", "h"),
    "θ": ("theta", "q"),
    "ι": ("iota", "i"),
    "κ": ("kappa", "k"),
    "λ": ("lambda", "l"),
    "μ": ("mu", "m"),
    "ν": ("nu", "n"),
    "ξ": ("xi", "x"),
    "π": ("pi", "p"),
    "ρ": ("rho", "r"),
    "σ": ("sigma", "s"),
    "ς": ("sigma", "s"),
    "τ": ("tau", "t"),
    "φ": ("phi", "f"),
    "χ": ("chi", "c"),
    "ψ": ("psi", "y"),
    "ω": ("omega", "w"),
}

_GREEK_CHAR_TABLE = str.maketrans({char: latin for char, (_, latin) in GREEK_LETTERS.items()})

# Long names may be glued to the word before them (TNFalpha); short names (mu, pi, eta...) would
# then match inside ordinary words (immu-, zeta), so they must stand alone.
_LONG_NAMES = sorted({name for name, _ in GREEK_LETTERS.values() if len(name) >= 5} | {"beta"})
_SHORT_NAMES = sorted({name for name, _ in GREEK_LETTERS.values()} - set(_LONG_NAMES))
_NAME_TO_LATIN = {name: latin for name, latin in GREEK_LETTERS.values()}
_GREEK_NAME_RE = re.compile(
    r"(?:" + "|".join(sorted(_LONG_NAMES, key=len, reverse=True)) + r")(?![a-z])"
    r"|(?<![a-z])(?:" + "|".join(sorted(_SHORT_NAMES, key=len, reverse=True)) + r")(?![a-z])"
)
_SEPARATORS_RE = re.compile(r"[\s\-‐‑‒–—―_./·]+")


def normalise_answer(text: str) -> str:
    """Return the comparison form of a short text answer.

    Parameters
    ----------
    text
        What the learner typed, or an accepted answer from a bank.

    Returns
    -------
    str
        A lower-case string without separators, with Greek letters spelled as one Latin letter.

    Examples
    --------
    >>> normalise_answer("TGF-β") == normalise_answer("TGF beta") == normalise_answer("tgf-b")
    True
    >>> normalise_answer("TNFalpha")
    'tnfa'
    """
    folded = unicodedata.normalize("NFKC", text).casefold()
    folded = folded.translate(_GREEK_CHAR_TABLE)
    folded = _GREEK_NAME_RE.sub(lambda match: _NAME_TO_LATIN[match.group(0)], folded)
    return _SEPARATORS_RE.sub("", folded)
