"""`interviewer review` and `interviewer stats` over the sample transcripts: exact text, JSON,
reports written to files, one-line errors, NO_COLOR, and no Kiwi."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from interviewer.cli import main

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "tests" / "data" / "transcripts"
RUBRIC = ROOT / "tests" / "data" / "review.yaml"
NOW = "2025-03-15T12:00+09:00"


@pytest.fixture(autouse=True)
def env(tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)  # the sessions name their rubric relative to the checkout
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("INTERVIEWER_TRANSCRIPTS", raising=False)


def cli(capsys, *args):
    code = main([*args, "--transcripts", str(SAMPLES)])
    out, err = capsys.readouterr()
    return code, out, err


def test_list_sessions(capsys):
    code, out, err = cli(capsys, "review")
    assert (code, err) == (0, "")
    assert out == (
        f"기록 폴더: {SAMPLES} · 세션 4개 · 답변 16개\n"
        "   #  세션               날짜                    질문  답변   평균\n"
        "   1  2025-03-01_210008  2025-03-01 (토) 21:00      4     5    40%\n"
        "   2  2025-03-02_203013  2025-03-02 (일) 20:30      3     5    75%\n"
        "   3  2025-03-05_081011  2025-03-05 (수) 08:10      4     4    88%\n"
        "   4  2025-03-08_194013  2025-03-08 (토) 19:40      2     2   100%\n"
        "자세히: interviewer review 번호|이름 · 질문별 비교: interviewer review --question ID · "
        "HTML: interviewer review --html report.html\n")


def test_list_sessions_json(capsys):
    code, out, _ = cli(capsys, "review", "--json")
    data = json.loads(out)
    assert data["transcripts"] == str(SAMPLES)
    assert data["sessions"][1] == {
        "session": "2025-03-02_203013", "path": str(SAMPLES / "2025-03-02_203013.jsonl"),
        "started_at": "2025-03-02T20:30:13+09:00", "questions": 3, "answers": 5, "skipped": 0,
        "mean_score": 0.75, "ended": True}


def test_one_session(capsys):
    code, out, err = cli(capsys, "review", "2025-03-02")
    assert (code, err) == (0, "")
    blocks = out.split("\n\n")
    assert blocks[0] == ("세션 2025-03-02_203013 · 2025-03-02 (일) 20:30 · 질문 3개 · 답변 5개 · 평균 75%\n"
                         f"기록: {SAMPLES / '2025-03-02_203013.jsonl'}")
    assert blocks[1] == (
        "1. sigmoid · 20:31 · 점수 50% · 복습 평가 Again\n"
        "Q. 시그모이드 함수의 단점은 무엇인가요?\n"
        "A. [기울기 소실]①이 생기고요, [출력이 0 중심]②이라서 학습이 안정적이에요.\n"
        "  ✓① 기울기 소실 (필수) — \"기울기 소실\"\n"
        "  ⚠② 출력의 중심이 0이 아님 — 반대로 말함: \"출력이 0 중심\"\n"
        "       → 시그모이드의 출력은 0과 1 사이라서 항상 양수이고, 0 중심이 아닙니다.\n"
        "  ✗  지수 연산 비용 — 힌트: 함수 안에 들어 있는 연산을 떠올려 보세요.\n"
        "  말하기: 추임새 없음 · 30자 · 1문장 · 답변까지 1분 6초 · 두괄식 ✓ (기울기 소실)")
    assert blocks[3] == (
        "↳ 3. sigmoid/follow-up-1 · 꼬리질문 · 20:33 · 점수 100%\n"
        "Q. 그럼 이를 완화하는 방법은 무엇인가요?\n"
        "A. [ReLU]①나 [He 초기화]②를 씁니다.\n"
        "  ✓① ReLU 사용 — \"ReLU\"\n"
        "  ✓② 가중치 초기화 — \"He 초기화\"\n"
        "  말하기: 추임새 없음 · 15자 · 1문장 · 답변까지 35초 · 두괄식 ✓ (ReLU 사용)")
    assert blocks[4].startswith("4. relu · 20:34 · 점수 100% · 힌트 1개 · 모범 답안 보고 답함 · 복습 평가 Hard\n")
    assert "\x1b[" not in out


def test_one_session_json(capsys):
    code, out, _ = cli(capsys, "review", "last", "--json")
    data = json.loads(out)
    assert data["session"]["session"] == "2025-03-08_194013"
    assert [(a["question"], a["score"], a["rating"]) for a in data["attempts"]] == [
        ("dropout", 1.0, "easy"), ("sigmoid", 1.0, "easy")]
    first = data["attempts"][0]
    assert first["answer"] == "뉴런을 무작위로 끔, 그래서 여러 모델의 평균 같은 앙상블 효과가 납니다."
    assert first["key_points"] == [
        {"id": "random-drop", "label": "뉴런을 무작위로 끔", "status": "covered", "weight": 1.0, "required": False,
         "evidence": {"text": "뉴런을 무작위로 끔", "start": 0, "end": 10}},
        {"id": "ensemble", "label": "앙상블 효과", "status": "covered", "weight": 1.0, "required": False,
         "evidence": {"text": "앙상블", "start": 29, "end": 32}}]
    assert first["answered_at"] == "2025-03-08T19:41:39+09:00"
    assert first["delivery"]["chars"] == 31


def test_compare_attempts_at_one_question(capsys):
    code, out, err = cli(capsys, "review", "--question", "sigmoid")
    assert (code, err) == (0, "")
    table, rest = out.split("\n\n", 2)[1], out.split("\n\n", 2)[2]
    assert table == (
        "                             #1     #2     #3     #4     #5\n"
        "                          03-01  03-02  03-02  03-05  03-08\n"
        "기울기 소실 (필수)            ✓      ✓      ✓      ✓      ✓\n"
        "출력의 중심이 0이 아님        ✗      ⚠      ✓      ✓      ✓\n"
        "지수 연산 비용                ✗      ✗      ✗      ✓      ✓\n"
        "점수                        50%    50%    75%   100%   100%")
    assert out.startswith("sigmoid — 시그모이드 함수의 단점은 무엇인가요?\n시도 5번 · 세션 4개\n\n")
    assert rest.startswith("지난번과 짚은 포인트가 같아요.\n\n#1 · 2025-03-01 (토) 21:01 · 세션 2025-03-01_210008 · 50%\n"
                           "   음 [기울기 소실]①이 생겨서 깊은 층까지 학습이 잘 안 되는 것 같아요.\n")


def test_compare_shows_what_is_newly_covered(capsys):
    code, out, _ = cli(capsys, "review", "--question", "dropout")
    assert "앙상블 효과               ✗      ✗      ✗      ✓  새로 ✓\n" in out
    assert "이번에 새로 짚은 포인트: 앙상블 효과\n" in out
    code, out, _ = cli(capsys, "review", "--question", "dropout", "--json")
    data = json.loads(out)
    assert [a["key_points"] for a in data["attempts"]] == [
        {"random-drop": "missed", "ensemble": "missed"}, {"random-drop": "covered", "ensemble": "missed"},
        {"random-drop": "covered", "ensemble": "missed"}, {"random-drop": "covered", "ensemble": "covered"}]
    assert (data["newly_covered"], data["no_longer_covered"]) == (["ensemble"], [])


def test_html_and_markdown_reports(capsys, tmp_path):
    html, md = tmp_path / "r.html", tmp_path / "r.md"
    code, out, err = cli(capsys, "review", "--html", str(html), "--markdown", str(md), "--now", NOW)
    assert (code, err) == (0, "")
    assert out == (f"HTML 리포트: {html} (세션 4개, 답변 16개)\n"
                   f"Markdown: {md} (세션 4개, 답변 16개)\n")
    page = html.read_text(encoding="utf-8")
    assert page.startswith("<!doctype html>\n<html lang=\"ko\">") and page.count("<article") == 16
    assert md.read_text(encoding="utf-8").startswith("# 면접 연습 리포트 — 전체 세션 4개\n")


def test_markdown_to_standard_output(capsys):
    code, out, err = cli(capsys, "review", "1", "--markdown", "-", "--now", NOW)
    assert (code, err) == (0, "")
    assert out.startswith("# 면접 연습 리포트 — 세션 2025-03-01_210008\n")
    assert "- ✗ 앙상블 효과 — 힌트: 매 스텝 다른 부분 네트워크가 학습된다는 점을 떠올려 보세요.\n" in out


def test_without_the_rubric_hints_and_model_answers_are_left_out(capsys, tmp_path, monkeypatch):
    shutil.copytree(SAMPLES, tmp_path / "t")
    monkeypatch.chdir(tmp_path)  # tests/data/review.yaml is not there
    code = main(["review", "2", "--transcripts", str(tmp_path / "t")])
    out, err = capsys.readouterr()
    assert (code, err) == (0, "")
    assert "  ✗  지수 연산 비용\n" in out and "힌트:" not in out


@pytest.mark.parametrize("args, message", [
    (["review", "9"], f"no session '9' in {SAMPLES} (latest: 2025-03-08_194013)"),
    (["review", "--question", "sigmoid", "2"], "--question compares attempts across all sessions; drop SESSION"),
    (["review", "--question", "sigmoid", "--html", "x.html"], "--html and --markdown export sessions; drop --question"),
    (["review", "--json", "--markdown", "-"], "--json prints to standard output; use it without --html / --markdown"),
    (["review", "--question", "sigmod"], f"--question: no answers to 'sigmod' in {SAMPLES} (did you mean: sigmoid?)"),
    (["review", "--html", "/nonexistent/dir/r.html"], "/nonexistent/dir/r.html: cannot write the report: "
                                                      "No such file or directory"),
])
def test_errors_are_one_line(capsys, args, message):
    code, out, err = cli(capsys, *args)
    assert (code, out, err) == (2, "", f"Error: {message}\n")


def test_bad_now_is_an_argparse_error(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["stats", "--now", "tomorrow"])
    assert exit_.value.code == 2
    assert "argument --now: 'tomorrow' is not an ISO 8601 time (e.g. 2025-03-10T09:00+09:00)" in capsys.readouterr().err


def test_stats_text(capsys):
    code, out, err = cli(capsys, "stats", "--now", NOW)
    assert (code, err) == (0, "")
    assert out == (
        "진척도 — 세션 4개 · 답변 16개 (주 질문 14개, 평균 70%) · 2025-03-01 ~ 2025-03-08\n"
        "연속 연습 0일 (최장 2일) · 연습한 날 4일\n"
        "복습: 지금 1개, 오늘 안에 2개 · 아직 안 푼 질문 0개 · 오답노트 2개\n"
        "  → interviewer practice --order due  /  interviewer practice --missed\n"
        "\n"
        "  주제별          답변  평균               추이 (답변마다)\n"
        "  activations        8  █████████░░░  78%  ▅▅▅▆████\n"
        "  normalization      2  █████████░░░  75%  ▅█\n"
        "  regularization     6  ███████░░░░░  58%  ▁▅▅▅██\n"
        "\n"
        "가장 약한 핵심 포인트\n"
        "  앙상블 효과               dropout    1/4   25%  ▁▁▁█\n"
        "  지수 연산 비용            sigmoid    2/5   40%  ▁▁▁██\n"
        "  학습되는 스케일과 시프트  batchnorm  1/2   50%  ▁█\n"
        "  출력의 중심이 0이 아님    sigmoid    3/5   60%  ▁!███  반대로 1번\n"
        "  죽은 뉴런 (dying ReLU)    relu       2/3   67%  ▁██\n"
        "\n"
        "  핵심 포인트별                  짚음  연속  추이\n"
        "  sigmoid\n"
        "    기울기 소실                   5/5     5  █████\n"
        "    출력의 중심이 0이 아님        3/5     3  ▁!███\n"
        "    지수 연산 비용                2/5     2  ▁▁▁██\n"
        "  relu\n"
        "    양수 구간에서 포화되지 않음   3/3     3  ███\n"
        "    죽은 뉴런 (dying ReLU)        2/3     2  ▁██\n"
        "  dropout\n"
        "    뉴런을 무작위로 끔            3/4     3  ▁███\n"
        "    앙상블 효과                   1/4     1  ▁▁▁█\n"
        "  batchnorm\n"
        "    미니배치의 평균과 분산        2/2     2  ██\n"
        "    학습되는 스케일과 시프트      1/2     1  ▁█\n")


def test_stats_json(capsys):
    code, out, _ = cli(capsys, "stats", "--json", "--now", "2025-03-16T09:00+09:00")
    data = json.loads(out)
    assert data["due"] == {"now": ["relu", "dropout"], "today": ["relu", "dropout"], "new": 0}
    assert (data["sessions"], data["answers"], data["main_answers"], data["mean_score"]) == (4, 16, 14, 0.6964)
    assert data["streak"] == {"current": 0, "longest": 2}
    assert data["missed"] == ["sigmoid", "dropout"]
    assert [(t["topic"], t["attempts"], t["mean_score"]) for t in data["topics"]] == [
        ("activations", 8, 0.7812), ("normalization", 2, 0.75), ("regularization", 6, 0.5833)]
    assert data["weakest"][0] == {"question": "dropout", "key_point": "ensemble", "label": "앙상블 효과",
                                  "attempts": 4, "covered": 1, "contradicted": 0, "rate": 0.25, "streak": 1,
                                  "history": ["missed", "missed", "missed", "covered"]}


def test_no_transcripts_yet(capsys, tmp_path):
    for command in ("review", "stats"):
        assert main([command, "--transcripts", str(tmp_path / "none")]) == 0
        assert capsys.readouterr().out == (f"기록이 없어요 ({tmp_path / 'none'}). "
                                           "interviewer practice 로 연습을 시작하세요.\n")


def test_commands_start_without_kiwi_and_errors_have_no_traceback(tmp_path):
    code = ("import sys; from interviewer.cli import main; code = main(sys.argv[1:]); "
            "print(code, sorted(m for m in sys.modules if m.split('.')[0] in ('kiwipiepy', 'rapidfuzz', 'numpy')))")
    env = dict(os.environ, PYTHONPATH=str(ROOT), NO_COLOR="1", XDG_CACHE_HOME=str(tmp_path))
    for args in (["stats"], ["review", "2", "--json"], ["review", "--html", str(tmp_path / "r.html")]):
        p = subprocess.run([sys.executable, "-c", code, *args, "--transcripts", str(SAMPLES)], capture_output=True,
                           text=True, env=env, cwd=ROOT, timeout=120)
        assert p.stdout.splitlines()[-1] == "0 []", p.stderr
    p = subprocess.run([sys.executable, "-m", "interviewer", "review", "nope", "--transcripts", str(SAMPLES)],
                       capture_output=True, text=True, env=env, cwd=ROOT, timeout=120)
    assert (p.returncode, p.stdout, p.stderr) == (
        2, "", f"Error: no session 'nope' in {SAMPLES} (latest: 2025-03-08_194013)\n")


def test_an_answer_with_undecodable_bytes_or_a_line_separator_reviews(tmp_path, edit_first_answer):
    """Practice keeps undecodable terminal bytes (lone surrogates, the line written ASCII-escaped)
    and U+2028: review prints, exports and writes JSON for them, each JSON object on one line."""
    copy = tmp_path / "t"
    shutil.copytree(SAMPLES, copy)
    r = edit_first_answer(copy / "2025-03-08_194013.jsonl", " \udcff\u2028끝")
    env = dict(os.environ, PYTHONPATH=str(ROOT), NO_COLOR="1", XDG_CACHE_HOME=str(tmp_path / "cache"))
    for args in (["last"], ["last", "--json"], ["last", "--markdown", "-"], ["--html", str(tmp_path / "r.html")],
                 ["--question", r["question"], "--json"]):
        p = subprocess.run([sys.executable, "-m", "interviewer", "review", *args, "--transcripts", str(copy)],
                           capture_output=True, env=env, cwd=ROOT, timeout=120)
        assert (p.returncode, p.stderr) == (0, b""), (args, p.stderr.decode(errors="replace"))
        if "--json" in args:
            assert len(p.stdout.decode("utf-8").splitlines()) == 1
            assert "\ufffd\u2028끝" in json.dumps(json.loads(p.stdout), ensure_ascii=False)


@pytest.mark.parametrize("no_color", [False, True])
def test_colour_on_a_terminal_unless_no_color(tmp_path, no_color):
    import pexpect

    env = dict(os.environ, PYTHONPATH=str(ROOT), XDG_CACHE_HOME=str(tmp_path), TERM="xterm")
    env.pop("NO_COLOR", None)
    if no_color:
        env["NO_COLOR"] = "1"
    child = pexpect.spawn(sys.executable, ["-m", "interviewer", "review", "2", "--transcripts", str(SAMPLES)],
                          env=env, cwd=str(ROOT), encoding="utf-8", timeout=60, dimensions=(50, 200))
    out = child.read()
    child.close()
    assert child.exitstatus == 0
    assert ("\x1b[32m[기울기 소실]\x1b[0m①" in out) is not no_color
    assert ("\x1b[" in out) is not no_color
    assert "[기울기 소실]" in out
