"""Progress numbers over the sample sessions (exact), and the small text charts."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from interviewer.history import load_history
from interviewer.progress import NO_TOPIC, bar, clip, compute_stats, pad, sparkline, status_strip, streaks, width
from interviewer.rubric import load_rubric

DATA = Path(__file__).resolve().parent.parent / "data"
KST = dt.timezone(dt.timedelta(hours=9))
NOW = dt.datetime(2025, 3, 15, 12, 0, tzinfo=KST)


@pytest.fixture(scope="module")
def stats():
    questions = {q.id: q for q in load_rubric(DATA / "review.yaml").questions}
    return compute_stats(load_history(DATA / "transcripts"), questions, NOW)


def test_totals_streaks_and_due(stats):
    assert (stats.sessions, stats.answers, stats.main_answers) == (4, 16, 14)
    assert round(stats.mean_score, 4) == 0.6964  # 9.75 / 14 main answers
    assert [d.isoformat() for d in stats.days] == ["2025-03-01", "2025-03-02", "2025-03-05", "2025-03-08"]
    assert (stats.current_streak, stats.longest_streak) == (0, 2)
    assert (stats.due_now, stats.due_today, stats.new) == (("relu",), ("relu", "dropout"), 0)
    assert stats.missed == ("sigmoid", "dropout")
    assert [(n, round(m, 3)) for n, _, m in stats.session_means] == [
        ("2025-03-01_210008", 0.4), ("2025-03-02_203013", 0.75), ("2025-03-05_081011", 0.875),
        ("2025-03-08_194013", 1.0)]


def test_per_topic(stats):
    assert [(t.topic, t.questions, t.attempts, round(t.mean, 4), t.scores) for t in stats.topics] == [
        ("activations", 2, 8, 0.7812, (0.5, 0.5, 0.5, 0.75, 1.0, 1.0, 1.0, 1.0)),
        ("normalization", 1, 2, 0.75, (0.5, 1.0)),
        ("regularization", 2, 6, 0.5833, (0.0, 0.5, 0.5, 0.5, 1.0, 1.0)),
    ]


def test_per_key_point_and_the_weakest(stats):
    got = [(k.question, k.id, k.covered, k.contradicted, k.attempts, k.streak, status_strip(k.statuses))
           for k in stats.points]
    assert got == [
        ("sigmoid", "vanishing", 5, 0, 5, 5, "█████"),
        ("sigmoid", "not-zero-centered", 3, 1, 5, 3, "▁!███"),
        ("sigmoid", "exp-cost", 2, 0, 5, 2, "▁▁▁██"),
        ("relu", "no-saturation", 3, 0, 3, 3, "███"),
        ("relu", "dying", 2, 0, 3, 2, "▁██"),
        ("dropout", "random-drop", 3, 0, 4, 3, "▁███"),
        ("dropout", "ensemble", 1, 0, 4, 1, "▁▁▁█"),
        ("batchnorm", "batch-stats", 2, 0, 2, 2, "██"),
        ("batchnorm", "scale-shift", 1, 0, 2, 1, "▁█"),
    ]
    assert [(k.question, k.id, round(k.rate, 2)) for k in stats.weakest] == [
        ("dropout", "ensemble", 0.25), ("sigmoid", "exp-cost", 0.4), ("batchnorm", "scale-shift", 0.5),
        ("sigmoid", "not-zero-centered", 0.6), ("relu", "dying", 0.67)]


def test_without_a_rubric_topics_are_unknown_and_new_questions_uncounted():
    s = compute_stats(load_history(DATA / "transcripts"), {}, NOW)
    assert [(t.topic, t.attempts) for t in s.topics] == [(NO_TOPIC, 14)]
    assert s.new is None


def test_no_history():
    s = compute_stats(load_history(DATA / "nothing-here"), {}, NOW)
    assert (s.sessions, s.answers, s.mean_score, s.topics, s.points, s.due_today) == (0, 0, None, (), (), ())
    assert s.to_json()["streak"] == {"current": 0, "longest": 0}


D = dt.date


@pytest.mark.parametrize("days, today, expected", [
    ([], D(2025, 3, 1), (0, 0)),
    ([D(2025, 3, 1)], D(2025, 3, 1), (1, 1)),
    ([D(2025, 3, 1)], D(2025, 3, 2), (1, 1)),      # yesterday still counts: today may come
    ([D(2025, 3, 1)], D(2025, 3, 3), (0, 1)),
    ([D(2025, 3, 1), D(2025, 3, 2), D(2025, 3, 3), D(2025, 3, 5)], D(2025, 3, 5), (1, 3)),
    ([D(2025, 3, 3), D(2025, 3, 1), D(2025, 3, 2), D(2025, 3, 2)], D(2025, 3, 3), (3, 3)),
])
def test_streaks(days, today, expected):
    assert streaks(days, today) == expected


def test_text_charts():
    assert sparkline([0, 0.25, 0.5, 0.75, 1]) == "▁▃▅▆█"
    assert bar(0.5, 10) == "█████░░░░░"
    assert status_strip(["covered", "missed", "contradicted"]) == "█▁!"
    assert width("기울기 vanishing") == 16
    assert pad("기울기", 8) == "기울기  " and pad("12", 4, right=True) == "  12"
    assert clip("출력의 중심이 0이 아님", 10) == "출력의 중…"
