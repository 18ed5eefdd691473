"""The score command's contract: exact error lines and exit codes, JSON shapes."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
MINI = str(ROOT / "tests" / "data" / "mini.yaml")


def run(*args, stdin=None):
    env = dict(os.environ, PYTHONPATH=str(ROOT), NO_COLOR="1")
    return subprocess.run([sys.executable, "-m", "interviewer", *args], input=stdin, capture_output=True,
                          text=True, env=env, timeout=120)


@pytest.mark.parametrize("lines,message", [
    (['{"question": "sigmoid-cons", "answer": "a"}', "{not json"],
     "Error: <stdin>:2: invalid JSON: Expecting property name enclosed in double quotes (column 2)"),
    (['{"question": "nope", "answer": "a"}'], "Error: <stdin>:1: unknown question id 'nope'"),
    (['{"question": "sigmoid-cons", "answer": 3}'], 'Error: <stdin>:1: "answer" must be a string'),
    (['["sigmoid-cons", "a"]'], 'Error: <stdin>:1: expected a JSON object with "question" and "answer"'),
    (['{"answer": "a"}'], 'Error: <stdin>:1: "question" must be a string (question id)'),
])
def test_batch_errors(lines, message):
    p = run("score", "--rubric", MINI, "--batch", "-", stdin="\n".join(lines) + "\n")
    assert p.returncode == 2
    assert p.stdout == ""  # nothing half-written
    assert p.stderr.strip() == message
    assert "Traceback" not in p.stderr


def test_batch_file_not_found(tmp_path):
    p = run("score", "--rubric", MINI, "--batch", str(tmp_path / "missing.jsonl"))
    assert p.returncode == 2
    assert p.stderr.strip() == f"Error: {tmp_path / 'missing.jsonl'}: file not found"


def test_unknown_question_suggests(tmp_path):
    p = run("score", "--rubric", MINI, "--question", "sigmoid-con", "답")
    assert p.returncode == 2
    assert p.stderr.strip() == "Error: unknown question id 'sigmoid-con' (did you mean: sigmoid-cons?)"


def test_bad_rubric_is_one_line(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("questions:\n  - id: q\n    prompt: 질문\n    key_points:\n      - id: k\n        label: l\n        phrases: []\n",
                   encoding="utf-8")
    p = run("score", "--rubric", str(bad), "--question", "q", "답")
    assert p.returncode == 2
    assert p.stderr.strip() == f"Error: {bad}:7: questions[0].key_points[0].phrases: must not be empty"


def test_batch_answer_with_a_lone_surrogate_scores():
    # a JSON '\\ud800' escape is a valid line; its answer still scores, and the output is UTF-8
    p = run("score", "--rubric", MINI, "--batch", "-",
            stdin='{"question": "sigmoid-cons", "answer": "\\ud800 기울기 소실이 생겨요 \\ud800"}\n')
    assert p.returncode == 0, p.stderr
    kp = json.loads(p.stdout)["key_points"][0]
    assert kp["covered"] and kp["evidence"] == {"text": "기울기 소실", "start": 2, "end": 8}


@pytest.mark.parametrize("via_file", [True, False])
def test_batch_lines_are_json_lines(tmp_path, via_file):
    # json.dumps(..., ensure_ascii=False) leaves U+2028, U+2029 and U+0085 in a string as they are:
    # such a line is one item, and so are the lines of a file saved with a BOM and CRLF line ends
    answers = ["기울기 소실\u2028이 생겨요", "출력\u2029", "줄\x85바꿈 기울기 소실"]
    text = "".join(json.dumps({"question": "sigmoid-cons", "answer": a}, ensure_ascii=False) + "\r\n" for a in answers)
    if via_file:
        path = tmp_path / "in.jsonl"
        path.write_bytes(("\ufeff" + text).encode("utf-8"))
        p = run("score", "--rubric", MINI, "--batch", str(path))
    else:
        p = run("score", "--rubric", MINI, "--batch", "-", stdin=text)
    assert p.returncode == 0, p.stderr
    out = [json.loads(line) for line in p.stdout.splitlines()]  # the output splits anywhere alike
    assert len(out) == 3
    evidence = [o["key_points"][0]["evidence"] for o in out]
    assert evidence == [{"text": "기울기 소실", "start": 0, "end": 6}, None,
                        {"text": "기울기 소실", "start": 5, "end": 11}]


def test_batch_output_contract():
    answers = ["기울기 소실이 생겨요", "", "출력이 0 중심이라서 좋아요"]
    stdin = "".join(json.dumps({"question": "sigmoid-cons", "answer": a}, ensure_ascii=False) + "\n" for a in answers)
    p = run("score", "--rubric", MINI, "--batch", "-", stdin=stdin)
    assert p.returncode == 0, p.stderr
    out = [json.loads(line) for line in p.stdout.splitlines()]
    assert len(out) == 3
    for o in out:
        assert o["question"] == "sigmoid-cons"
        assert 0.0 <= o["score"] <= 1.0
        assert isinstance(o["misconceptions"], list)
        for kp in o["key_points"]:
            assert set(kp) >= {"id", "covered", "similarity", "evidence", "contradicted"}
    first = {k["id"]: k for k in out[0]["key_points"]}
    assert first["vanishing"]["covered"] is True
    assert first["vanishing"]["evidence"] == {"text": "기울기 소실", "start": 0, "end": 6}
    assert out[1]["score"] == 0.0
    third = {k["id"]: k for k in out[2]["key_points"]}
    assert third["not-zero-centered"]["contradicted"] is True and third["not-zero-centered"]["covered"] is False


def test_single_json_and_explain():
    p = run("score", "--rubric", MINI, "--question", "sigmoid-cons", "--json", "기울기 소실")
    assert p.returncode == 0
    assert json.loads(p.stdout)["key_points"][0]["covered"] is True
    p = run("score", "--rubric", MINI, "--question", "sigmoid-cons", "--explain", "음 기울기소실")
    assert p.returncode == 0
    assert "✓ 기울기 소실" in p.stdout
    assert "fillers    음" in p.stdout
    assert "vanishing: covered (best similarity 1.00 vs threshold 0.75)" in p.stdout


def test_non_utf8_stdin_is_one_line():
    env = dict(os.environ, PYTHONPATH=str(ROOT), NO_COLOR="1")
    p = subprocess.run([sys.executable, "-m", "interviewer", "score", "--rubric", MINI, "--question", "sigmoid-cons"],
                       input="기울기 소실".encode("cp949"), capture_output=True, env=env, timeout=120)
    assert p.returncode == 2
    assert p.stderr.decode().strip() == "Error: <stdin>: not UTF-8 text (byte 0); save it as UTF-8"
