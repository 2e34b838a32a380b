"""The ``mscpso-edu`` command line.

Each side of the course has one commands module contributing a ``register(subparsers)`` function
(the learner's :mod:`mscpso_edu.quiz.command`, the instructor's
:mod:`mscpso_edu.classroom.commands`, plus ``lab``, ``check`` and ``link``); this module only
assembles them and turns errors into one readable line. Command modules import only
:mod:`argparse` at module level and what a command needs when it runs, so ``--help`` and
``--version`` start in a fraction of a second (``tests/test_layers.py`` checks it).
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence

from . import __version__
from .errors import CourseError

__all__ = ["DEBUG_ENV", "build_parser", "main"]

#: Set to show the traceback of an unexpected error instead of its one-line summary.
DEBUG_ENV = "MSCPSO_EDU_DEBUG"

# Modules that add a subcommand. Keep the list in the order commands appear in --help.
COMMAND_MODULES: tuple[str, ...] = (
    "mscpso_edu.launch",
    "mscpso_edu.check",
    "mscpso_edu.quiz.command",
    "mscpso_edu.classroom.commands",
    "mscpso_edu.hub",
)


class _Parser(argparse.ArgumentParser):
    """An argument parser whose usage errors exit with status 2 and one clear line."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    """Return the parser for every ``mscpso-edu`` command."""
    parser = _Parser(
        prog="mscpso-edu",
        description="An interactive course on mesenchymal stromal/stem cells (MSCs) and the "
        "immune cells of psoriasis. Start with: mscpso-edu lab",
    )
    parser.add_argument("--version", action="version", version=f"mscpso-edu {__version__}")
    subparsers = parser.add_subparsers(
        title="commands", dest="command", metavar="COMMAND", parser_class=_Parser
    )
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "handler", None):
        parser.print_help()
        return 0
    try:
        return int(args.handler(args) or 0)
    except CourseError as error:
        print(f"mscpso-edu {args.command}: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("Interrupted.", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 1
    except OSError as error:  # a folder that cannot be written, a disk that is full...
        where = f"{error.filename}: " if error.filename else ""
        print(f"mscpso-edu {args.command}: {where}{error.strerror or error}", file=sys.stderr)
        return 2
    except Exception as error:  # a bug: still one line, never a traceback (see DEBUG_ENV)
        if os.environ.get(DEBUG_ENV):
            raise
        print(
            f"mscpso-edu {args.command}: unexpected error ({type(error).__name__}: {error}); "
            f"set {DEBUG_ENV}=1 for the details and please report it",
            file=sys.stderr,
        )
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
