"""The labeling walk-through (review SESSION --label) driven by scripted keys: what it saves,
resuming, Ctrl-C / Ctrl-D, a torn last line, and that the transcript is never written."""

from __future__ import annotations

import hashlib
import io
import json
import shutil
from pathlib import Path

import pytest

from interviewer.evaluate import load_labels
from interviewer.labeling import LabelWalk, answer_items, labels_path, parse_key, run_labeling
from interviewer.rubric import load_rubric
from interviewer.transcript import read_transcript
from interviewer.tuning import with_follow_ups

DATA = Path(__file__).resolve().parent.parent / "data" / "tuning"
SESSION = DATA / "transcripts" / "2025-03-01_210405.jsonl"


@pytest.fixture(scope="module")
def rubric():
    return with_follow_ups(load_rubric(DATA / "rubric.yaml"))


@pytest.fixture
def session(tmp_path):
    path = tmp_path / SESSION.name
    shutil.copy(SESSION, path)
    return path


def keys(*presses):
    """A reader that answers prompts with ``presses``; an exception class is raised instead."""
    it = iter(presses)

    def read(prompt):
        k = next(it, EOFError)
        if isinstance(k, type) and issubclass(k, BaseException):
            raise k
        return k

    return read


def label(session, rubric, *presses):
    out = io.StringIO()
    res = run_labeling(session, rubric, stdout=out, read=keys(*presses), now=lambda: "2025-03-02T10:00:00.000+09:00")
    return res, out.getvalue()


def lines(path):
    return [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines()]


def digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_labels_path_is_next_to_the_transcript(session):
    assert labels_path(session) == session.parent / "2025-03-01_210405.labels.jsonl"


def test_the_machine_verdicts_come_from_the_transcript(session, rubric):
    items, notes = answer_items(read_transcript(session), rubric)
    assert notes == []
    assert [(it.turn, it.question) for it in items] == [
        (1, "tune-picnic"), (2, "tune-picnic"), (3, "tune-rain"), (4, "tune-rain"), (5, "tune-picnic"),
        (6, "tune-picnic/follow-up-1")]
    mat = items[0].points[1]
    assert (mat.id, mat.machine, mat.phrase, round(mat.similarity, 2)) == ("mat", "missed", "돗자리 방석 담요", 0.67)
    assert items[4].machine() == {"lunch": "covered", "mat": "covered", "no-cat": "covered"}


def test_a_full_walk_saves_labels_the_benchmark_format_reads(session, rubric):
    before = digest(session)
    res, out = label(
        session, rubric,
        "", "c", "",  # 1: lunch ok (missed), mat -> covered, no-cat ok
        "", "c", "",  # 2: mat -> covered
        "", "",  # 3: umbrella ok (covered), raincoat ok
        "m", "",  # 4: umbrella -> missed
        "", "", "x",  # 5: no-cat -> contradicted
        "",  # 6 (follow-up): water ok
    )
    assert (res.saved, res.remaining, res.interrupted) == (6, 0, False)
    path = labels_path(session)
    got = [(r["turn"], r["question"], r["covered"], r["contradicted"]) for r in lines(path)]
    assert got == [
        (1, "tune-picnic", ["mat"], []),
        (2, "tune-picnic", ["mat"], []),
        (3, "tune-rain", ["umbrella"], []),
        (4, "tune-rain", [], []),
        (5, "tune-picnic", ["lunch", "mat"], ["no-cat"]),
        (6, "tune-picnic/follow-up-1", ["water"], []),
    ]
    first = lines(path)[0]
    assert first["session"] == "2025-03-01_210405" and first["answer"] == "돗자리랑 담요만 있으면 돼요."
    assert first["machine"]["covered"] == [] and first["labeled_at"] == "2025-03-02T10:00:00.000+09:00"
    # the one labels format: evaluate.load_labels reads it as is
    labels = load_labels([path], rubric)
    assert [sorted(lb.covered) for lb in labels][4] == ["lunch", "mat"]
    assert digest(session) == before  # the transcript is only read
    assert "라벨 6개 답변 저장" in out


def test_resume_skips_labeled_answers(session, rubric):
    label(session, rubric, "", "c", "", "q")  # answer 1 saved, then quit
    res, out = label(session, rubric, "a", "a", "a", "a", "a")  # the other five, machine verdicts
    assert (res.already, res.saved, res.remaining) == (1, 5, 0)
    assert "이미 라벨링한 1개는 건너뜀" in out
    assert [r["turn"] for r in lines(labels_path(session))] == [1, 2, 3, 4, 5, 6]
    res, out = label(session, rubric)
    assert res.saved == 0 and "라벨링할 답변이 없어요." in out


def test_ctrl_c_keeps_saved_answers_and_drops_the_one_in_progress(session, rubric):
    res, out = label(session, rubric, "a", "", KeyboardInterrupt)
    assert (res.saved, res.interrupted, res.remaining) == (1, True, 5)
    assert [r["turn"] for r in lines(labels_path(session))] == [1]
    assert "같은 명령을 다시 실행하면 이어서 합니다" in out


def test_ctrl_d_stops_like_quit(session, rubric):
    res, _ = label(session, rubric, "a", EOFError)
    assert (res.saved, res.interrupted) == (1, False)


def test_a_torn_last_line_is_cut_before_appending(session, rubric, capsys):
    path = labels_path(session)
    label(session, rubric, "a", "q")
    with open(path, "ab") as f:
        f.write(b'{"question": "tune-pic')  # power lost mid-line
    res, _ = label(session, rubric, "a", "q")
    assert res.saved == 1
    assert [r["turn"] for r in lines(path)] == [1, 2]
    assert "removing a partial last line" in capsys.readouterr().err


def test_walk_keys(rubric, session):
    items, _ = answer_items(read_transcript(session), rubric)
    walk = LabelWalk(items[:2])
    assert walk.press("zz").text.startswith("모르는 키 'zz'")
    assert walk.point == 0
    assert walk.press("?").text.startswith("키 (입력 후 Enter")
    assert "첫 포인트" in walk.press("b").text
    walk.press("ㅊ")  # Korean IME: ㅊ is c
    walk.press("b")  # back to lunch
    assert walk.point == 0
    walk.press("ㅌ")  # x: contradicted
    step = walk.press("a")  # the rest as the machine says
    item, choices = step.save
    assert item.turn == 1 and choices == {"lunch": "contradicted", "mat": "missed", "no-cat": "missed"}
    step = walk.press("s")
    assert step.done and walk.skipped == 1 and walk.saved == 1


@pytest.mark.parametrize("key,action", [
    ("", "accept"), ("y", "accept"), ("C", "covered"), (" m ", "missed"), ("x", "contradicted"),
    ("ㅡ", "missed"), ("ㅂ", "quit"), ("contradicted", "contradicted"), ("z", None),
])
def test_parse_key(key, action):
    assert parse_key(key) == action
