"""Session transcripts: one JSONL file per practice session, written so no answer is ever lost.

The writer creates the file with ``O_EXCL`` (two sessions started in the same second get
different names, never one file), and every line is written whole, then ``fsync``-ed, before
the caller shows feedback. The reader skips a partial last line (power loss, ``kill -9`` mid-
write) with a warning, and upgrades records of older formats. The format is documented in
``docs/transcripts.md``; bump :data:`FORMAT` and add a migration when it changes.
"""

from __future__ import annotations

import datetime as _dt
import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, TextIO

from .errors import TranscriptError

FORMAT = 1
SUFFIX = ".jsonl"
ENV_DIR = "INTERVIEWER_TRANSCRIPTS"

# MIGRATIONS[k] turns a format-k record into a format-(k+1) record. Readers apply them in turn,
# so a file written by any older version reads as the current format.
MIGRATIONS: dict[int, Callable[[dict], dict]] = {}


# --- where transcripts go ------------------------------------------------------------------


def checkout_dir() -> Path | None:
    """The source checkout this package runs from, if any (it has pyproject.toml and transcripts/)."""
    root = Path(__file__).resolve().parent.parent
    if (root / "pyproject.toml").is_file() and (root / "transcripts").is_dir():
        return root
    return None


def user_data_dir(environ=os.environ) -> Path:
    """``$XDG_DATA_HOME/interviewer/transcripts`` (default ``~/.local/share/…``)."""
    base = environ.get("XDG_DATA_HOME", "")
    # The XDG spec says relative paths are invalid and must be ignored.
    root = Path(base) if base and os.path.isabs(base) else Path.home() / ".local" / "share"
    return root / "interviewer" / "transcripts"


def transcripts_dir(option: str | None = None, environ=os.environ) -> Path:
    """``--transcripts DIR``, else ``$INTERVIEWER_TRANSCRIPTS``, else the checkout's
    ``transcripts/`` when run from a checkout, else the user data dir."""
    if option:
        return Path(option).expanduser()
    if environ.get(ENV_DIR):
        return Path(environ[ENV_DIR]).expanduser()
    root = checkout_dir()
    return root / "transcripts" if root else user_data_dir(environ)


def now_iso() -> str:
    """Local time with its UTC offset, to the millisecond (``2025-03-01T21:04:05.120+09:00``)."""
    return _dt.datetime.now().astimezone().isoformat(timespec="milliseconds")


# --- writing --------------------------------------------------------------------------------


class TranscriptWriter:
    """Appends whole lines to one new transcript file, each made durable before returning."""

    def __init__(self, path: Path, fd: int):
        self.path = path
        self._fd: int | None = fd
        self.lines = 0

    @classmethod
    def create(cls, directory: Path | str, header: dict, when: _dt.datetime | None = None) -> TranscriptWriter:
        """Create ``YYYY-MM-DD_HHMMSS.jsonl`` (``…_2.jsonl`` if taken) and write the header line."""
        directory = Path(directory)
        try:
            directory.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise TranscriptError(f"{directory}: cannot create the transcripts directory: {exc.strerror}") from None
        stamp = (when or _dt.datetime.now()).strftime("%Y-%m-%d_%H%M%S")
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_APPEND | getattr(os, "O_CLOEXEC", 0)
        for n in range(1, 1000):
            path = directory / (stamp + (f"_{n}" if n > 1 else "") + SUFFIX)
            try:
                fd = os.open(path, flags, 0o644)
                break
            except FileExistsError:
                continue  # another session took this name; O_EXCL means we never share a file
            except OSError as exc:
                raise TranscriptError(f"{path}: cannot create transcript: {exc.strerror}") from None
        else:  # pragma: no cover - a thousand sessions in one second
            raise TranscriptError(f"{directory}: too many transcripts named {stamp}_*{SUFFIX}")
        writer = cls(path, fd)
        fsync_dir(directory)  # make the new name itself survive a power cut
        writer.append({"type": "header", "format": FORMAT, "session": path.stem, **header})
        return writer

    def append(self, record: dict) -> None:
        """Write ``record`` as one JSON line and fsync it. When this returns, it is on disk."""
        if self._fd is None:
            raise TranscriptError(f"{self.path}: transcript already closed")
        data = json_line(record, separators=(",", ":"))
        try:
            view = memoryview(data)
            while view:  # os.write may write less than asked (signals, pipes); finish the line
                view = view[os.write(self._fd, view):]
            os.fsync(self._fd)
        except OSError as exc:
            raise TranscriptError(f"{self.path}: cannot write transcript: {exc.strerror}") from None
        self.lines += 1

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None

    def discard(self) -> None:
        """Close and delete the file (a session that recorded nothing but its header)."""
        self.close()
        try:
            self.path.unlink()
        except OSError:
            pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


# Line breaks to str.splitlines (and to some editors) that json.dumps leaves in a string as they are.
_LINE_BREAKS = str.maketrans({"\u2028": "\\u2028", "\u2029": "\\u2029", "\x85": "\\u0085"})


def json_text(record, **dump_options) -> str:
    """``record`` as JSON readable as Korean, that any line splitter keeps in one piece: U+2028,
    U+2029 and U+0085 in a string are written as escapes (JSON reads them back the same)."""
    return json.dumps(record, ensure_ascii=False, **dump_options).translate(_LINE_BREAKS)


def json_line(record: dict, **dump_options) -> bytes:
    """``record`` as one UTF-8 JSON line (:func:`json_text`). A string that UTF-8 cannot carry (a
    lone surrogate: undecodable terminal bytes, a '\\ud800' escape) makes the line ASCII-escaped
    instead, which JSON reads back as the same string: nothing is lost or refused."""
    try:
        return (json_text(record, **dump_options) + "\n").encode("utf-8")
    except UnicodeEncodeError:
        return (json.dumps(record, **dump_options) + "\n").encode("ascii")


def jsonl_lines(text: str) -> list[str]:
    """The lines of a JSONL text, split at '\\n' only: a JSON string may hold U+2028, U+2029 or
    U+0085 unescaped (json.dumps with ensure_ascii=False writes them as they are), and
    ``str.splitlines`` would cut the line there. A CRLF line's '\\r' and a leading BOM are dropped."""
    if text.startswith("\ufeff"):
        text = text[1:]
    lines = text.split("\n")
    if lines[-1] == "":
        lines.pop()
    return [line[:-1] if line.endswith("\r") else line for line in lines]


def fsync_dir(directory: Path) -> None:
    """Make a new file's directory entry durable (after creating it)."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return  # not possible on every platform; the file's own fsync still holds its data
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


# --- reading --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Transcript:
    path: Path
    header: dict  # {} only if the session died while writing its very first line
    records: tuple[dict, ...]  # every line after the header, upgraded to the current format

    @property
    def session(self) -> str:
        return self.header.get("session", self.path.stem)

    @property
    def answers(self) -> tuple[dict, ...]:
        return tuple(r for r in self.records if r.get("type") == "answer")

    @property
    def ended(self) -> bool:
        """True if the session ended normally (/quit, Ctrl-D, or out of questions)."""
        return any(r.get("type") == "end" for r in self.records)


def read_transcript(path: Path | str, warn: TextIO | None = None) -> Transcript:
    """Read one transcript. A partial last line is skipped with a warning on ``warn`` (stderr)."""
    path = Path(path)
    warn = warn if warn is not None else sys.stderr
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise TranscriptError(f"{path}: no such transcript") from None
    except OSError as exc:
        raise TranscriptError(f"{path}: cannot read: {exc.strerror}") from None
    lines = raw.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()  # the newline that ends the last complete line
    if not lines:
        raise TranscriptError(f"{path}: empty file, not a transcript")
    records: list[dict] = []
    for no, line in enumerate(lines, 1):
        try:
            obj = json.loads(line.decode("utf-8"))
            if not isinstance(obj, dict):
                raise ValueError("not a JSON object")
        except (UnicodeDecodeError, ValueError) as exc:
            if no == len(lines):
                # Only the last line can be torn: each line is written in one piece and fsynced
                # before the next. What is left of it is not worth guessing at.
                print(f"warning: {path}:{no}: skipping a partial last line "
                      f"(the session was cut off while writing it)", file=warn)
                break
            reason = exc.msg if isinstance(exc, json.JSONDecodeError) else str(exc)
            raise TranscriptError(f"{path}:{no}: not a transcript line: {reason}") from None
        records.append(obj)
    if not records:
        return Transcript(path, {}, ())
    header = records[0]
    if header.get("type") != "header":
        raise TranscriptError(f"{path}:1: first line is not a transcript header (type {header.get('type')!r})")
    version = header.get("format")
    if not isinstance(version, int) or version < 1:
        raise TranscriptError(f"{path}:1: format: expected a positive integer, got {version!r}")
    if version > FORMAT:
        raise TranscriptError(
            f"{path}:1: format {version} is newer than this interviewer reads ({FORMAT}); upgrade interviewer"
        )
    upgraded = [_migrate(r, version) for r in records]
    return Transcript(path, upgraded[0], tuple(upgraded[1:]))


def _migrate(record: dict, version: int) -> dict:
    for v in range(version, FORMAT):
        record = MIGRATIONS[v](record)
    if version != FORMAT and record.get("type") == "header":
        record = {**record, "format": FORMAT, "migrated_from": version}
    return record


def list_transcripts(directory: Path | str) -> list[Path]:
    """Transcript files in ``directory``, oldest first (names sort by time)."""
    directory = Path(directory)
    if not directory.is_dir():
        return []
    return sorted(p for p in directory.glob("*" + SUFFIX) if not p.name.endswith(".labels" + SUFFIX))
