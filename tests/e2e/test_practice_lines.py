"""`interviewer practice` with standard input not a terminal: one answer per line, the same
transcript, and one-line errors with exit code 2 for bad options."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from interviewer.transcript import list_transcripts, read_transcript

ROOT = Path(__file__).resolve().parent.parent.parent
RUBRIC = ROOT / "tests" / "data" / "practice.yaml"


def practice(tmp_path: Path, stdin: str | bytes, *args: str, env_extra: dict | None = None):
    env = dict(os.environ, PYTHONPATH=str(ROOT), NO_COLOR="1", XDG_CACHE_HOME=str(tmp_path / "cache"))
    env.pop("INTERVIEWER_TRANSCRIPTS", None)
    env.update(env_extra or {})
    data = stdin.encode("utf-8") if isinstance(stdin, str) else stdin
    return subprocess.run(
        [sys.executable, "-m", "interviewer", "practice", "--rubric", str(RUBRIC), *args],
        input=data, capture_output=True, env=env, cwd=tmp_path, timeout=300,
    )


def test_one_answer_per_line_and_the_same_transcript(tmp_path):
    out = practice(tmp_path, "기울기 소실이 생겨요.\n/skip\n/skip\n/quit\n", "--transcripts", str(tmp_path / "t"))
    assert out.returncode == 0, out.stderr.decode()
    text = out.stdout.decode("utf-8")
    (path,) = list_transcripts(tmp_path / "t")
    assert text.startswith(f"기록 파일: {path}\n질문 3개 · 답변 후 Enter로 제출 · 명령은 /help\n\n"
                           "[1/3] sigmoid · activations · basic\nQ. 시그모이드 함수의 단점은 무엇인가요?\n")
    assert "› 기울기 소실이 생겨요.\n점수 ██████████░░░░░░░░░░  50%\n✓ 기울기 소실 — \"기울기 소실\"\n" in text
    assert "↳ 꼬리질문 — '기울기 소실'을 말씀하셨는데…\nQ. 그럼 이를 완화하는 방법은 무엇인가요?" in text
    assert text.endswith(f"연습 끝 — 답변 1개, 건너뜀 2개, 평균 점수 50%\n기록: {path}\n\n")
    t = read_transcript(path)
    assert t.header["options"]["mode"] == "lines"
    assert [r["type"] for r in t.records] == ["answer", "skip", "skip", "end"]
    assert [r["question"] for r in t.records[:3]] == ["sigmoid", "sigmoid/follow-up-1", "sigmoid/follow-up-2"]


def test_end_of_input_ends_the_session(tmp_path):
    out = practice(tmp_path, "미니배치의 평균과 분산\n", "--tags", "normalization", "--transcripts", str(tmp_path))
    assert out.returncode == 0
    assert out.stdout.decode().endswith("연습 끝 — 답변 1개, 평균 점수 100%\n" f"기록: {list_transcripts(tmp_path)[0]}\n\n")


def test_env_var_sets_the_transcripts_dir(tmp_path):
    out = practice(tmp_path, "/quit\n", env_extra={"INTERVIEWER_TRANSCRIPTS": str(tmp_path / "env")})
    assert out.returncode == 0
    assert out.stdout.decode().startswith(f"기록 파일: {tmp_path / 'env'}/")


def test_count_and_random_order_with_seed(tmp_path):
    a = practice(tmp_path, "", "--order", "random", "--seed", "3", "--count", "2", "--transcripts", str(tmp_path))
    b = practice(tmp_path, "", "--order", "random", "--seed", "3", "--count", "2", "--transcripts", str(tmp_path))
    first = [line for line in a.stdout.decode().splitlines() if line.startswith("[1/2]")]
    assert first and first == [line for line in b.stdout.decode().splitlines() if line.startswith("[1/2]")]
    assert "질문 2개" in a.stdout.decode()


def test_unknown_tag(tmp_path):
    out = practice(tmp_path, "", "--tags", "cnn", "--transcripts", str(tmp_path))
    assert out.returncode == 2
    assert out.stderr.decode().startswith("Error: --tags: unknown tag 'cnn' (known: ")


def test_bad_count_is_an_argparse_error(tmp_path):
    out = practice(tmp_path, "", "--count", "0")
    assert out.returncode == 2
    assert "argument --count/-n: must be at least 1, got 0" in out.stderr.decode()


def test_input_that_is_not_utf8(tmp_path):
    cp949 = "/skip\n기울기 소실\n".encode("cp949")  # a file saved by an old Korean Windows editor
    out = practice(tmp_path, cp949, "--transcripts", str(tmp_path))
    assert out.returncode == 2
    assert out.stderr.decode().endswith("Error: standard input line 2 is not UTF-8 text "
                                        "(convert it first, e.g. iconv -f cp949 -t utf-8)\n")
    assert "Traceback" not in out.stderr.decode()
    # the skip before the bad line is kept
    assert [r["type"] for r in read_transcript(list_transcripts(tmp_path)[0]).records] == ["skip"]
