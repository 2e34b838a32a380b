"""Errors and problems that name the file and the place.

Every check in the course (lessons, question banks, knowledge base, submissions) reports what it
found as :class:`Problem` values, and code that must stop raises :class:`CourseError`. The command
line prints either as one ``path:line: message`` line and exits with status 2.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

__all__ = ["CourseError", "Problem", "format_location"]


def _display_path(path: str | Path) -> str:
    """Show a path relative to the working folder when it lies inside it (shorter to read)."""
    candidate = Path(path)
    if candidate.is_absolute():
        try:
            return candidate.relative_to(Path.cwd()).as_posix()
        except ValueError:
            pass
    return str(path)


def format_location(path: str | Path | None, line: int | str | None = None) -> str:
    """Return ``path:line`` (or ``path`` or ``""``) for messages.

    ``line`` may be an int (a line number) or a string such as ``"cell 3"``.
    """
    if path is None:
        return ""
    text = _display_path(path)
    if line is not None:
        text += f":{line}"
    return text


@dataclass(frozen=True)
class Problem:
    """One finding of a check: where it is and what is wrong."""

    path: str
    line: int | str | None
    message: str

    def __str__(self) -> str:
        where = format_location(self.path, self.line)
        return f"{where}: {self.message}" if where else self.message


class CourseError(Exception):
    """An error meant for a person: it says where, what was expected and what was found."""

    def __init__(
        self, message: str, path: str | Path | None = None, line: int | str | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.path = None if path is None else str(path)
        self.line = line

    def __str__(self) -> str:
        where = format_location(self.path, self.line)
        return f"{where}: {self.message}" if where else self.message

    def as_problem(self) -> Problem:
        """Return this error as a :class:`Problem`."""
        return Problem(self.path or "", self.line, self.message)
