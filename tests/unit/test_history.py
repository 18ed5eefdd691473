"""Loading transcripts into attempts: the sample sessions written by the real practice loop,
partial last lines, records of older versions, unreadable files, and finding a session."""

from __future__ import annotations

import datetime as dt
import io
import json
import shutil
from pathlib import Path

import pytest

from interviewer.errors import InputError, TranscriptError
from interviewer.history import COVERED, CONTRADICTED, MISSED, Quote, load_history, load_session_file

SAMPLES = Path(__file__).resolve().parent.parent / "data" / "transcripts"
KST = dt.timezone(dt.timedelta(hours=9))
NAMES = ["2025-03-01_210008", "2025-03-02_203013", "2025-03-05_081011", "2025-03-08_194013"]


@pytest.fixture
def samples(tmp_path) -> Path:
    """A copy of the sample transcripts, to damage freely."""
    out = tmp_path / "t"
    shutil.copytree(SAMPLES, out)
    return out


def test_sessions_of_the_samples():
    warn = io.StringIO()
    h = load_history(SAMPLES, warn=warn)
    assert warn.getvalue() == ""
    assert [s.name for s in h.sessions] == NAMES
    assert [(len(s.attempts), s.skipped, s.ended) for s in h.sessions] == [(5, 0, True), (5, 0, True), (4, 1, True),
                                                                           (2, 1, True)]
    assert [s.questions for s in h.sessions] == [
        ("sigmoid", "relu", "dropout", "batchnorm"), ("sigmoid", "relu", "dropout"),
        ("sigmoid", "relu", "dropout", "batchnorm"), ("dropout", "sigmoid")]
    assert [round(s.mean_score, 4) for s in h.sessions] == [0.4, 0.75, 0.875, 1.0]
    assert h.sessions[0].started_at == dt.datetime(2025, 3, 1, 21, 0, 8, 616000, tzinfo=KST)
    assert {s.rubric_path for s in h.sessions} == {"tests/data/review.yaml"}
    assert [(s.options["order"], s.options.get("missed")) for s in h.sessions] == [
        ("sequential", False), ("sequential", False), ("sequential", False), ("due", True)]


def test_attempts_are_oldest_first_with_follow_ups_apart():
    h = load_history(SAMPLES)
    assert len(h.attempts) == 16
    assert [a.question for a in h.attempts if a.is_follow_up] == ["sigmoid/follow-up-1"] * 2
    assert [(a.main, a.attempt) for a in h.main_attempts()] == [
        ("sigmoid", 1), ("relu", 1), ("dropout", 1), ("batchnorm", 1),
        ("sigmoid", 1), ("sigmoid", 2), ("relu", 1), ("dropout", 1),
        ("sigmoid", 1), ("relu", 1), ("dropout", 1), ("batchnorm", 1),
        ("dropout", 1), ("sigmoid", 1)]
    times = [a.answered_at for a in h.attempts]
    assert times == sorted(times)


def test_one_attempt_in_full():
    """The contradiction in session 2: evidence, misconception, line number, timing."""
    a = load_history(SAMPLES).sessions[1].attempts[0]
    assert (a.session, a.path.name, a.line, a.where) == (
        "2025-03-02_203013", "2025-03-02_203013.jsonl", 2, f"{SAMPLES / '2025-03-02_203013.jsonl'}:2")
    assert (a.question, a.main, a.attempt, a.is_follow_up) == ("sigmoid", "sigmoid", 1, False)
    assert a.answer == "기울기 소실이 생기고요, 출력이 0 중심이라서 학습이 안정적이에요."
    assert a.answered_at == dt.datetime(2025, 3, 2, 20, 31, 20, 173000, tzinfo=KST)
    assert (a.seconds, a.score, a.passed, a.hints, a.model_shown) == (66.13, 0.5, True, (), False)
    assert [(p.id, p.status, p.evidence, p.weight, p.required) for p in a.points] == [
        ("vanishing", COVERED, Quote("기울기 소실", 0, 6), 2.0, True),
        ("not-zero-centered", CONTRADICTED, Quote("출력이 0 중심", 14, 22), 1.0, False),
        ("exp-cost", MISSED, None, 1.0, False)]
    assert [(m.id, m.contradicts, m.evidence) for m in a.misconceptions] == [
        ("zero-centered", "not-zero-centered", Quote("출력이 0 중심", 14, 22))]
    assert a.delivery["chars"] == 30 and a.delivery["lead"] == "기울기 소실"


def test_every_evidence_offset_points_at_its_text():
    for a in load_history(SAMPLES).attempts:
        for p in a.points:
            if p.status == MISSED:
                assert p.evidence is None
            else:
                assert a.answer[p.start:p.end] == p.quote, a.where


def test_hints_model_answer_and_follow_up_reason_are_kept():
    h = load_history(SAMPLES)
    relu = h.sessions[1].attempts[3]
    assert (relu.question, relu.hints, relu.model_shown) == ("relu", ("no-saturation",), True)
    follow = h.sessions[0].attempts[1]
    assert follow.follow_up_reason == "'기울기 소실'을 말씀하셨는데…"


def test_a_partial_last_line_is_skipped_with_a_warning(samples):
    path = samples / f"{NAMES[1]}.jsonl"
    lines = path.read_bytes().split(b"\n")
    # Cut the last answer (dropout) in half: as if the power went off while it was written.
    cut = b"\n".join(lines[:5]) + b"\n" + lines[5][: len(lines[5]) // 2]
    path.write_bytes(cut)
    warn = io.StringIO()
    s = load_history(samples, warn=warn).sessions[1]
    assert warn.getvalue() == (f"warning: {path}:6: skipping a partial last line "
                               "(the session was cut off while writing it)\n")
    assert [a.question for a in s.attempts] == ["sigmoid", "sigmoid", "sigmoid/follow-up-1", "relu"]
    assert not s.ended


def test_records_of_an_older_version_load_with_defaults(samples):
    """A writer from before ``main``, ``attempt``, ``delivery``, ``hints`` and offsets: the answers
    still load, follow-ups are recognised by their id, evidence is found by its text."""
    path = samples / f"{NAMES[1]}.jsonl"
    old = []
    for line in path.read_text(encoding="utf-8").splitlines():
        r = json.loads(line)
        if r["type"] == "answer":
            for key in ("main", "attempt", "delivery", "hints", "model_shown", "follow_up", "seconds"):
                r.pop(key)
            for k in r["result"]["key_points"]:
                if k["evidence"]:
                    del k["evidence"]["start"], k["evidence"]["end"]
        old.append(json.dumps(r, ensure_ascii=False))
    path.write_text("\n".join(old) + "\n", encoding="utf-8")
    warn = io.StringIO()
    s = load_history(samples, warn=warn).sessions[1]
    assert warn.getvalue() == ""
    assert [(a.question, a.main, a.is_follow_up, a.attempt) for a in s.attempts] == [
        ("sigmoid", "sigmoid", False, 1), ("sigmoid", "sigmoid", False, 1),
        ("sigmoid/follow-up-1", "sigmoid", True, 1), ("relu", "relu", False, 1), ("dropout", "dropout", False, 1)]
    first = s.attempts[0]
    assert (first.delivery, first.hints, first.model_shown, first.seconds) == (None, (), False, None)
    assert [p.evidence for p in first.points] == [Quote("기울기 소실", 0, 6), Quote("출력이 0 중심", 14, 22), None]


def test_a_newer_format_or_broken_file_is_skipped_with_a_warning_and_the_rest_load(samples):
    newer = samples / f"{NAMES[0]}.jsonl"
    lines = newer.read_text(encoding="utf-8").splitlines()
    header = json.loads(lines[0])
    newer.write_text("\n".join([json.dumps({**header, "format": 99})] + lines[1:]) + "\n", encoding="utf-8")
    broken = samples / f"{NAMES[2]}.jsonl"
    lines = broken.read_text(encoding="utf-8").splitlines()
    broken.write_text("\n".join(lines[:2] + ["{not json"] + lines[2:]) + "\n", encoding="utf-8")
    warn = io.StringIO()
    h = load_history(samples, warn=warn)
    assert [s.name for s in h.sessions] == [NAMES[1], NAMES[3]]
    assert warn.getvalue() == (
        f"warning: skipping {newer}:1: format 99 is newer than this interviewer reads (1); upgrade interviewer\n"
        f"warning: skipping {broken}:3: not a transcript line: Expecting property name enclosed in double quotes\n")


def test_an_answer_without_a_score_is_skipped_naming_file_and_line(samples):
    path = samples / f"{NAMES[3]}.jsonl"
    lines = path.read_text(encoding="utf-8").splitlines()
    r = json.loads(lines[1])
    del r["result"]
    lines[1] = json.dumps(r, ensure_ascii=False)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    warn = io.StringIO()
    s = load_history(samples, warn=warn).sessions[3]
    assert warn.getvalue() == f"warning: {path}:2: skipping an answer: it has no score (result.score)\n"
    assert [a.question for a in s.attempts] == ["sigmoid"]


def test_undecodable_answer_bytes_read_back_as_replacement_characters(samples, edit_first_answer):
    """Undecodable terminal bytes reach the transcript as lone surrogates (the line is written
    ASCII-escaped); read back they are U+FFFD, one for one, so offsets still hold and review can
    print them."""
    edit_first_answer(samples / f"{NAMES[1]}.jsonl", " \udcff")
    a = load_history(samples).sessions[1].attempts[0]
    assert a.answer.endswith(" \ufffd")
    a.answer.encode("utf-8")
    assert all(a.answer[p.evidence.start:p.evidence.end] == p.evidence.text for p in a.points if p.evidence)


def test_load_session_file_reads_one_transcript():
    path = SAMPLES / f"{NAMES[0]}.jsonl"
    assert load_session_file(path).name == NAMES[0]


def test_load_session_file_raises_where_load_history_warns(tmp_path):
    path = tmp_path / "2025-03-01_000000.jsonl"
    path.write_bytes(b'{"type": "hea')
    with pytest.raises(TranscriptError) as err:
        load_session_file(path, warn=io.StringIO())
    assert str(err.value) == f"{path}:1: the session was cut off before its header was written"
    warn = io.StringIO()
    assert load_history(tmp_path, warn=warn).sessions == ()
    assert warn.getvalue().endswith(f"warning: {path}: skipping a session cut off before its header was written\n")


def test_an_empty_or_missing_directory_has_no_sessions(tmp_path):
    assert load_history(tmp_path / "none").sessions == ()
    with pytest.raises(InputError) as err:
        load_history(tmp_path).session("last")
    assert str(err.value) == f"no sessions in {tmp_path}"


@pytest.mark.parametrize("ref, name", [
    ("2025-03-02_203013", NAMES[1]),
    ("2025-03-05", NAMES[2]),
    ("2", NAMES[1]),
    ("last", NAMES[3]),
    (str(SAMPLES / f"{NAMES[0]}.jsonl"), NAMES[0]),
    ("2025-03-08_194013.jsonl", NAMES[3]),
])
def test_finding_a_session(ref, name):
    assert load_history(SAMPLES).session(ref).name == name


def test_an_ambiguous_or_unknown_session_is_an_error_naming_the_candidates():
    h = load_history(SAMPLES)
    with pytest.raises(InputError) as err:
        h.session("2025-03-0")
    assert str(err.value) == (f"session '2025-03-0' is ambiguous in {SAMPLES}: "
                              "2025-03-01_210008, 2025-03-02_203013, 2025-03-05_081011, 2025-03-08_194013")
    with pytest.raises(InputError) as err:
        h.session("2025-03-02_203014")
    assert str(err.value) == (f"no session '2025-03-02_203014' in {SAMPLES} "
                              "(did you mean: 2025-03-02_203013, 2025-03-05_081011, 2025-03-08_194013?)")
    with pytest.raises(InputError) as err:
        h.session("9")
    assert str(err.value) == f"no session '9' in {SAMPLES} (latest: 2025-03-08_194013)"


def test_reading_transcripts_never_loads_kiwi():
    import subprocess
    import sys

    code = ("import sys; from interviewer.history import load_history; load_history(sys.argv[1]); "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('kiwipiepy', 'rapidfuzz', 'numpy')))")
    out = subprocess.run([sys.executable, "-c", code, str(SAMPLES)], capture_output=True, text=True,
                         cwd=SAMPLES.parent.parent.parent)
    assert out.stdout == "[]\n", out.stderr
