"""The FSRS schedule: the documented coverage -> rating mapping over real answers, due order,
the state rebuilt from transcripts alone (the cache only ever skips work), and 오답노트."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import shutil
from pathlib import Path

import pytest
from fsrs import Rating, State

from interviewer.errors import InputError
from interviewer.history import COVERED, CONTRADICTED, MISSED, PointOutcome, load_history
from interviewer.rubric import KeyPoint, Question, load_rubric
from interviewer.schedule import (
    build_schedule, cache_file, coverage, due_order, end_of_day, missed_only, rate, repeatedly_missed,
)

DATA = Path(__file__).resolve().parent.parent / "data"
SAMPLES = DATA / "transcripts"
KST = dt.timezone(dt.timedelta(hours=9))


@pytest.fixture(scope="module")
def history():
    return load_history(SAMPLES)


@pytest.fixture(scope="module")
def questions():
    return load_rubric(DATA / "review.yaml").questions


def test_ratings_of_the_sample_answers(history):
    got = [(a.session[:10], a.main, round(coverage(a), 2), rate(a).name) for a in history.main_attempts()]
    assert got == [
        ("2025-03-01", "sigmoid", 0.5, "Hard"),       # half the weight covered
        ("2025-03-01", "relu", 0.5, "Hard"),
        ("2025-03-01", "dropout", 0.0, "Again"),      # nothing covered (and not passed)
        ("2025-03-01", "batchnorm", 0.5, "Hard"),
        ("2025-03-02", "sigmoid", 0.25, "Again"),     # score 50 %, but the contradiction counts against
        ("2025-03-02", "sigmoid", 0.75, "Good"),      # /again: better
        ("2025-03-02", "relu", 1.0, "Hard"),          # all covered, after seeing the model answer
        ("2025-03-02", "dropout", 0.5, "Hard"),
        ("2025-03-05", "sigmoid", 1.0, "Good"),       # all covered, after a hint
        ("2025-03-05", "relu", 1.0, "Easy"),
        ("2025-03-05", "dropout", 0.5, "Hard"),
        ("2025-03-05", "batchnorm", 1.0, "Easy"),
        ("2025-03-08", "dropout", 1.0, "Easy"),
        ("2025-03-08", "sigmoid", 1.0, "Easy"),
    ]


def _attempt(history, **changes):
    """A real answer with some fields changed, to probe one rule of the mapping at a time."""
    return dataclasses.replace(history.sessions[3].attempts[1], **changes)  # sigmoid, 100 %, Easy


def _points(*statuses):
    weights = (2.0, 1.0, 1.0)
    return tuple(PointOutcome(f"k{i}", f"k{i}", s, w, i == 0) for i, (s, w) in enumerate(zip(statuses, weights)))


@pytest.mark.parametrize("statuses, passed, extra, rating", [
    ((COVERED, COVERED, COVERED), True, {}, Rating.Easy),
    ((COVERED, COVERED, COVERED), True, {"hints": ("k1",)}, Rating.Good),
    ((COVERED, COVERED, COVERED), True, {"model_shown": True}, Rating.Hard),
    ((COVERED, COVERED, MISSED), True, {}, Rating.Good),          # 0.75
    ((COVERED, MISSED, MISSED), True, {}, Rating.Hard),           # 0.5
    ((COVERED, COVERED, CONTRADICTED), True, {}, Rating.Hard),    # (3 - 1) / 4 = 0.5
    ((COVERED, CONTRADICTED, CONTRADICTED), True, {}, Rating.Again),  # (2 - 2) / 4 = 0
    ((MISSED, COVERED, COVERED), False, {}, Rating.Again),        # a required point missed
])
def test_the_mapping_rule_by_rule(history, statuses, passed, extra, rating):
    a = _attempt(history, points=_points(*statuses), passed=passed, **extra)
    assert rate(a) == rating


def test_a_contradiction_caps_a_full_answer_at_hard(history):
    a = history.sessions[1].attempts[0]
    full = _attempt(history, misconceptions=a.misconceptions)
    assert coverage(full) == 1.0 and rate(full) == Rating.Hard


def test_cards_and_due_order(history, questions):
    s = build_schedule(history.attempts)
    assert sorted(s.cards) == ["batchnorm", "dropout", "relu", "sigmoid"]
    assert [r.rating.name for r in s.card("sigmoid").reviews] == ["Hard", "Again", "Good", "Good", "Easy"]
    assert {q: State(c.card.state).name for q, c in s.cards.items()} == {
        "sigmoid": "Review", "relu": "Review", "dropout": "Review", "batchnorm": "Review"}
    # Due dates only grow with better answers: the two answered Easy last are due latest.
    by_due = [c.question for c in sorted(s.cards.values(), key=lambda c: c.due)]
    assert by_due == ["relu", "dropout", "sigmoid", "batchnorm"]
    now = dt.datetime(2025, 3, 16, 9, 0, tzinfo=KST)
    assert [c.question for c in s.due(now)] == ["relu", "dropout"]
    assert [q.id for q in s.order(questions, now)] == ["relu", "dropout", "sigmoid", "batchnorm"]
    new = Question("layernorm", "레이어 정규화는?", (KeyPoint("per-sample", "샘플 단위", ("샘플 단위",)),))
    assert [q.id for q in s.order((new, *questions), now)] == ["relu", "dropout", "layernorm", "sigmoid", "batchnorm"]
    early = dt.datetime(2025, 3, 9, 9, 0, tzinfo=KST)
    assert s.due(early) == [] and [q.id for q in s.order(questions, early)] == by_due


def test_the_schedule_after_session_three_asked_dropout_then_sigmoid(history, questions):
    """What `practice --missed --order due` saw before session 4 (which asked dropout, then sigmoid)."""
    before = [a for a in history.attempts if a.session < "2025-03-08"]
    s = build_schedule(before)
    start = history.sessions[3].started_at
    assert [c.question for c in s.due(start)] == ["dropout", "sigmoid"]
    missed = repeatedly_missed(before)
    assert [q.id for q in s.order([q for q in questions if q.id in missed], start)] == ["dropout", "sigmoid"]


def test_due_today_uses_the_day_of_now():
    now = dt.datetime(2025, 3, 15, 12, 0, tzinfo=KST)
    assert end_of_day(now) == dt.datetime(2025, 3, 16, 0, 0, tzinfo=KST)


def test_rebuilding_gives_the_same_cards(history):
    a, b = build_schedule(history.attempts), build_schedule(history.attempts)
    assert {q: c.card.to_dict() for q, c in a.cards.items()} == {q: c.card.to_dict() for q, c in b.cards.items()}


def _cards(schedule):
    return {q: c.card.to_dict() for q, c in schedule.cards.items()}


def test_the_cache_reuses_card_states_and_only_replays_newer_answers(history, tmp_path, monkeypatch):
    from interviewer import schedule as sched

    cache = tmp_path / "schedule.json"
    replayed = []
    real = sched.SCHEDULER.review_card

    def review_card(card, rating, **kw):
        replayed.append(rating)
        return real(card, rating, **kw)

    monkeypatch.setattr(sched.SCHEDULER, "review_card", review_card)
    first_three = [a for a in history.attempts if a.session < "2025-03-08"]
    assert _cards(build_schedule(first_three, cache=cache)) == _cards(build_schedule(first_three))
    assert json.loads(cache.read_text())["n"] == 12
    replayed.clear()
    full = build_schedule(history.attempts, cache=cache)
    assert len(replayed) == 2  # only session 4's two answers
    assert _cards(full) == _cards(build_schedule(history.attempts))
    replayed.clear()
    build_schedule(history.attempts, cache=cache)
    assert replayed == []


def test_an_edited_transcript_means_a_full_replay(history, tmp_path):
    cache = tmp_path / "schedule.json"
    build_schedule(history.attempts, cache=cache)
    # The first answer re-rated (as if its transcript had been edited): the cache no longer applies.
    first = history.main_attempts()[0]
    edited = [dataclasses.replace(a, passed=False) if a is first else a for a in history.attempts]
    assert _cards(build_schedule(edited, cache=cache)) == _cards(build_schedule(edited))
    assert _cards(build_schedule(edited)) != _cards(build_schedule(history.attempts))


def test_a_damaged_cache_is_ignored(history, tmp_path):
    cache = tmp_path / "schedule.json"
    cache.write_text("{not json")
    assert _cards(build_schedule(history.attempts, cache=cache)) == _cards(build_schedule(history.attempts))
    assert json.loads(cache.read_text())["n"] == 14


def test_cache_file_is_per_transcripts_dir(tmp_path):
    env = {"XDG_CACHE_HOME": str(tmp_path)}
    a, b = cache_file(tmp_path / "a", env), cache_file(tmp_path / "b", env)
    assert a.parent == b.parent == tmp_path / "interviewer" and a != b and a.name.startswith("schedule-")


def test_missed_in_two_or_more_answers(history):
    assert repeatedly_missed(history.attempts) == {
        "sigmoid": {"not-zero-centered": 2, "exp-cost": 3},  # the contradiction counts as not covered
        "dropout": {"ensemble": 3},
    }


def test_practice_hooks(history, questions, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    assert [q.id for q in missed_only(questions, SAMPLES)] == ["sigmoid", "dropout"]
    later = dt.datetime(2025, 3, 16, 9, 0, tzinfo=KST)
    assert [q.id for q in due_order(SAMPLES, now=lambda: later)(questions)] == ["relu", "dropout", "sigmoid", "batchnorm"]
    empty = tmp_path / "empty"
    with pytest.raises(InputError) as err:
        missed_only(questions, empty)
    assert str(err.value) == f"--missed: no question has a key point missed in 2 or more answers in {empty} yet"
    assert [q.id for q in due_order(empty)(questions)] == ["sigmoid", "relu", "dropout", "batchnorm"]


def test_copies_of_the_samples_schedule_alike(tmp_path):
    shutil.copytree(SAMPLES, tmp_path / "t")
    assert _cards(build_schedule(load_history(tmp_path / "t").attempts)) == _cards(build_schedule(load_history(SAMPLES).attempts))
