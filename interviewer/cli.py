"""The ``interviewer`` command line: parses arguments, calls the library, turns library errors
into one ``Error: …`` line and an exit code. No command prints a traceback for bad input."""

from __future__ import annotations

import argparse
import importlib
import os
import sys

from . import __version__
from .errors import InterviewerError

# Command modules under interviewer.commands, in help order. The first is the default.
COMMANDS = ("practice", "score", "review", "stats", "rubric", "rescore")

DESCRIPTION = """\
한국어 AI/딥러닝 기술면접 연습 코치 (LLM 없이 동작).
인자 없이 실행하면 내장 질문 은행으로 연습을 시작합니다 (= interviewer practice)."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="interviewer",
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"interviewer {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS:
        module = _command(name)
        if module is not None:
            module.add_parser(sub)
    return parser


def _command(name: str):
    try:
        return importlib.import_module(f"{__package__}.commands.{name}")
    except ModuleNotFoundError as exc:
        if exc.name == f"{__package__}.commands.{name}":
            return None  # not written yet
        raise


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    if not argv or (argv[0].startswith("-") and argv[0] not in ("-h", "--help", "--version")):
        argv = [COMMANDS[0], *argv]
    args = parser.parse_args(argv)
    if not getattr(args, "run", None):
        parser.print_help()
        return 2
    try:
        return int(args.run(args) or 0)
    except InterviewerError as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print(file=sys.stderr)
        return 130
    except BrokenPipeError:
        # Output closed early (e.g. piped into head): not an error worth a traceback.
        try:
            sys.stdout = open(os.devnull, "w")
        except OSError:
            pass
        return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
