"""Spaced repetition: one FSRS card per question, rebuilt from the transcripts on every run.

The transcripts are the single source of truth: a card's state is what replaying every answer to
its question, oldest first, through the FSRS scheduler (the ``fsrs`` package) gives. There is no
state file to drift out of step with them. Fuzzing is off, so the same transcripts always give the
same due dates.

Each answer to a main question is one review (follow-ups are part of their main question's
conversation, not reviews; a /skip says nothing about recall and is not one). Its rating comes
from the automatic score, contradictions counting against (documented in ``docs/review.md``)::

    coverage = (weight covered − weight contradicted) / total weight, at least 0

    Again  the answer did not pass (a required point not covered, or score < 50 %),
           or coverage < 0.5
    Hard   coverage < 0.75, or anything contradicted (a key point, or a misconception),
           or the model answer was seen before answering
    Good   coverage < 1, or a hint was used before answering
    Easy   every key point covered, nothing contradicted, no hint, no model answer
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import os
import tempfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable, Sequence

from fsrs import Card, Rating, Scheduler, State

from .errors import InputError
from .history import CONTRADICTED, COVERED

if TYPE_CHECKING:
    from .history import Attempt
    from .rubric import Question

UTC = _dt.timezone.utc
# Defaults of fsrs 6 (90 % desired retention, 1 and 10 minute learning steps) without fuzzing.
SCHEDULER = Scheduler(enable_fuzzing=False)
MISSED_MIN_ATTEMPTS = 2  # 오답노트: a key point not covered in this many answers or more


# --- the mapping ---------------------------------------------------------------------------------


def coverage(attempt: Attempt) -> float:
    """Covered weight minus contradicted weight, over the total weight, floored at 0."""
    total = got = 0.0
    for p in attempt.points:
        total += p.weight
        if p.status == COVERED:
            got += p.weight
        elif p.status == CONTRADICTED:
            got -= p.weight
    if not total:
        return attempt.score  # an answer recorded without key points: its score is all there is
    return max(0.0, got / total)


def rate(attempt: Attempt, c: float | None = None) -> Rating:
    """The FSRS rating of one answer (see the module docstring); ``c`` is its :func:`coverage`."""
    c = coverage(attempt) if c is None else c
    if not attempt.passed or c < 0.5:
        return Rating.Again
    contradicted = bool(attempt.misconceptions) or any(p.status == CONTRADICTED for p in attempt.points)
    if c < 0.75 or contradicted or attempt.model_shown:
        return Rating.Hard
    if c < 1.0 or attempt.hints:
        return Rating.Good
    return Rating.Easy


# --- cards -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Review:
    when: _dt.datetime  # UTC
    rating: Rating
    coverage: float
    session: str


@dataclass(frozen=True)
class QuestionCard:
    question: str
    card: Card
    reviews: tuple[Review, ...]

    @property
    def due(self) -> _dt.datetime:
        return self.card.due

    @property
    def last_review(self) -> _dt.datetime:
        return self.reviews[-1].when

    def is_due(self, now: _dt.datetime) -> bool:
        return self.card.due <= now

    def to_json(self) -> dict:
        return {
            "question": self.question,
            "due": self.card.due.isoformat(timespec="seconds"),
            "state": State(self.card.state).name.lower(),
            "stability": None if self.card.stability is None else round(self.card.stability, 4),
            "difficulty": None if self.card.difficulty is None else round(self.card.difficulty, 4),
            "reviews": [{"at": r.when.isoformat(timespec="seconds"), "rating": Rating(r.rating).name.lower(),
                         "coverage": round(r.coverage, 4), "session": r.session} for r in self.reviews],
        }


@dataclass(frozen=True)
class Schedule:
    cards: dict  # question id -> QuestionCard

    def card(self, question: str) -> QuestionCard | None:
        return self.cards.get(question)

    def due(self, by: _dt.datetime) -> list[QuestionCard]:
        """Cards due at ``by`` or earlier, most overdue first."""
        return sorted((c for c in self.cards.values() if c.card.due <= by), key=lambda c: (c.card.due, c.question))

    def order(self, questions: Sequence[Question], now: _dt.datetime) -> list[Question]:
        """Due questions first (most overdue first), then never-answered ones (in the given order),
        then the rest (soonest due first)."""
        due, new, later = [], [], []
        for i, q in enumerate(questions):
            c = self.cards.get(q.id)
            if c is None:
                new.append(q)
            elif c.card.due <= now:
                due.append((c.card.due, i, q))
            else:
                later.append((c.card.due, i, q))
        return [q for *_, q in sorted(due)] + new + [q for *_, q in sorted(later)]

    def to_json(self, now: _dt.datetime) -> dict:
        return {
            "now": now.isoformat(timespec="seconds"),
            "due": [c.question for c in self.due(now)],
            "cards": [c.to_json() for c in sorted(self.cards.values(), key=lambda c: (c.card.due, c.question))],
        }


def _answered_at(a: Attempt) -> _dt.datetime:
    return a.answered_at


def card_id(question: str) -> int:
    # Stable across runs (fsrs would otherwise use the creation time and sleep 1 ms per card).
    return zlib.crc32(question.encode("utf-8"))


def build_schedule(attempts: Iterable[Attempt], scheduler: Scheduler = SCHEDULER,
                   cache: Path | None = None) -> Schedule:
    """Replay every answer to a main question, oldest first, through FSRS.

    With ``cache`` (a file), card states saved by the previous run are reused when the answers
    they were built from are, in order, the start of today's answers: only newer answers are
    replayed. The cache is checked against every answer's question, time and rating, so an edited,
    deleted or re-rated transcript simply means a full replay; it is never a second source of truth.
    """
    cards: dict[str, Card] = {}
    reviews: dict[str, list[Review]] = {}
    sequence: list[tuple[Attempt, _dt.datetime, Rating]] = []
    for a in sorted((a for a in attempts if not a.is_follow_up), key=_answered_at):
        when = a.answered_at.astimezone(UTC)
        c = coverage(a)
        rating = rate(a, c)
        sequence.append((a, when, rating))
        reviews.setdefault(a.main, []).append(Review(when, rating, c, a.session))

    start = 0
    if cache is not None:
        salt = _cache_salt(scheduler).encode()
        digest = hashlib.blake2b(salt, digest_size=16)
        saved = _read_cache(cache)
        if saved is not None and saved["n"] <= len(sequence):
            for a, when, rating in sequence[: saved["n"]]:
                digest.update(_review_key(a, when, rating))
            if digest.hexdigest() == saved["digest"]:
                cards = {q: Card.from_dict(d) for q, d in saved["cards"].items()}
                start = saved["n"]
            else:
                digest = hashlib.blake2b(salt, digest_size=16)
    for a, when, rating in sequence[start:]:
        card = cards.get(a.main)
        if card is None:
            card = Card(card_id=card_id(a.main), due=when)
        cards[a.main], _ = scheduler.review_card(card, rating, review_datetime=when)
        if cache is not None:
            digest.update(_review_key(a, when, rating))
    if cache is not None and (start < len(sequence) or saved is None):
        _write_cache(cache, {"n": len(sequence), "digest": digest.hexdigest(),
                             "cards": {q: card.to_dict() for q, card in cards.items()}})
    return Schedule({q: QuestionCard(q, card, tuple(reviews[q])) for q, card in cards.items()})


# --- the cache of card states ----------------------------------------------------------------------

CACHE_FORMAT = 1


def cache_file(directory: Path | str, environ=os.environ) -> Path:
    """Where the card states built from ``directory``'s transcripts are cached (one file per dir)."""
    from .yamlfile import cache_dir

    key = hashlib.sha256(str(Path(directory).resolve()).encode()).hexdigest()[:16]
    return cache_dir(environ) / f"schedule-{key}.json"


def _review_key(a: Attempt, when: _dt.datetime, rating: Rating) -> bytes:
    return f"{a.main}\0{when.timestamp()!r}\0{int(rating)}\n".encode()


def _cache_salt(scheduler: Scheduler) -> str:
    # A different fsrs, scheduler setting or cache format never reuses old card states.
    from importlib import metadata

    try:
        version = metadata.version("fsrs")
    except metadata.PackageNotFoundError:  # pragma: no cover - fsrs is a dependency
        version = "?"
    return json.dumps([CACHE_FORMAT, version, scheduler.to_dict()], sort_keys=True)


def _read_cache(path: Path) -> dict | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if isinstance(data.get("n"), int) and isinstance(data.get("digest"), str) and isinstance(data.get("cards"), dict):
            return data
    except (OSError, ValueError, AttributeError):
        pass  # missing or damaged: replay everything, as without a cache
    return None


def _write_cache(path: Path, data: dict) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(data, f)
        os.replace(tmp, path)
    except OSError:
        pass  # the cache is only an optimisation


def end_of_day(now: _dt.datetime) -> _dt.datetime:
    """Midnight after ``now``, in ``now``'s own time zone: "due today" means due before it."""
    midnight = now.replace(hour=0, minute=0, second=0, microsecond=0) + _dt.timedelta(days=1)
    return midnight.astimezone(UTC)


# --- 오답노트 -------------------------------------------------------------------------------------


def repeatedly_missed(attempts: Iterable[Attempt], min_attempts: int = MISSED_MIN_ATTEMPTS) -> dict:
    """Main question id -> {key point id: answers that did not cover it}, for key points not
    covered (missed or contradicted) in ``min_attempts`` answers or more."""
    counts: dict[str, dict[str, int]] = {}
    for a in attempts:
        if a.is_follow_up:
            continue
        per = counts.setdefault(a.main, {})
        for p in a.points:
            if not p.covered:
                per[p.id] = per.get(p.id, 0) + 1
    return {q: {k: n for k, n in per.items() if n >= min_attempts}
            for q, per in counts.items() if any(n >= min_attempts for n in per.values())}


# --- hooks for the practice loop ---------------------------------------------------------------


def due_order(directory: Path | str, now: Callable[[], _dt.datetime] = lambda: _dt.datetime.now(UTC)):
    """``order_questions``'s ``due`` hook: reads the transcripts only when ``--order due`` asks."""

    def order(questions: Sequence[Question]) -> list[Question]:
        from .history import load_history

        history = load_history(directory)
        return build_schedule(history.main_attempts(), cache=cache_file(directory)).order(questions, now())

    return order


def missed_only(questions: Sequence[Question], directory: Path | str) -> list[Question]:
    """``practice --missed`` (오답노트): the questions with a key point missed in two or more answers."""
    from .history import load_history

    missed = repeatedly_missed(load_history(directory).attempts)
    out = [q for q in questions if q.id in missed]
    if not out:
        raise InputError(f"--missed: no question has a key point missed in {MISSED_MIN_ATTEMPTS} or more answers "
                         f"in {directory} yet")
    return out
