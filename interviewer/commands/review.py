"""``interviewer review``: past sessions, one session answer by answer, every attempt at one
question side by side, and HTML / Markdown reports.

Reads the transcripts only (no Kiwi): scores, evidence offsets and delivery notes are what the
practice loop recorded. Hints and model answers come from the rubric each session used.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..errors import InputError
from ..transcript import json_text
from .stats import add_common_options

HELP = "지난 세션 돌아보기: 답변, 근거 하이라이트, 놓친 포인트, 말하기 메모, 시도 비교, HTML 리포트"


def add_parser(sub) -> None:
    p = sub.add_parser(
        "review",
        help=HELP,
        description=HELP + "\n\n"
        "예: interviewer review                       # 세션 목록 (날짜, 질문 수, 평균 점수)\n"
        "    interviewer review 2025-03-02            # 한 세션: 이름, 이름 앞부분, 목록 번호, last, 파일 경로\n"
        "    interviewer review --question sigmoid    # 한 질문의 모든 시도를 포인트별로 나란히\n"
        "    interviewer review --html report.html    # 전체 세션 HTML 리포트 (세션을 주면 그 세션만)\n"
        "    interviewer review last --markdown -     # Markdown으로 표준 출력에\n\n"
        "답변 속 [근거]① 는 ①번 핵심 포인트를 맞힌 말, ⚠ 는 반대로 말한 부분입니다.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("session", nargs="?", metavar="SESSION",
                   help="세션 이름(또는 앞부분), 목록 번호, last, 또는 기록 파일 경로")
    p.add_argument("--question", "-q", metavar="ID", help="이 질문의 모든 시도를 핵심 포인트별로 비교")
    p.add_argument("--html", metavar="OUT.html", help="HTML 리포트 쓰기 (SESSION을 주면 그 세션만, 아니면 전체)")
    p.add_argument("--markdown", metavar="OUT.md", help="Markdown으로 내보내기 (- = 표준 출력)")
    p.add_argument("--json", action="store_true", help="스크립트용 JSON 출력")
    p.add_argument("--label", action="store_true",
                   help="이 세션의 채점기 판단을 포인트별로 확인·수정해 <세션>.labels.jsonl 에 저장 (docs/tuning.md)")
    add_common_options(p)
    p.set_defaults(run=run)


def run(args) -> int:
    from ..history import collector_paused

    _check_options(args)
    with collector_paused():
        return _run(args)


def _run(args) -> int:
    from .stats import load

    history, questions = load(args)
    if args.label:
        from ..labeling import label_session

        return label_session(history.session(args.session).path, args.rubric)
    if args.question:
        return compare(args, history, questions)
    if args.html or args.markdown:
        return export(args, history, questions)
    if args.session:
        return show_session(args, history, questions)
    return list_sessions(args, history)


def _check_options(args) -> None:
    if args.label and not args.session:
        raise InputError("--label needs the SESSION to label (e.g. interviewer review last --label)")
    if args.label and (args.question or args.html or args.markdown or args.json):
        raise InputError("--label walks through one session; drop --question, --html, --markdown and --json")
    if args.question and args.session:
        raise InputError("--question compares attempts across all sessions; drop SESSION")
    if args.question and (args.html or args.markdown):
        raise InputError("--html and --markdown export sessions; drop --question")
    if args.json and (args.html or args.markdown):
        raise InputError("--json prints to standard output; use it without --html / --markdown")


def _paint():
    from ..feedback import Paint, use_color

    return Paint(use_color())


# --- the list ------------------------------------------------------------------------------------


def list_sessions(args, history) -> int:
    from ..progress import pad
    from ..report import percent, when

    if args.json:
        print(json_text({"transcripts": str(history.directory),
                         "sessions": [s.to_json() for s in history.sessions]}))
        return 0
    if not history.sessions:
        print(f"기록이 없어요 ({history.directory}). interviewer practice 로 연습을 시작하세요.")
        return 0
    p = _paint()
    answers = sum(len(s.attempts) for s in history.sessions)
    print(f"기록 폴더: {history.directory} · 세션 {len(history.sessions)}개 · 답변 {answers}개")
    nw = max(len(s.name) for s in history.sessions)
    print(p(f"{'#':>4}  {pad('세션', nw)}  {pad('날짜', 22)}  질문  답변   평균", "bold"))
    for i, s in enumerate(history.sessions, 1):
        note = "" if s.ended else p("  (중간에 끊김)", "yellow")
        print(f"{i:>4}  {pad(s.name, nw)}  {pad(when(s.started_at), 22)}  {len(s.questions):>4}  {len(s.attempts):>4}"
              f"  {percent(s.mean_score):>5}{note}")
    print(p("자세히: interviewer review 번호|이름 · 질문별 비교: interviewer review --question ID · "
            "HTML: interviewer review --html report.html", "dim"))
    return 0


# --- one session -----------------------------------------------------------------------------------


def show_session(args, history, questions) -> int:
    from ..schedule import rate

    session = history.session(args.session)
    if args.json:
        attempts = []
        for a in session.attempts:
            attempts.append({**a.to_json(), "rating": None if a.is_follow_up else rate(a).name.lower()})
        print(json_text({"session": session.to_json(), "attempts": attempts}))
        return 0
    print(render_session(session, questions, _paint()))
    return 0


def render_session(session, questions, p) -> str:
    from ..report import percent, when

    lines = [p(f"세션 {session.name}", "bold") + f" · {when(session.started_at)} · 질문 {len(session.questions)}개 · "
             f"답변 {len(session.attempts)}개" + (f" · 건너뜀 {session.skipped}개" if session.skipped else "")
             + f" · 평균 {percent(session.mean_score)}" + ("" if session.ended else p(" · 중간에 끊긴 세션", "yellow")),
             p(f"기록: {session.path}", "dim")]
    for n, a in enumerate(session.attempts, 1):
        lines.append("")
        lines.append(render_attempt(a, n, questions, p))
    return "\n".join(lines)


def render_attempt(a, n, questions, p, indent: str = "") -> str:
    from ..report import before_answering, circled, delivery_line, percent, point_hint, rubric_question
    from ..schedule import rate

    q = rubric_question(questions, a)
    meta = [a.question]
    if a.is_follow_up:
        meta.append("꼬리질문")
    if a.attempt > 1:
        meta.append(f"{a.attempt}번째 시도")
    meta.append(a.answered_at.strftime("%H:%M"))
    meta.append(f"점수 {percent(a.score)}")
    extra = before_answering(a)
    if extra:
        meta.append(extra)
    if not a.is_follow_up:
        meta.append(f"복습 평가 {rate(a).name}")
    out = [p(f"{'↳ ' if a.is_follow_up else ''}{n}. " + " · ".join(meta), "cyan" if a.is_follow_up else "bold")]
    out.append("Q. " + a.prompt)
    out.append("A. " + highlight(a, p).replace("\n", "\n   "))
    for i, k in enumerate(a.points, 1):
        req = " (필수)" if k.required else ""
        if k.status == "covered":
            quote = p(f' — "{k.evidence.text}"', "dim") if k.evidence else ""
            out.append(f"  {p('✓', 'green')}{circled(i)} {k.label}{req}{quote}")
        elif k.status == "contradicted":
            quote = f': "{k.evidence.text}"' if k.evidence else ""
            out.append(f"  {p('⚠', 'red')}{circled(i)} {k.label}{req} — 반대로 말함{quote}")
            out += [f"       → {m.correction}" for m in a.misconceptions if m.contradicts == k.id]
        else:
            hint = point_hint(q, k.id)
            out.append(f"  {p('✗', 'yellow')}  {k.label}{req}" + (p(f" — 힌트: {hint}", "dim") if hint else ""))
    for m in a.misconceptions:
        if m.contradicts is None:
            said = f' "{m.evidence.text}"' if m.evidence else ""
            out.append(f"  {p('⚠', 'red')}  오개념{said} → {m.correction}")
    line = delivery_line(a.delivery)
    if line:
        out.append(p(f"  말하기: {line}", "dim"))
    return "\n".join(indent + x for x in out)


def highlight(a, p) -> str:
    """The answer with each key point's evidence bracketed and numbered: [기울기 소실]①."""
    from ..report import CONTRADICTED, circled, marks, runs

    out = []
    for piece, ms in runs(a.answer, marks(a)):
        if not ms:
            out.append(piece)
            continue
        bad = any(m.status == CONTRADICTED for m in ms)
        nums = "".join(circled(m.number) for m in ms)
        out.append(p(f"[{piece}]", "red" if bad else "green") + nums)
    return "".join(out)


# --- one question, every attempt --------------------------------------------------------------------


def compare(args, history, questions) -> int:
    attempts = history.attempts_at(args.question)
    if not attempts:
        known = sorted({a.question for a in history.attempts})
        import difflib

        close = difflib.get_close_matches(args.question, known, n=3)
        hint = f" (did you mean: {', '.join(close)}?)" if close else ""
        raise InputError(f"--question: no answers to {args.question!r} in {history.directory}{hint}")
    points = _point_rows(attempts)
    first_new, lost = changes(attempts)
    if args.json:
        print(json_text({
            "question": args.question,
            "prompt": attempts[-1].prompt,
            "key_points": [{"id": pid, "label": label} for pid, label in points],
            "attempts": [{"session": a.session, "line": a.line, "attempt": a.attempt,
                          "answered_at": a.answered_at.isoformat(timespec="seconds"), "score": a.score,
                          "answer": a.answer,
                          "key_points": {k.id: k.status for k in a.points}} for a in attempts],
            "newly_covered": first_new,
            "no_longer_covered": lost,
        }))
        return 0
    print(render_compare(attempts, questions, _paint()))
    return 0


def _point_rows(attempts) -> list[tuple[str, str]]:
    rows: dict[str, str] = {}
    for a in attempts:
        for k in a.points:
            rows[k.id] = k.label  # latest label wins
    return list(rows.items())


def changes(attempts) -> tuple[list[str], list[str]]:
    """Key points the latest attempt covers that the one before did not, and the reverse."""
    if len(attempts) < 2:
        return [], []
    before = {k.id for k in attempts[-2].points if k.covered}
    now = {k.id for k in attempts[-1].points if k.covered}
    order = [k.id for k in attempts[-1].points]
    return [k for k in order if k in now - before], [k for k in order if k in before - now]


COLUMNS = 8  # attempts shown side by side; older ones are listed below the table


def render_compare(attempts, questions, p) -> str:
    from ..progress import clip, pad, width
    from ..report import percent, when

    rows = _point_rows(attempts)
    shown = list(attempts)[-COLUMNS:]
    labels = {pid: label for pid, label in rows}
    required = {k.id for a in attempts for k in a.points if k.required}
    lw = min(30, max(width(label) + (5 if pid in required else 0) for pid, label in rows))
    col = 7
    out = [p(f"{attempts[-1].question}", "bold") + f" — {attempts[-1].prompt}",
           f"시도 {len(attempts)}번 · 세션 {len({a.session for a in attempts})}개"
           + (f" (최근 {COLUMNS}번만 표에)" if len(attempts) > COLUMNS else ""), ""]
    first = len(attempts) - len(shown) + 1
    out.append(pad("", lw) + "  " + "".join(pad(f"#{first + j}", col, right=True) for j in range(len(shown))))
    out.append(pad("", lw) + "  " + "".join(pad(a.answered_at.strftime("%m-%d"), col, right=True) for a in shown))
    symbol = {"covered": p("✓", "green"), "contradicted": p("⚠", "red"), "missed": p("✗", "yellow")}
    new, lost = changes(attempts)
    for pid, label in rows:
        name = clip(label, lw - (5 if pid in required else 0)) + (" (필수)" if pid in required else "")
        cells = ""
        for a in shown:
            status = next((k.status for k in a.points if k.id == pid), None)
            cells += " " * (col - 1) + (symbol[status] if status else "·")
        note = p("  새로 ✓", "green") if pid in new else p("  다시 놓침", "yellow") if pid in lost else ""
        out.append(pad(name, lw) + "  " + cells + note)
    out.append(pad("점수", lw) + "  " + "".join(pad(percent(a.score), col, right=True) for a in shown))
    out.append("")
    if new:
        out.append(p("이번에 새로 짚은 포인트: ", "green") + ", ".join(labels[k] for k in new))
    if lost:
        out.append(p("지난번엔 짚었는데 이번에 놓친 포인트: ", "yellow") + ", ".join(labels[k] for k in lost))
    if len(attempts) >= 2 and not new and not lost:
        out.append("지난번과 짚은 포인트가 같아요.")
    for j, a in enumerate(attempts, 1):
        out.append("")
        out.append(p(f"#{j} · {when(a.answered_at)} · 세션 {a.session} · {percent(a.score)}", "bold"))
        out.append("   " + highlight(a, p).replace("\n", "\n   "))
    return "\n".join(out)


# --- reports -----------------------------------------------------------------------------------------


def export(args, history, questions) -> int:
    from ..report import render_html, render_markdown
    from .stats import build_stats

    if args.session:
        sessions = [history.session(args.session)]
    elif history.sessions:
        sessions = list(history.sessions)
    else:
        raise InputError(f"no sessions in {history.directory} to report on")
    stats = build_stats(history, questions, args.now)
    answers = sum(len(s.attempts) for s in sessions)
    if args.html:
        _write(args.html, render_html(history, sessions, questions, stats))
        if args.html != "-":
            print(f"HTML 리포트: {args.html} (세션 {len(sessions)}개, 답변 {answers}개)", file=_status_stream(args))
    if args.markdown:
        _write(args.markdown, render_markdown(history, sessions, questions, stats))
        if args.markdown != "-":
            print(f"Markdown: {args.markdown} (세션 {len(sessions)}개, 답변 {answers}개)", file=_status_stream(args))
    return 0


def _status_stream(args):
    # With one of the two going to standard output, keep that output clean.
    return sys.stderr if "-" in (args.html, args.markdown) else sys.stdout


def _write(target: str, text: str) -> None:
    if target == "-":
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    path = Path(target)
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise InputError(f"{path}: cannot write the report: {exc.strerror}") from None
