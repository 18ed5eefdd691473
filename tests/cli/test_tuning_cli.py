"""rubric eval / suggest and rescore from the command line: output contracts, exact error lines,
and rubric eval agreeing with bench/accuracy.py on the project's dev set."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data" / "tuning"
RUBRIC = str(DATA / "rubric.yaml")
LABELS = str(DATA / "labels.jsonl")
SESSION = str(DATA / "transcripts" / "2025-03-01_210405.jsonl")


def run(*args, cwd=ROOT):
    env = dict(os.environ, PYTHONPATH=str(ROOT), NO_COLOR="1")
    return subprocess.run([sys.executable, "-m", "interviewer", *args], capture_output=True, text=True,
                          env=env, cwd=cwd, timeout=300)


def test_eval_json_and_text():
    # The fixture's windows score 1.0, 0.67 or 0.5, so these hold for any default threshold in (0.67, 1].
    p = run("rubric", "eval", "--rubric", RUBRIC, "--labels", LABELS, "--json", "--sweep")
    assert p.returncode == 0, p.stderr
    out = json.loads(p.stdout)
    o = out["overall"]
    assert (o["tp"], o["fp"], o["fn"], o["precision"], o["recall"], o["f1"]) == (6, 2, 4, 0.75, 0.6, 0.6667)
    assert [d["key_point"] for d in out["false_positives"]] == ["lunch", "umbrella"]
    assert [d["near_miss"]["phrase"] for d in out["false_negatives"]] == ["돗자리 방석 담요", "돗자리 방석 담요", "김밥 도시락", "노란 비옷"]
    assert out["sweep"]["overall"]["best_threshold"] == 0.5

    p = run("rubric", "eval", "--rubric", RUBRIC, "--labels", LABELS)
    assert p.returncode == 0, p.stderr
    assert "overall  P 0.750  R 0.600  F1 0.667  (TP 6, FP 2, FN 4 of 12 judgements that count)" in p.stdout
    assert "contradictions credited 1/4 (25.0%), flagged ⚠ 1/4" in p.stdout
    assert "near miss: \"돗자리랑 담요\" ← '돗자리 방석 담요' 0.67 <" in p.stdout


def test_suggest_text():
    p = run("rubric", "suggest", "--rubric", RUBRIC, "--labels", LABELS)
    assert p.returncode == 0, p.stderr
    assert "suggest: 4 answer(s) labeled covered that the scorer missed, in 3 key point(s)" in p.stdout
    assert "+ phrase:  '돗자리랑 담요'  — credits 1 of 2 missed, no new false positive (checked on 8 labeled answer(s) of the question)" in p.stdout
    assert f'add to {RUBRIC}:14 phrases: [..., "돗자리랑 담요"]' in p.stdout


@pytest.mark.parametrize("args,message", [
    (["--labels", "missing.jsonl"], "Error: missing.jsonl: file not found"),
    (["--labels", SESSION], f"Error: {SESSION}:1: question: unknown question id None"),
])
def test_eval_errors(args, message):
    for action in ("eval", "suggest"):
        p = run("rubric", action, "--rubric", RUBRIC, *args)
        assert p.returncode == 2
        assert p.stderr.strip() == message
        assert "Traceback" not in p.stderr


def test_eval_needs_labels():
    p = run("rubric", "eval")
    assert p.returncode == 2
    assert "the following arguments are required: --labels" in p.stderr


def test_rescore_text_and_json():
    edited = str(DATA / "edited.yaml")
    p = run("rescore", SESSION, "--rubric", edited)  # base: the rubric the session recorded
    assert p.returncode == 0, p.stderr
    assert p.stdout.splitlines()[0] == f"rescore: 6 answer(s); base tests/data/tuning/rubric.yaml → new {edited}"
    assert "  mat (돗자리와 담요): missed → covered  now \"돗자리랑 담요\" ← '돗자리 담요'" in p.stdout
    assert "  umbrella (우산과 장화): covered → missed  was \"우산 장화\" ← '우산 장화'" in p.stdout
    assert p.stdout.rstrip().endswith("2 of 6 answer(s) change; 2 key point(s): 1 missed→covered, 1 covered→missed")

    p = run("rescore", SESSION, "--rubric", edited, "--base", RUBRIC, "--json")
    out = json.loads(p.stdout)
    assert [(c["turn"], [(x["key_point"], x["before"], x["after"]) for x in c["points"]]) for c in out["changes"]] == [
        (1, [("mat", "missed", "covered")]), (4, [("umbrella", "covered", "missed")])]


@pytest.mark.parametrize("args,message", [
    (["nope.jsonl", "--rubric", RUBRIC], "Error: nope.jsonl: no such transcript"),
    ([SESSION, "--rubric", "nope.yaml"], "Error: nope.yaml: no such file or directory"),
])
def test_rescore_errors(args, message):
    p = run("rescore", *args)
    assert p.returncode == 2
    assert p.stderr.strip() == message


def test_rescore_when_the_recorded_rubric_is_gone(tmp_path):
    p = run("rescore", SESSION, "--rubric", RUBRIC, cwd=tmp_path)  # the header's relative path is not here
    assert p.returncode == 2
    assert p.stderr.strip() == ("Error: tests/data/tuning/rubric.yaml: the rubric these sessions used is not there "
                                "any more; give --base PATH")


def test_rubric_eval_agrees_with_bench_accuracy_on_the_dev_set():
    """The acceptance check: same labels, same bank, same code path -> the same overall numbers."""
    dev = sorted(str(p) for p in (ROOT / "bench" / "data").glob("dev-*.jsonl"))
    if not dev:
        pytest.skip("no dev set")
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    bench = subprocess.run([sys.executable, str(ROOT / "bench" / "accuracy.py"), "--split", "all", "--json"],
                           capture_output=True, text=True, env=env, timeout=600)
    assert bench.returncode == 0, bench.stderr
    ours = run("rubric", "eval", "--labels", *dev, "--json")
    assert ours.returncode == 0, ours.stderr
    b, o = json.loads(bench.stdout), json.loads(ours.stdout)
    assert o["signature"] == b["signature"]
    assert o["answers"] == b["answers"]
    assert o["overall"] == b["systems"]["interviewer"]["overall"]


def run_input(args, stdin, cwd=ROOT):
    env = dict(os.environ, PYTHONPATH=str(ROOT), NO_COLOR="1")
    return subprocess.run([sys.executable, "-m", "interviewer", *args], input=stdin, capture_output=True, text=True,
                          env=env, cwd=cwd, timeout=300)


def test_review_label_saves_next_to_the_transcript_and_resumes(tmp_path):
    import shutil

    shutil.copy(SESSION, tmp_path)
    before = (tmp_path / Path(SESSION).name).read_bytes()
    p = run_input(["review", "last", "--label", "--transcripts", str(tmp_path)], "a\nc\n\n\nq\n")
    assert p.returncode == 0, p.stderr
    labels = tmp_path / "2025-03-01_210405.labels.jsonl"
    rows = [json.loads(x) for x in labels.read_text(encoding="utf-8").splitlines()]
    assert [(r["turn"], r["covered"]) for r in rows] == [(1, []), (2, ["lunch"])]
    assert "라벨 2개 답변 저장: " + str(labels) in p.stdout
    assert f"평가: interviewer rubric eval --rubric tests/data/tuning/rubric.yaml --labels {labels}" in p.stdout
    # again: the two saved answers are skipped; end of input stops like Ctrl-D
    p = run_input(["review", "2025-03-01", "--label", "--transcripts", str(tmp_path)], "a\n")
    assert p.returncode == 0, p.stderr
    assert "이미 라벨링한 2개는 건너뜀" in p.stdout
    assert [json.loads(x)["turn"] for x in labels.read_text(encoding="utf-8").splitlines()] == [1, 2, 3]
    assert (tmp_path / Path(SESSION).name).read_bytes() == before  # the transcript is never written


@pytest.mark.parametrize("args,message", [
    (["review", "--label"], "Error: --label needs the SESSION to label (e.g. interviewer review last --label)"),
    (["review", "last", "--label", "--json"],
     "Error: --label walks through one session; drop --question, --html, --markdown and --json"),
])
def test_review_label_errors(args, message, tmp_path):
    p = run(*args, "--transcripts", str(tmp_path))
    assert p.returncode == 2
    assert p.stderr.strip() == message
