"""Write the sample transcripts in tests/data/transcripts/ with the real practice loop.

Each session runs ``interviewer practice`` in plain line mode (standard input a pipe) against
``tests/data/review.yaml``, typing one line at a time with a pause, the way a person would.
``faketime`` (Debian package ``faketime``) sets the wall clock so the sessions fall on different
days and run ten times faster than real time; nothing in the JSON is written by hand.

    python tests/data/make_transcripts.py          # replaces tests/data/transcripts/*.jsonl

The tests assert numbers from these exact files, so regenerate them only together with the tests.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
OUT = Path(__file__).resolve().parent / "transcripts"
RUBRIC = "tests/data/review.yaml"
SPEED = 10  # faked seconds per real second

# (start time in Asia/Seoul, extra options, [(seconds the user takes, line typed), ...])
SESSIONS = [
    ("2025-03-01 21:00:00", [], [
        (40, "음 기울기 소실이 생겨서 깊은 층까지 학습이 잘 안 되는 것 같아요."),
        (30, "ReLU를 쓰면 돼요."),  # the follow-up on 기울기 소실
        (50, "양수 구간에서 기울기가 1이라서 학습이 빨라요."),
        (60, "음 어 과적합을 막으려고 쓰는 거 같아요."),
        (40, "배치 평균과 분산으로 정규화해요."),
    ]),
    ("2025-03-02 20:30:00", [], [
        (50, "기울기 소실이 생기고요, 출력이 0 중심이라서 학습이 안정적이에요."),  # a contradiction
        (5, "/again"),
        (40, "기울기 소실이 가장 큰 문제고, 출력이 항상 양수입니다."),
        (30, "ReLU나 He 초기화를 씁니다."),
        (10, "/hint"),  # relu: a hint, then the model answer, before answering
        (5, "/model"),
        (60, "양수 구간에서 기울기가 1이라 포화되지 않음이 장점이고, 음수 입력에서는 죽은 뉴런이 생길 수 있어요."),
        (50, "학습할 때 뉴런을 무작위로 끔으로써 특정 뉴런에 의존하지 않게 해요."),
        (5, "/quit"),
    ]),
    ("2025-03-05 08:10:00", [], [
        (10, "/hint"),
        (70, "기울기 소실이 생깁니다. 그리고 출력이 항상 양수라서 출력의 중심이 0이 아님이 문제고, 지수 연산 비용도 있어요."),
        (5, "/skip"),  # the follow-up
        (60, "양수 구간에서 기울기가 1이라 포화되지 않음이 장점이고, 음수 입력에서는 죽은 뉴런이 생길 수 있어요."),
        (40, "랜덤하게 뉴런을 제거해서 과적합을 줄입니다."),
        (50, "미니배치의 평균과 분산으로 정규화하고 스케일과 시프트를 학습합니다."),
    ]),
    # 오답노트 in due order: sigmoid and dropout each have a key point missed in 2+ answers
    ("2025-03-08 19:40:00", ["--missed", "--order", "due"], [
        (80, "뉴런을 무작위로 끔, 그래서 여러 모델의 평균 같은 앙상블 효과가 납니다."),
        (90, "음 기울기 소실이 생기고, 출력이 항상 양수예요. 그리고 exp 계산이 느림이 단점이에요."),
        (5, "/skip"),  # the follow-up
    ]),
]


def run_session(start: str, options: list[str], lines: list[tuple[float, str]]) -> str:
    env = dict(os.environ, PYTHONPATH=str(ROOT), NO_COLOR="1", TZ="Asia/Seoul",
               XDG_CACHE_HOME=tempfile.mkdtemp())
    env.pop("INTERVIEWER_TRANSCRIPTS", None)
    cmd = ["faketime", "-f", f"@{start} x{SPEED}", sys.executable, "-m", "interviewer", "practice",
           "--rubric", RUBRIC, "--transcripts", str(OUT.relative_to(ROOT)), *options]
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT)
    out = bytearray()
    reader = threading.Thread(target=_read_all, args=(proc.stdout, out), daemon=True)
    reader.start()
    _settle(out, 0)  # the first question
    try:
        for pause, line in lines:
            time.sleep(pause / SPEED)  # the user thinks and types
            seen = len(out)
            proc.stdin.write((line + "\n").encode("utf-8"))
            proc.stdin.flush()
            _settle(out, seen)  # the reply (scored, written to the transcript) is on screen
        proc.stdin.close()
    except BrokenPipeError:
        pass  # the session ended early; its output says why
    code = proc.wait()
    reader.join()
    text = out.decode("utf-8")
    if code != 0:
        raise SystemExit(f"practice failed:\n{text}")
    return text


def _read_all(stream, out: bytearray) -> None:
    while chunk := os.read(stream.fileno(), 65536):
        out.extend(chunk)


def _settle(out: bytearray, seen: int, quiet: float = 0.5, limit: float = 120) -> None:
    """Wait until the program has written more than ``seen`` bytes and then been quiet a while
    (each reply is one write, after the answer is scored and on disk)."""
    deadline = time.monotonic() + limit
    last, since = len(out), time.monotonic()
    while time.monotonic() < deadline:
        time.sleep(0.05)
        if len(out) != last:
            last, since = len(out), time.monotonic()
        elif last > seen and b"\n\n" in out[seen:] and time.monotonic() - since >= quiet:
            return
    raise SystemExit(f"no reply within {limit} s:\n{out.decode('utf-8', 'replace')}")


def main() -> None:
    for old in OUT.glob("*.jsonl"):
        old.unlink()
    for start, options, lines in SESSIONS:
        print(run_session(start, options, lines))


if __name__ == "__main__":
    main()
