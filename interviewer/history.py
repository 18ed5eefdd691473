"""Every transcript of a directory as attempts: what ``review``, ``stats``, the schedule and the
report read.

Nothing is re-scored and Kiwi is never loaded: the practice loop already wrote each answer's
score, the evidence (text and offsets) of every key point, misconceptions and delivery notes. The
transcripts are the single source of truth; everything here is derived from them on each run.

Loading is tolerant, so one bad file never hides the rest: a transcript that cannot be read is
skipped with a warning that names it, the reader skips a partial last line (with a warning) and
upgrades older formats, and an answer record missing fields that later versions added loads with
defaults. Only an answer without a score is skipped (with a warning naming file and line).
"""

from __future__ import annotations

import datetime as _dt
import gc
import sys
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import NamedTuple, TextIO

from .errors import InputError, InterviewerError, TranscriptError
from .scoring.analysis import valid_text
from .transcript import Transcript, list_transcripts, read_transcript

FOLLOW_UP_SEP = "/follow-up-"
COVERED, CONTRADICTED, MISSED = "covered", "contradicted", "missed"


# --- what an attempt is ------------------------------------------------------------------------


# Quote, PointOutcome and MisconceptionNote are NamedTuples rather than frozen dataclasses: just as
# immutable, and built about four times faster, which matters because ``interviewer stats`` builds
# one per key point of every answer ever given (bench/stats_speed.py).


class Quote(NamedTuple):
    """A piece of the answer, by its exact text and character offsets into the answer."""

    text: str
    start: int
    end: int


class PointOutcome(NamedTuple):
    """One key point of one scored answer."""

    id: str
    label: str
    status: str  # COVERED | CONTRADICTED | MISSED
    weight: float = 1.0
    required: bool = False
    # The evidence, flat rather than a nested Quote: one object per key point, not two.
    quote: str | None = None  # what earned (or contradicted) it; None when missed
    start: int = -1  # offsets into the answer; -1 when the quote cannot be found in it
    end: int = -1

    @property
    def evidence(self) -> Quote | None:
        return None if self.quote is None else Quote(self.quote, self.start, self.end)

    @property
    def covered(self) -> bool:
        return self.status == COVERED

    @property
    def contradicted(self) -> bool:
        return self.status == CONTRADICTED


class MisconceptionNote(NamedTuple):
    id: str
    correction: str
    contradicts: str | None
    evidence: Quote | None


@dataclass(frozen=True, slots=True)
class Attempt:
    """One answer as the transcript recorded it."""

    session: str
    path: Path
    line: int  # 1-based line of the record in its file
    question: str  # the id scored against (``sigmoid/follow-up-1`` for a follow-up)
    main: str  # the main question's id
    attempt: int  # 1, then 2, 3 … after /again in the same session
    prompt: str
    answer: str
    answered_at: _dt.datetime  # timezone-aware
    seconds: float | None
    score: float
    passed: bool
    points: tuple[PointOutcome, ...]
    misconceptions: tuple[MisconceptionNote, ...] = ()
    hints: tuple[str, ...] = ()  # key points whose hint was asked for before answering
    model_shown: bool = False  # the model answer was shown before answering
    delivery: dict | None = None  # Delivery.to_json() of the practice loop
    follow_up_reason: str | None = None
    is_follow_up: bool = False  # question != main (a field: stats and the schedule ask it often)

    @property
    def where(self) -> str:
        return f"{self.path}:{self.line}"

    @property
    def covered(self) -> tuple[PointOutcome, ...]:
        return tuple(p for p in self.points if p.status == COVERED)

    @property
    def missed(self) -> tuple[PointOutcome, ...]:
        return tuple(p for p in self.points if p.status == MISSED)

    @property
    def contradicted(self) -> tuple[PointOutcome, ...]:
        return tuple(p for p in self.points if p.status == CONTRADICTED)

    def to_json(self) -> dict:
        return {
            "session": self.session,
            "line": self.line,
            "question": self.question,
            "main": self.main,
            "attempt": self.attempt,
            "prompt": self.prompt,
            "answer": self.answer,
            "answered_at": self.answered_at.isoformat(timespec="seconds"),
            "seconds": self.seconds,
            "score": self.score,
            "passed": self.passed,
            "key_points": [
                {"id": p.id, "label": p.label, "status": p.status, "weight": p.weight, "required": p.required,
                 "evidence": None if p.evidence is None else
                 {"text": p.evidence.text, "start": p.evidence.start, "end": p.evidence.end}}
                for p in self.points
            ],
            "misconceptions": [
                {"id": m.id, "correction": m.correction, "contradicts": m.contradicts,
                 "evidence": None if m.evidence is None else
                 {"text": m.evidence.text, "start": m.evidence.start, "end": m.evidence.end}}
                for m in self.misconceptions
            ],
            "hints": list(self.hints),
            "model_shown": self.model_shown,
            "delivery": self.delivery,
        }


@dataclass(frozen=True)
class SessionRecord:
    """One transcript file."""

    name: str
    path: Path
    started_at: _dt.datetime
    attempts: tuple[Attempt, ...]
    skipped: int
    ended: bool  # False: the session was cut off (no end record)
    rubric_path: str | None  # the rubric it was practised with (None: the bundled bank)
    options: dict  # the practice options the header recorded (order, tags, missed …)

    @property
    def questions(self) -> tuple[str, ...]:
        """Main questions answered, in the order first answered."""
        return tuple(dict.fromkeys(a.main for a in self.attempts))

    @property
    def mean_score(self) -> float | None:
        """Mean over every answer, follow-ups included (what the session's closing line said)."""
        return sum(a.score for a in self.attempts) / len(self.attempts) if self.attempts else None

    def to_json(self) -> dict:
        mean = self.mean_score
        return {
            "session": self.name,
            "path": str(self.path),
            "started_at": self.started_at.isoformat(timespec="seconds"),
            "questions": len(self.questions),
            "answers": len(self.attempts),
            "skipped": self.skipped,
            "mean_score": None if mean is None else round(mean, 4),
            "ended": self.ended,
        }


@dataclass(frozen=True)
class History:
    directory: Path
    sessions: tuple[SessionRecord, ...]  # oldest first

    @cached_property
    def attempts(self) -> tuple[Attempt, ...]:
        """Every answer, oldest first."""
        out = [a for s in self.sessions for a in s.attempts]
        out.sort(key=_answered_at)  # stable: file order breaks ties
        return tuple(out)

    @cached_property
    def _main(self) -> tuple[Attempt, ...]:
        return tuple(a for a in self.attempts if not a.is_follow_up)

    def main_attempts(self) -> tuple[Attempt, ...]:
        """Answers to main questions (not follow-ups), oldest first: what the schedule reviews."""
        return self._main

    def attempts_at(self, question: str) -> tuple[Attempt, ...]:
        return tuple(a for a in self.attempts if a.question == question)

    def session(self, ref: str) -> SessionRecord:
        """A session by name, unique name prefix, file path, ``last``, or its number in the list."""
        if not self.sessions:
            raise InputError(f"no sessions in {self.directory}")
        names = [s.name for s in self.sessions]
        if ref == "last":
            return self.sessions[-1]
        if ref.isdigit() and 1 <= int(ref) <= len(self.sessions):
            return self.sessions[int(ref) - 1]
        path = Path(ref)
        if path.suffix == ".jsonl":
            for s in self.sessions:
                if s.path.resolve() == path.resolve():
                    return s
        stem = path.stem if path.suffix == ".jsonl" else ref
        exact = [s for s in self.sessions if s.name == stem]
        if exact:
            return exact[0]
        prefixed = [s for s in self.sessions if s.name.startswith(stem)]
        if len(prefixed) == 1:
            return prefixed[0]
        if prefixed:
            shown = ", ".join(s.name for s in prefixed[:5]) + (" …" if len(prefixed) > 5 else "")
            raise InputError(f"session {ref!r} is ambiguous in {self.directory}: {shown}")
        import difflib

        close = difflib.get_close_matches(stem, names, n=3)
        hint = f" (did you mean: {', '.join(close)}?)" if close else f" (latest: {names[-1]})"
        raise InputError(f"no session {ref!r} in {self.directory}{hint}")


def _answered_at(a: Attempt) -> _dt.datetime:
    return a.answered_at


# --- loading -----------------------------------------------------------------------------------


def load_history(directory: Path | str, warn: TextIO | None = None) -> History:
    """Every transcript in ``directory`` (oldest first). Unreadable files are skipped with a warning."""
    directory = Path(directory)
    warn = warn if warn is not None else sys.stderr
    sessions = []
    with collector_paused():
        for path in list_transcripts(directory):
            try:
                transcript = read_transcript(path, warn=warn)
            except TranscriptError as exc:
                print(f"warning: skipping {exc}", file=warn)
                continue
            record = session_from_transcript(transcript, warn)
            if record is not None:
                sessions.append(record)
    sessions.sort(key=lambda s: (s.started_at, s.name))
    return History(directory, tuple(sessions))


@contextmanager
def collector_paused():
    """Pause the cyclic garbage collector (while a history is built, or a whole command runs).

    Loading keeps every attempt alive, so each automatic collection re-scans a heap that only
    grows: a quarter of the time at 10,000 answers (bench/stats_speed.py). Nothing built here
    forms reference cycles, and reference counting frees the parsed lines as before. The
    ``review`` and ``stats`` commands hold the pause until their output is printed, so the one
    collection that follows it costs the user no waiting.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def load_session_file(path: Path | str, warn: TextIO | None = None) -> SessionRecord:
    """One transcript file as a session; unlike :func:`load_history`, an unreadable file is an error."""
    path = Path(path)
    warn = warn if warn is not None else sys.stderr
    record = session_from_transcript(read_transcript(path, warn=warn), warn)
    if record is None:
        raise TranscriptError(f"{path}:1: the session was cut off before its header was written")
    return record


def session_from_transcript(t: Transcript, warn: TextIO) -> SessionRecord | None:
    if not t.header:
        print(f"warning: {t.path}: skipping a session cut off before its header was written", file=warn)
        return None
    started = parse_time(t.header.get("started_at")) or _file_time(t.path)
    attempts = []
    skipped = 0
    last_time = started
    name = t.session
    for index, record in enumerate(t.records):
        kind = record.get("type")
        if kind == "skip":
            skipped += 1
        elif kind == "answer":
            line = index + 2  # the header is line 1, and only a partial *last* line is ever dropped
            try:
                attempt = attempt_from_record(record, t.path, line, name, last_time)
            except _Unusable as exc:
                print(f"warning: {t.path}:{line}: skipping an answer: {exc}", file=warn)
                continue
            last_time = attempt.answered_at
            attempts.append(attempt)
    rubric = t.header.get("rubric")
    options = t.header.get("options")
    # Only what is used is kept: the rest of the header would be objects for the garbage
    # collector to scan on every collection, ten thousand answers later.
    return SessionRecord(name, t.path, started, tuple(attempts), skipped, t.ended,
                         rubric.get("path") if isinstance(rubric, dict) else None,
                         options if isinstance(options, dict) else {})


class _Unusable(Exception):
    pass


def attempt_from_record(r: dict, path: Path, line: int, session: str,
                        fallback_time: _dt.datetime) -> Attempt:
    """One answer record as an :class:`Attempt`; fields added by later versions get defaults."""
    # Written for speed as much as for tolerance: ``interviewer stats`` runs this for every answer
    # ever given (bench/stats_speed.py).
    get = r.get
    result = get("result")
    if not isinstance(result, dict) or not isinstance(result.get("score"), (int, float)):
        raise _Unusable("it has no score (result.score)")
    answer = get("answer")
    # Undecodable terminal bytes reach the transcript as lone surrogates (written ASCII-escaped,
    # nothing lost); read back they are U+FFFD, one for one as scoring read them, so offsets hold
    # and review can print or write them.
    answer = valid_text(answer) if isinstance(answer, str) else ""
    question = get("question") or result.get("question")
    if not question:
        raise _Unusable("it names no question")
    question = str(question)
    main = get("main") or question.split(FOLLOW_UP_SEP)[0]
    points = tuple([_point(k, answer) for k in result.get("key_points") or ()])
    found = result.get("misconceptions")
    misconceptions = tuple([
        MisconceptionNote(str(m.get("id", "")), str(m.get("correction", "")), m.get("contradicts"),
                          _quote(m.get("evidence"), answer))
        for m in found
    ]) if found else ()
    follow_up = get("follow_up")
    seconds = get("seconds")
    delivery = get("delivery")
    score = result["score"]
    return Attempt(
        session=session,
        path=path,
        line=line,
        question=question,
        main=str(main),
        attempt=get("attempt") or 1,
        prompt=get("prompt") or "",
        answer=answer,
        answered_at=parse_time(get("answered_at")) or parse_time(get("asked_at")) or fallback_time,
        seconds=float(seconds) if isinstance(seconds, (int, float)) else None,
        score=float(score),
        passed=bool(result.get("passed", score >= 0.5)),
        points=points,
        misconceptions=misconceptions,
        hints=tuple(get("hints") or ()),
        model_shown=bool(get("model_shown", False)),
        delivery=delivery if isinstance(delivery, dict) else None,
        follow_up_reason=follow_up.get("reason") if isinstance(follow_up, dict) else None,
        is_follow_up=question != main,
    )


def _point(k: dict, answer: str) -> PointOutcome:
    get = k.get
    kid = get("id") or ""
    if get("covered"):
        status = COVERED
    elif get("contradicted"):
        status = CONTRADICTED
    else:
        return PointOutcome(kid, get("label") or kid, MISSED, get("weight", 1.0), get("required", False))
    quote = _quote(get("evidence"), answer)
    if quote is None:
        return PointOutcome(kid, get("label") or kid, status, get("weight", 1.0), get("required", False))
    return PointOutcome(kid, get("label") or kid, status, get("weight", 1.0), get("required", False), *quote)


def _quote(ev, answer: str) -> Quote | None:
    """Evidence whose offsets point at its text in the answer; re-found by text if they do not
    (start = end = -1 when the text is not in the answer at all: shown, never highlighted)."""
    if not isinstance(ev, dict):
        return None
    text, start, end = ev.get("text"), ev.get("start"), ev.get("end")
    if not isinstance(text, str):
        return None
    if type(start) is int and type(end) is int and answer[start:end] == text:
        return Quote(text, start, end)
    found = answer.find(text) if text else -1
    return Quote(text, found, found + len(text)) if found >= 0 else Quote(text, -1, -1)


def parse_time(value) -> _dt.datetime | None:
    """An ISO 8601 time from a transcript, made timezone-aware (a naive time is local)."""
    if not isinstance(value, str) or not value:
        return None
    try:
        t = _dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    return t if t.tzinfo is not None else t.astimezone()


def _file_time(path: Path) -> _dt.datetime:
    try:
        return _dt.datetime.fromtimestamp(path.stat().st_mtime).astimezone()
    except OSError:
        return _dt.datetime.fromtimestamp(0).astimezone()


# --- questions behind the attempts ---------------------------------------------------------------


def rubric_questions(history: History, rubric: str | None = None, warn: TextIO | None = None) -> dict:
    """Question id -> rubric :class:`~interviewer.rubric.Question`, for tags, hints, model answers.

    With ``rubric`` (``--rubric``), that rubric alone. Otherwise the rubric each session was
    practised with (its header's path, if it still exists; the bundled bank if it had none), the
    newest session's rubric winning. No Kiwi, and unchanged rubric files come from the parse cache.
    """
    from .rubric import load_rubric

    if rubric is not None:
        return {q.id: q for q in load_rubric(rubric).questions}
    warn = warn if warn is not None else sys.stderr
    out: dict = {}
    tried: set = set()
    for s in reversed(history.sessions):
        path = s.rubric_path
        if path in tried:
            continue
        tried.add(path)
        if path is not None and not Path(path).exists():
            continue  # moved or deleted since: tags, hints and model answers are simply not shown
        try:
            questions = load_rubric(path).questions
        except InterviewerError as exc:
            print(f"warning: {exc} (used by session {s.name}; hints and model answers from it are not shown)",
                  file=warn)
            continue
        for q in questions:
            out.setdefault(q.id, q)
    return out

