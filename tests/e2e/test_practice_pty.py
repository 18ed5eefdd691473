"""The real `interviewer` practice loop in a pseudo-terminal (pexpect): type a Korean answer,
see feedback naming the covered key point, quit; and a session killed with SIGKILL right after
feedback still has its answer on disk."""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path

import pytest

pexpect = pytest.importorskip("pexpect")

from interviewer.transcript import list_transcripts, read_transcript  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent.parent
RUBRIC = ROOT / "tests" / "data" / "practice.yaml"
ANSWER = "음 기울기 소실이 생겨서 앞쪽 층이 잘 학습되지 않아요."
TIMEOUT = 90  # the first answer waits for Kiwi; a loaded machine can be slow


def spawn(tmp_path: Path, *extra: str):
    env = dict(
        os.environ,
        PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
        NO_COLOR="1",
        TERM="xterm-256color",
        # pexpect is not a terminal emulator: it never answers prompt_toolkit's cursor-position request
        PROMPT_TOOLKIT_NO_CPR="1",
        XDG_CACHE_HOME=str(tmp_path / "cache"),
        LANG="C.UTF-8",
    )
    env.pop("INTERVIEWER_TRANSCRIPTS", None)
    child = pexpect.spawn(
        sys.executable,
        ["-m", "interviewer", "--rubric", str(RUBRIC), "--transcripts", str(tmp_path / "t"), *extra],
        env=env, cwd=str(tmp_path), encoding="utf-8", timeout=TIMEOUT, dimensions=(40, 110),
    )
    return child


def only_transcript(tmp_path: Path) -> Path:
    (path,) = list_transcripts(tmp_path / "t")
    return path


def test_answer_feedback_follow_up_and_quit(tmp_path):
    child = spawn(tmp_path)
    try:
        child.expect("기록 파일: ")
        child.expect("Q. 시그모이드 함수의 단점은 무엇인가요?")
        child.expect("›")
        child.send(ANSWER)
        child.send("\r")
        child.expect("✓ 기울기 소실")
        child.expect("추임새 1번: 음")
        child.expect("꼬리질문 — '기울기 소실'을 말씀하셨는데…")
        child.expect("Q. 그럼 이를 완화하는 방법은 무엇인가요?")
        child.expect("›")
        child.send("/quit\r")
        child.expect("연습 끝 — 답변 1개")
        child.expect(pexpect.EOF)
    finally:
        child.close()
    assert child.exitstatus == 0, child.before
    t = read_transcript(only_transcript(tmp_path))
    assert t.ended
    (a,) = t.answers
    assert a["question"] == "sigmoid" and a["answer"] == ANSWER
    assert [k["id"] for k in a["result"]["key_points"] if k["covered"]] == ["vanishing"]
    assert a["follow_ups_triggered"] == ["sigmoid/follow-up-1", "sigmoid/follow-up-2"]
    assert t.header["options"]["mode"] == "tui"


def test_multi_line_answer_ctrl_c_and_ctrl_d(tmp_path):
    child = spawn(tmp_path, "--no-follow-ups")
    try:
        child.expect("Q. 시그모이드")
        child.expect("›")
        child.send("지울 답변")
        child.sendcontrol("c")  # cancels the input, not the session
        child.send("기울기 소실이 생깁니다.")
        child.send("\x1b\r")  # Esc Enter (= Alt-Enter): a new line, not a submit
        child.send("출력이 항상 양수예요.")
        child.send("\r")
        child.expect("✓ 출력의 중심이 0이 아님")
        child.expect("Q. 드롭아웃은")
        child.expect("›")  # the prompt is up: keys now go to it, not to the terminal's line discipline
        child.sendcontrol("d")
        child.expect("연습 끝 — 답변 1개")
        child.expect(pexpect.EOF)
    finally:
        child.close()
    assert child.exitstatus == 0
    (a,) = read_transcript(only_transcript(tmp_path)).answers
    assert a["answer"] == "기울기 소실이 생깁니다.\n출력이 항상 양수예요."


def test_sigkill_right_after_feedback_loses_nothing(tmp_path):
    child = spawn(tmp_path)
    try:
        child.expect("Q. 시그모이드")
        child.expect("›")
        child.send(ANSWER + "\r")
        child.expect("✓ 기울기 소실")
        os.kill(child.pid, signal.SIGKILL)
        child.expect(pexpect.EOF)
    finally:
        child.close(force=True)
    assert child.signalstatus == signal.SIGKILL
    t = read_transcript(only_transcript(tmp_path))
    assert not t.ended  # no clean end, and yet:
    (a,) = t.answers
    assert a["answer"] == ANSWER and a["result"]["key_points"][0]["covered"] is True
