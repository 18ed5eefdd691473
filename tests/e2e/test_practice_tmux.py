"""The practice screen in a real terminal emulator (tmux): it answers prompt_toolkit's cursor
requests, so the bottom toolbar is drawn as a user sees it. Skipped where tmux is missing."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from interviewer.transcript import list_transcripts, read_transcript

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux not installed")

ROOT = Path(__file__).resolve().parent.parent.parent
RUBRIC = ROOT / "tests" / "data" / "practice.yaml"


class Tmux:
    def __init__(self, tmp_path: Path):
        self.socket = f"interviewer-test-{uuid.uuid4().hex[:8]}"  # a private server, not the user's
        self.tmp = tmp_path

    def run(self, *args: str) -> str:
        return subprocess.run(["tmux", "-L", self.socket, *args], check=True, capture_output=True,
                              text=True, encoding="utf-8").stdout

    def start(self, command: str) -> None:
        self.run("new-session", "-d", "-s", "t", "-x", "110", "-y", "40", command)

    def screen(self) -> str:
        return self.run("capture-pane", "-p", "-t", "t")

    def wait_for(self, text: str, limit: float = 90.0) -> str:
        """Poll the screen until ``text`` shows (a wait, not a timing assertion)."""
        deadline = time.monotonic() + limit
        while True:
            screen = self.screen()
            if text in screen:
                return screen
            if time.monotonic() > deadline:
                raise AssertionError(f"{text!r} never appeared; screen:\n{screen}")
            time.sleep(0.2)

    def kill(self) -> None:
        subprocess.run(["tmux", "-L", self.socket, "kill-server"], capture_output=True)


@pytest.fixture
def tmux(tmp_path):
    t = Tmux(tmp_path)
    yield t
    t.kill()


def test_toolbar_and_one_exchange_on_screen(tmux, tmp_path):
    env = {
        "PYTHONPATH": str(ROOT), "NO_COLOR": "1", "XDG_CACHE_HOME": str(tmp_path / "cache"), "LANG": "C.UTF-8",
    }
    exports = " ".join(f"{k}={shlex.quote(v)}" for k, v in env.items())
    cmd = (f"env {exports} {shlex.quote(sys.executable)} -m interviewer --rubric {shlex.quote(str(RUBRIC))} "
           f"--transcripts {shlex.quote(str(tmp_path / 't'))}; echo EXIT=$?; sleep 60")
    tmux.start(cmd)
    screen = tmux.wait_for("질문 1/3 · 00:0")
    assert "Enter 제출 · Alt-Enter 줄바꿈 · /hint /skip /again /model /help /quit" in screen
    assert "Q. 시그모이드 함수의 단점은 무엇인가요?" in screen
    tmux.run("send-keys", "-t", "t", "-l", "기울기 소실이 생겨요")
    tmux.run("send-keys", "-t", "t", "Enter")
    screen = tmux.wait_for("Q. 그럼 이를 완화하는 방법은 무엇인가요?")
    assert '✓ 기울기 소실 — "기울기 소실"' in screen
    assert "질문 1/3 · 꼬리질문" in tmux.wait_for("꼬리질문 · 00:0")
    tmux.run("send-keys", "-t", "t", "-l", "/quit")
    tmux.run("send-keys", "-t", "t", "Enter")
    assert "연습 끝 — 답변 1개" in tmux.wait_for("EXIT=0")
    (path,) = list_transcripts(tmp_path / "t")
    assert read_transcript(path).answers[0]["answer"] == "기울기 소실이 생겨요"
    assert os.path.getsize(path) > 0
