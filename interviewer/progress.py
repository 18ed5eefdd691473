"""Progress numbers from a :class:`~interviewer.history.History`: per topic, per key point, streaks,
what is due. Pure functions over attempts (no I/O, no Kiwi), shared by ``interviewer stats`` and the
HTML report, plus the small text charts (bars, sparklines) the terminal shows.

Counts are over answers to main questions; a follow-up is part of its main question's
conversation and has key points of its own, reviewed in ``interviewer review``.
"""

from __future__ import annotations

import datetime as _dt
import unicodedata
from dataclasses import dataclass
from typing import Iterable, Mapping

from .history import COVERED, CONTRADICTED, History
from .schedule import Schedule, build_schedule, end_of_day, repeatedly_missed

NO_TOPIC = "(태그 없음)"
WEAKEST = 5  # key points listed as the weakest
SPARK = "▁▂▃▄▅▆▇█"


@dataclass(frozen=True)
class PointStats:
    question: str
    id: str
    label: str
    statuses: tuple[str, ...]  # oldest first: covered / contradicted / missed

    @property
    def attempts(self) -> int:
        return len(self.statuses)

    @property
    def covered(self) -> int:
        return self.statuses.count(COVERED)

    @property
    def contradicted(self) -> int:
        return self.statuses.count(CONTRADICTED)

    @property
    def rate(self) -> float:
        return self.covered / self.attempts

    @property
    def streak(self) -> int:
        """How many of the latest answers in a row covered it."""
        n = 0
        for s in reversed(self.statuses):
            if s != COVERED:
                break
            n += 1
        return n

    def to_json(self) -> dict:
        return {"question": self.question, "key_point": self.id, "label": self.label, "attempts": self.attempts,
                "covered": self.covered, "contradicted": self.contradicted, "rate": round(self.rate, 4),
                "streak": self.streak, "history": list(self.statuses)}


@dataclass(frozen=True)
class TopicStats:
    topic: str
    questions: int  # distinct questions answered
    scores: tuple[float, ...]  # every answer's score, oldest first

    @property
    def attempts(self) -> int:
        return len(self.scores)

    @property
    def mean(self) -> float:
        return sum(self.scores) / len(self.scores)

    def to_json(self) -> dict:
        return {"topic": self.topic, "questions": self.questions, "attempts": self.attempts,
                "mean_score": round(self.mean, 4), "scores": [round(s, 4) for s in self.scores]}


@dataclass(frozen=True)
class Stats:
    now: _dt.datetime
    sessions: int
    answers: int  # follow-ups included
    main_answers: int
    mean_score: float | None  # over main answers
    days: tuple[_dt.date, ...]  # days practised (the answer's own local date), oldest first
    current_streak: int  # days in a row up to today (or yesterday)
    longest_streak: int
    topics: tuple[TopicStats, ...]
    points: tuple[PointStats, ...]  # by question (first answered) then rubric order
    weakest: tuple[PointStats, ...]
    due_now: tuple[str, ...]
    due_today: tuple[str, ...]
    new: int | None  # questions in the rubric never answered (None: rubric unknown)
    missed: tuple[str, ...]  # 오답노트
    session_means: tuple[tuple[str, _dt.datetime, float], ...]

    def to_json(self) -> dict:
        return {
            "now": self.now.isoformat(timespec="seconds"),
            "sessions": self.sessions,
            "answers": self.answers,
            "main_answers": self.main_answers,
            "mean_score": None if self.mean_score is None else round(self.mean_score, 4),
            "days": [d.isoformat() for d in self.days],
            "streak": {"current": self.current_streak, "longest": self.longest_streak},
            "due": {"now": list(self.due_now), "today": list(self.due_today), "new": self.new},
            "missed": list(self.missed),
            "topics": [t.to_json() for t in self.topics],
            "weakest": [p.to_json() for p in self.weakest],
            "key_points": [p.to_json() for p in self.points],
            "session_scores": [{"session": n, "started_at": t.isoformat(timespec="seconds"), "mean_score": round(m, 4)}
                               for n, t, m in self.session_means],
        }


def compute_stats(history: History, questions: Mapping | None = None, now: _dt.datetime | None = None,
                  schedule: Schedule | None = None) -> Stats:
    """``questions`` maps question id -> rubric Question (for topics and the count of new ones)."""
    now = now or _dt.datetime.now().astimezone()
    questions = questions or {}
    main = history.main_attempts()
    schedule = schedule if schedule is not None else build_schedule(main)

    topic_scores: dict[str, list[float]] = {}
    topic_questions: dict[str, set] = {}
    points: dict[tuple[str, str], list] = {}
    for a in main:
        q = questions.get(a.main)
        for tag in (q.tags if q is not None and q.tags else (NO_TOPIC,)):
            topic_scores.setdefault(tag, []).append(a.score)
            topic_questions.setdefault(tag, set()).add(a.main)
        for p in a.points:
            entry = points.setdefault((a.main, p.id), [p.label, []])
            entry[0] = p.label  # the latest label wins (a rubric may have reworded it)
            entry[1].append(p.status)
    topics = tuple(TopicStats(t, len(topic_questions[t]), tuple(s)) for t, s in
                   sorted(topic_scores.items(), key=lambda kv: (kv[0] == NO_TOPIC, kv[0])))
    point_stats = tuple(PointStats(q, k, label, tuple(st)) for (q, k), (label, st) in points.items())
    weakest = tuple(sorted(point_stats, key=lambda p: (p.rate, -p.attempts, p.question, p.id))[:WEAKEST])
    weakest = tuple(p for p in weakest if p.rate < 1.0)

    days = tuple(sorted({a.answered_at.date() for a in history.attempts}))
    current, longest = streaks(days, now.date())
    mean = sum(a.score for a in main) / len(main) if main else None
    new = None
    if questions:
        answered = {a.main for a in main}
        new = sum(1 for qid in questions if qid not in answered)
    return Stats(
        now=now,
        sessions=len(history.sessions),
        answers=len(history.attempts),
        main_answers=len(main),
        mean_score=mean,
        days=days,
        current_streak=current,
        longest_streak=longest,
        topics=topics,
        points=point_stats,
        weakest=weakest,
        due_now=tuple(c.question for c in schedule.due(now)),
        due_today=tuple(c.question for c in schedule.due(end_of_day(now))),
        new=new,
        missed=tuple(repeatedly_missed(main)),
        session_means=tuple((s.name, s.started_at, s.mean_score) for s in history.sessions if s.attempts),
    )


def streaks(days: Iterable[_dt.date], today: _dt.date) -> tuple[int, int]:
    """(current, longest) runs of consecutive days. The current run may end yesterday: today's
    practice may still be ahead."""
    days = sorted(set(days))
    longest = run = 0
    prev = None
    for d in days:
        run = run + 1 if prev is not None and (d - prev).days == 1 else 1
        longest = max(longest, run)
        prev = d
    current = run if prev is not None and (today - prev).days <= 1 else 0
    return current, longest


# --- small text charts ---------------------------------------------------------------------------


def sparkline(values: Iterable[float]) -> str:
    """Values in [0, 1] as ▁▂▃▄▅▆▇█."""
    return "".join(SPARK[min(7, max(0, round(v * 7)))] for v in values)


def bar(value: float, width: int = 12) -> str:
    filled = round(value * width)
    return "█" * filled + "░" * (width - filled)


def status_strip(statuses: Iterable[str]) -> str:
    """A key point's history: █ covered, ▁ missed, ! contradicted."""
    return "".join("█" if s == COVERED else "!" if s == CONTRADICTED else "▁" for s in statuses)


def width(text: str) -> int:
    """Columns ``text`` takes in a terminal (Hangul and other wide characters take two)."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 0 if unicodedata.combining(ch) else 1
               for ch in text)


def pad(text: str, cols: int, right: bool = False) -> str:
    fill = " " * max(0, cols - width(text))
    return fill + text if right else text + fill


def clip(text: str, cols: int) -> str:
    if width(text) <= cols:
        return text
    out, used = [], 0
    for ch in text:
        w = width(ch)
        if used + w > cols - 1:
            break
        out.append(ch)
        used += w
    return "".join(out) + "…"

