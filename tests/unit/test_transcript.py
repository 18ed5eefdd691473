"""Transcript writer and reader: names never clobbered, lines durable and whole, a partial last
line skipped with a warning, older formats migrated, newer ones refused."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from interviewer import transcript as tr
from interviewer.errors import TranscriptError
from interviewer.transcript import FORMAT, TranscriptWriter, list_transcripts, read_transcript, transcripts_dir

WHEN = dt.datetime(2025, 3, 1, 21, 4, 5)


def write_session(directory: Path, answers=("첫 답변", "둘째 답변")) -> Path:
    w = TranscriptWriter.create(directory, {"rubric": {"digest": "abc"}}, when=WHEN)
    for i, a in enumerate(answers, 1):
        w.append({"type": "answer", "n": i, "question": "q", "answer": a})
    w.close()
    return w.path


def test_header_line_and_name(tmp_path):
    path = write_session(tmp_path, ())
    assert path.name == "2025-03-01_210405.jsonl"
    header = json.loads(path.read_text(encoding="utf-8"))
    assert header == {"type": "header", "format": FORMAT, "session": "2025-03-01_210405", "rubric": {"digest": "abc"}}


def test_two_sessions_in_the_same_second_get_two_files(tmp_path):
    a = TranscriptWriter.create(tmp_path, {}, when=WHEN)
    b = TranscriptWriter.create(tmp_path, {}, when=WHEN)
    c = TranscriptWriter.create(tmp_path, {}, when=WHEN)
    a.append({"type": "answer", "answer": "a"})
    b.append({"type": "answer", "answer": "b"})
    assert [p.name for p in (a.path, b.path, c.path)] == [
        "2025-03-01_210405.jsonl", "2025-03-01_210405_2.jsonl", "2025-03-01_210405_3.jsonl"]
    assert read_transcript(a.path).answers[0]["answer"] == "a"
    assert read_transcript(b.path).answers[0]["answer"] == "b"
    for w in (a, b, c):
        w.close()
    assert list_transcripts(tmp_path) == [a.path, b.path, c.path]


def test_each_line_is_on_disk_when_append_returns(tmp_path):
    w = TranscriptWriter.create(tmp_path, {}, when=WHEN)
    w.append({"type": "answer", "answer": "기울기 소실"})
    # read through another descriptor while the writer is still open: nothing is buffered
    lines = w.path.read_bytes().split(b"\n")
    assert lines[-1] == b"" and json.loads(lines[1])["answer"] == "기울기 소실"
    w.close()


def test_an_answer_utf8_cannot_carry_is_kept_escaped(tmp_path):
    # undecodable terminal bytes reach Python as lone surrogates; the line is written ASCII-escaped
    w = TranscriptWriter.create(tmp_path, {}, when=WHEN)
    w.append({"type": "answer", "answer": "기울기 \udcff 소실"})
    w.append({"type": "answer", "answer": "기울기 소실"})
    w.close()
    lines = w.path.read_bytes().splitlines()
    assert "기울기 소실".encode("utf-8") in lines[2]  # an ordinary line stays readable
    assert [a["answer"] for a in read_transcript(w.path).answers] == ["기울기 \udcff 소실", "기울기 소실"]


def test_a_line_keeps_text_other_tools_break_lines_at(tmp_path):
    # str.splitlines, and some editors, break at U+2028, U+2029 and U+0085: a line holds them escaped
    answer = "기울기 소실\u2028이 생겨요\u2029 다음\x85줄"
    line = tr.json_line({"answer": answer})
    assert len(line.decode("utf-8").splitlines()) == 1
    assert json.loads(line)["answer"] == answer


@pytest.mark.parametrize("text,lines", [
    ('{"a": "x\u2028y"}\n{"a": "z\x85"}\n', ['{"a": "x\u2028y"}', '{"a": "z\x85"}']),
    ('\ufeff{"a": 1}\r\n\r\n{"a": 2}', ['{"a": 1}', "", '{"a": 2}']),  # BOM, CRLF, no last newline
    ("", []),
])
def test_jsonl_lines_split_at_newlines_only(text, lines):
    assert tr.jsonl_lines(text) == lines


def test_round_trip(tmp_path):
    t = read_transcript(write_session(tmp_path))
    assert t.header["format"] == FORMAT and t.session == "2025-03-01_210405"
    assert [a["answer"] for a in t.answers] == ["첫 답변", "둘째 답변"]
    assert not t.ended


@pytest.mark.parametrize("tail", [
    b'{"type":"answer","n":3,"question":"q","answer":"\xea\xb8\xb0\xec\x9a',  # cut inside a syllable
    b'{"type":"answer","n":3,"question":"q","ans',
    b"\0\0\0\0\0\0",  # what some filesystems show after a power cut
    b'{"type":"answer"',
])
def test_partial_last_line_is_skipped_with_a_warning(tmp_path, tail):
    path = write_session(tmp_path)
    with open(path, "ab") as f:
        f.write(tail)
    warn = io.StringIO()
    t = read_transcript(path, warn=warn)
    assert [a["answer"] for a in t.answers] == ["첫 답변", "둘째 답변"]
    assert warn.getvalue() == (f"warning: {path}:4: skipping a partial last line "
                               "(the session was cut off while writing it)\n")


def test_partial_header_reads_as_an_empty_session(tmp_path):
    path = tmp_path / "x.jsonl"
    path.write_bytes(b'{"type":"header","for')
    warn = io.StringIO()
    t = read_transcript(path, warn=warn)
    assert t.header == {} and t.records == () and "x.jsonl:1: skipping a partial last line" in warn.getvalue()


def test_a_bad_line_before_the_end_is_an_error(tmp_path):
    path = write_session(tmp_path)
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[1] = lines[1][:10]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(TranscriptError) as err:
        read_transcript(path)
    assert str(err.value).startswith(f"{path}:2: not a transcript line: ")


@pytest.mark.parametrize("content, message", [
    (b"", "empty file, not a transcript"),
    (b'{"type":"answer"}\n', "1: first line is not a transcript header (type 'answer')"),
    (b'{"type":"header","format":"one"}\n', "1: format: expected a positive integer, got 'one'"),
    (b'{"type":"header","format":99}\n', "1: format 99 is newer than this interviewer reads (1); upgrade interviewer"),
])
def test_not_a_transcript(tmp_path, content, message):
    path = tmp_path / "t.jsonl"
    path.write_bytes(content)
    with pytest.raises(TranscriptError) as err:
        read_transcript(path)
    assert str(err.value) == (f"{path}: {message}" if not message[0].isdigit() else f"{path}:{message}")


def test_missing_file(tmp_path):
    with pytest.raises(TranscriptError, match="no such transcript"):
        read_transcript(tmp_path / "nope.jsonl")


def test_old_formats_are_migrated(tmp_path, monkeypatch):
    path = write_session(tmp_path)  # format 1 on disk
    monkeypatch.setattr(tr, "FORMAT", 2)
    monkeypatch.setitem(tr.MIGRATIONS, 1, lambda r: {**r, "text": r["answer"]} if r.get("type") == "answer" else r)
    t = read_transcript(path)
    assert t.header["format"] == 2 and t.header["migrated_from"] == 1
    assert [a["text"] for a in t.answers] == ["첫 답변", "둘째 답변"]


def test_transcripts_dir_precedence(tmp_path, monkeypatch):
    env = {"INTERVIEWER_TRANSCRIPTS": str(tmp_path / "env"), "XDG_DATA_HOME": str(tmp_path / "xdg")}
    assert transcripts_dir(str(tmp_path / "opt"), env) == tmp_path / "opt"
    assert transcripts_dir(None, env) == tmp_path / "env"
    monkeypatch.setattr(tr, "checkout_dir", lambda: tmp_path / "repo")
    assert transcripts_dir(None, {"XDG_DATA_HOME": str(tmp_path / "xdg")}) == tmp_path / "repo" / "transcripts"
    monkeypatch.setattr(tr, "checkout_dir", lambda: None)
    assert transcripts_dir(None, {"XDG_DATA_HOME": str(tmp_path / "xdg")}) == tmp_path / "xdg/interviewer/transcripts"
    # a relative XDG_DATA_HOME is invalid by the spec and ignored
    assert transcripts_dir(None, {"XDG_DATA_HOME": "rel"}) == Path.home() / ".local/share/interviewer/transcripts"


def test_this_checkout_is_detected():
    root = Path(tr.__file__).resolve().parent.parent
    assert tr.checkout_dir() == root


def test_unwritable_directory_is_one_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(TranscriptError) as err:
        TranscriptWriter.create(blocker / "sub", {})
    assert str(err.value).startswith(f"{blocker / 'sub'}: cannot create the transcripts directory: ")


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(min_size=0, max_size=200), min_size=1, max_size=5))
def test_any_answer_text_reads_back_exactly(tmp_path_factory, answers):
    directory = tmp_path_factory.mktemp("t")
    t = read_transcript(write_session(directory, answers), warn=io.StringIO())
    assert [a["answer"] for a in t.answers] == answers
