"""``interviewer stats``: progress per topic and per key point, streaks, and what is due today.

Reads the transcripts only (no Kiwi); the schedule is rebuilt from them on every run.
"""

from __future__ import annotations

import argparse
import datetime as _dt

from ..transcript import json_text

HELP = "진척도: 주제·핵심 포인트별 커버리지, 가장 약한 포인트, 연속 연습일, 오늘 복습할 질문"


def add_parser(sub) -> None:
    p = sub.add_parser(
        "stats",
        help=HELP,
        description=HELP + "\n\n"
        "예: interviewer stats\n"
        "    interviewer stats --json\n"
        "    interviewer stats --now 2025-03-10T09:00+09:00   # 그 시각 기준으로 복습할 질문 세기\n\n"
        "추이: 주제는 답변마다의 점수(▁ 0% … █ 100%), 핵심 포인트는 답변마다 █ 짚음 ▁ 놓침 ! 반대로 말함.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_common_options(p)
    p.add_argument("--json", action="store_true", help="숫자를 JSON 객체 하나로 출력")
    p.set_defaults(run=run)


def add_common_options(p) -> None:
    """Options ``stats`` and ``review`` share."""
    p.add_argument("--transcripts", metavar="DIR",
                   help="기록 폴더 (기본: practice와 같음 — $INTERVIEWER_TRANSCRIPTS, 체크아웃의 transcripts/, "
                        "아니면 $XDG_DATA_HOME/interviewer/transcripts)")
    p.add_argument("--rubric", metavar="PATH",
                   help="주제·힌트·모범 답안을 가져올 루브릭 (기본: 세션마다 연습할 때 쓴 루브릭)")
    p.add_argument("--now", metavar="TIME", type=parse_now,
                   help="이 시각 기준으로 복습 일정 계산 (ISO 8601, 기본: 지금)")


def parse_now(text: str) -> _dt.datetime:
    try:
        t = _dt.datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not an ISO 8601 time (e.g. 2025-03-10T09:00+09:00)") from None
    return t if t.tzinfo is not None else t.astimezone()


def load(args):
    """The history of ``--transcripts`` and the rubric questions behind it."""
    from ..history import load_history, rubric_questions
    from ..transcript import transcripts_dir

    history = load_history(transcripts_dir(args.transcripts))
    questions = rubric_questions(history, args.rubric) if history.sessions or args.rubric else {}
    return history, questions


def build_stats(history, questions, now=None):
    """Stats as of ``now`` (default: now), with the schedule's card states cached between runs."""
    from ..progress import compute_stats
    from ..schedule import build_schedule, cache_file

    schedule = build_schedule(history.main_attempts(), cache=cache_file(history.directory))
    return compute_stats(history, questions, now or _dt.datetime.now().astimezone(), schedule=schedule)


def run(args) -> int:
    from ..history import collector_paused

    with collector_paused():
        return _run(args)


def _run(args) -> int:
    history, questions = load(args)
    stats = build_stats(history, questions, args.now)
    if args.json:
        print(json_text({"transcripts": str(history.directory), **stats.to_json()}))
        return 0
    if not history.sessions:
        print(f"기록이 없어요 ({history.directory}). interviewer practice 로 연습을 시작하세요.")
        return 0
    from ..feedback import Paint, use_color

    print(render_stats(stats, Paint(use_color())))
    return 0


def render_stats(s, p) -> str:
    from ..progress import bar, clip, pad, sparkline, status_strip, width

    lines = []
    span = f"{s.days[0].isoformat()} ~ {s.days[-1].isoformat()}" if s.days else ""
    mean = f", 평균 {s.mean_score * 100:.0f}%" if s.mean_score is not None else ""
    lines.append(p("진척도", "bold") + f" — 세션 {s.sessions}개 · 답변 {s.answers}개 (주 질문 {s.main_answers}개{mean})"
                 + (f" · {span}" if span else ""))
    lines.append(f"연속 연습 {s.current_streak}일 (최장 {s.longest_streak}일) · 연습한 날 {len(s.days)}일")
    due = f"복습: 지금 {len(s.due_now)}개, 오늘 안에 {len(s.due_today)}개"
    if s.new is not None:
        due += f" · 아직 안 푼 질문 {s.new}개"
    due += f" · 오답노트 {len(s.missed)}개"
    lines.append(p(due, "yellow") if s.due_today else due)
    hints = []
    if s.due_today or s.new:
        hints.append("interviewer practice --order due")
    if s.missed:
        hints.append("interviewer practice --missed")
    if hints:
        lines.append("  → " + "  /  ".join(hints))

    if s.topics:
        lines.append("")
        tw = max(12, *(width(t.topic) for t in s.topics))
        lines.append(p(f"  {pad('주제별', tw)}  {pad('답변', 4, right=True)}  {pad('평균', 17)}  추이 (답변마다)", "bold"))
        for t in s.topics:
            lines.append(f"  {pad(t.topic, tw)}  {t.attempts:>4}  {bar(t.mean)} {t.mean * 100:3.0f}%  "
                         f"{sparkline(t.scores[-20:])}")

    if s.weakest:
        lines.append("")
        lines.append(p("가장 약한 핵심 포인트", "bold"))
        lw = min(28, max(width(k.label) for k in s.weakest))
        qw = max(width(k.question) for k in s.weakest)
        for k in s.weakest:
            lines.append(f"  {pad(clip(k.label, lw), lw)}  {pad(k.question, qw)}  {k.covered}/{k.attempts}"
                         f" {k.rate * 100:4.0f}%  {status_strip(k.statuses[-20:])}"
                         + (p(f"  반대로 {k.contradicted}번", "red") if k.contradicted else ""))

    if s.points:
        lines.append("")
        lw = min(30, max(width(k.label) for k in s.points))
        lines.append(p(f"  {pad('핵심 포인트별', lw + 2)}  {pad('짚음', 4, right=True)}  {pad('연속', 4, right=True)}  추이",
                       "bold"))
        order = _question_order(s.points)
        current = None
        for k in sorted(s.points, key=lambda k: order[k.question]):
            if k.question != current:
                current = k.question
                lines.append(f"  {k.question}")
            lines.append(f"    {pad(clip(k.label, lw), lw)}  {pad(f'{k.covered}/{k.attempts}', 4, right=True)}"
                         f"  {k.streak:>4}  {status_strip(k.statuses[-20:])}")
    return "\n".join(lines)


def _question_order(points) -> dict:
    order: dict = {}
    for k in points:
        order.setdefault(k.question, len(order))
    return order

