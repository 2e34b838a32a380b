"""The course's colours and figure style, applied locally (never at import)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from importlib.resources import files

__all__ = ["OKABE_ITO", "ROLE_COLOURS", "STYLE_PATH", "course_style"]

#: Okabe & Ito's colour-blind-safe palette, by name.
OKABE_ITO: dict[str, str] = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
}

#: Colours with a meaning that every figure shares.
ROLE_COLOURS: dict[str, str] = {
    "healthy": OKABE_ITO["blue"],
    "psoriatic": OKABE_ITO["vermillion"],
    "msc": OKABE_ITO["bluish_green"],
    "activates": OKABE_ITO["vermillion"],
    "trigger": OKABE_ITO["vermillion"],  # a later trigger is a DC activation too
    "inhibits": OKABE_ITO["blue"],
    "neutral": "#555555",
    "therapy": OKABE_ITO["reddish_purple"],
    "uvb": OKABE_ITO["orange"],
}

STYLE_PATH = str(files("mscpso_edu") / "styles" / "mscpso.mplstyle")


@contextlib.contextmanager
def course_style() -> Iterator[None]:
    """Apply the course's matplotlib style inside a ``with`` block only."""
    import matplotlib.style  # not pyplot: importing it picks a backend, which costs time

    with matplotlib.style.context(STYLE_PATH):
        yield
