"""`interviewer practice --order due` and `--missed` (오답노트) over the sample transcripts:
the real practice loop, in plain line mode, asks due questions first."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from interviewer.transcript import list_transcripts, read_transcript

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "tests" / "data" / "transcripts"
RUBRIC = ROOT / "tests" / "data" / "review.yaml"


def practice(tmp_path: Path, transcripts: Path, *args: str, stdin: str = "/quit\n"):
    env = dict(os.environ, PYTHONPATH=str(ROOT), NO_COLOR="1", XDG_CACHE_HOME=str(tmp_path / "cache"))
    env.pop("INTERVIEWER_TRANSCRIPTS", None)
    return subprocess.run(
        [sys.executable, "-m", "interviewer", "practice", "--rubric", str(RUBRIC), "--transcripts", str(transcripts),
         *args],
        input=stdin, capture_output=True, text=True, env=env, cwd=tmp_path, timeout=300,
    )


def asked(stdout: str) -> list[str]:
    """The main question ids shown, from the `[n/N] id · …` lines."""
    return [line.split()[1] for line in stdout.splitlines() if line.startswith("[")]


def copy_samples(tmp_path: Path) -> Path:
    out = tmp_path / "t"
    shutil.copytree(SAMPLES, out)
    return out


def test_order_due_asks_the_most_overdue_first(tmp_path):
    # Today every card is overdue (the samples are from March 2025): most overdue first.
    t = copy_samples(tmp_path)
    skips = "/skip\n" * 4
    p = practice(tmp_path, t, "--order", "due", "--no-follow-ups", stdin=skips)
    assert p.returncode == 0, p.stderr
    assert asked(p.stdout) == ["relu", "dropout", "sigmoid", "batchnorm"]
    (new,) = {p.name for p in list_transcripts(t)} - {p.name for p in list_transcripts(SAMPLES)}
    header = read_transcript(t / new).header
    assert header["options"]["order"] == "due" and header["options"]["missed"] is False
    assert header["questions"] == ["relu", "dropout", "sigmoid", "batchnorm"]


def test_missed_asks_only_the_questions_with_a_point_missed_twice(tmp_path):
    t = copy_samples(tmp_path)
    p = practice(tmp_path, t, "--missed", stdin="/skip\n/skip\n")
    assert p.returncode == 0, p.stderr
    assert "질문 2개 · 답변 후 Enter로 제출" in p.stdout
    assert asked(p.stdout) == ["sigmoid", "dropout"]
    p = practice(tmp_path, t, "--missed", "--order", "due", stdin="/skip\n/skip\n")
    assert asked(p.stdout) == ["dropout", "sigmoid"]


def test_missed_with_no_history_is_a_one_line_error(tmp_path):
    p = practice(tmp_path, tmp_path / "empty", "--missed")
    assert (p.returncode, p.stdout) == (2, "")
    assert p.stderr == (f"Error: --missed: no question has a key point missed in 2 or more answers "
                        f"in {tmp_path / 'empty'} yet\n")
    assert list_transcripts(tmp_path / "empty") == []


def test_order_due_with_no_history_keeps_the_rubric_order(tmp_path):
    p = practice(tmp_path, tmp_path / "empty", "--order", "due", "--no-follow-ups", stdin="/skip\n" * 4)
    assert p.returncode == 0, p.stderr
    assert asked(p.stdout) == ["sigmoid", "relu", "dropout", "batchnorm"]
