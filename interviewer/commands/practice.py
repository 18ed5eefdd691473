"""``interviewer practice`` (also plain ``interviewer``): the practice loop.

Wiring only: choose the questions, open the transcript, start loading Kiwi once the first
question is on screen, and hand a :class:`~interviewer.session.Practice` to the terminal UI
(:mod:`interviewer.tui`) or, when standard input is not a terminal, to the plain line mode.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import sys
import time

from ..errors import InputError

HELP = "연습 시작: 질문 → 답변 → 피드백 → 꼬리질문 (기본 명령)"
TIMINGS_ENV = "INTERVIEWER_TIMINGS"  # bench/startup.py: where to write startup timings


def add_parser(sub) -> None:
    p = sub.add_parser(
        "practice",
        help=HELP,
        description=HELP + "\n\n"
        "예: interviewer                         # 내장 질문 은행, 순서대로\n"
        "    interviewer --tags cnn,rnn --count 5 --order random\n"
        "    interviewer --rubric my-questions.yaml\n\n"
        "입력: Enter 제출 · Alt-Enter(또는 Esc Enter, Ctrl-J) 줄바꿈 · ↑ 이전 답변 · Ctrl-C 입력 지우기 · Ctrl-D 끝내기\n"
        "명령: /hint /skip /again /model /help /quit\n"
        "표준 입력이 터미널이 아니면 한 줄에 답변 하나씩 읽습니다 (/quit 또는 입력 끝에서 종료).",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--rubric", metavar="PATH", help="루브릭 파일 또는 디렉터리 (기본: 내장 질문 은행)")
    p.add_argument("--tags", metavar="TAG[,TAG]", action="append", default=[],
                   help="이 주제 중 하나라도 붙은 질문만 (쉼표로 여러 개, 반복 가능)")
    p.add_argument("--level", choices=("basic", "intermediate", "advanced"), help="이 난이도의 질문만")
    p.add_argument("--count", "-n", metavar="N", type=_positive, help="질문 N개만 (꼬리질문은 세지 않음)")
    p.add_argument("--order", default="sequential", choices=("sequential", "random", "due"),
                   help="질문 순서 (기본 sequential; due = 복습 일정(FSRS)상 복습할 때가 된 질문부터)")
    p.add_argument("--missed", action="store_true",
                   help="오답노트: 같은 핵심 포인트를 두 번 이상 놓친 질문만 다시 묻기")
    p.add_argument("--seed", metavar="N", type=int, help="--order random 의 난수 시드 (같은 시드 = 같은 순서)")
    p.add_argument("--transcripts", metavar="DIR",
                   help="기록 폴더 (기본: $INTERVIEWER_TRANSCRIPTS, 체크아웃에서 실행하면 그 transcripts/, "
                        "아니면 $XDG_DATA_HOME/interviewer/transcripts)")
    p.add_argument("--no-follow-ups", dest="follow_ups", action="store_false", help="꼬리질문 하지 않기")
    p.add_argument("--plain", action="store_true", help="터미널에서도 한 줄 입력 모드 사용 (편집 UI 없이)")
    p.set_defaults(run=run)


def _positive(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if n < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {n}")
    return n


class ScorerLoader:
    """Builds Kiwi and the scorer on a background thread, started once the first question shows.

    Kiwi holds the GIL while it loads, so starting it before the first question is drawn would
    delay the question by the whole load; started after, it only pauses the screen while the
    user is still reading.
    """

    def __init__(self, rubric, first_question=None):
        self._rubric = rubric
        self._first = first_question
        self._bg = None
        self.kiwi_ready_at: float | None = None  # time.time(), for bench/startup.py

    def start(self) -> None:
        if self._bg is None:
            from ..scoring.analysis import BackgroundAnalyzer

            self._bg = BackgroundAnalyzer(factory=self._build)

    def _build(self):
        from ..scoring.analysis import KiwiAnalyzer
        from ..scoring.scorer import Scorer

        analyzer = KiwiAnalyzer()
        self.kiwi_ready_at = time.time()
        scorer = Scorer(self._rubric, analyzer)
        if self._first is not None:
            scorer.compiled(self._first)  # the first answer is then scored at once
        return scorer

    def ready(self) -> bool:
        return self._bg is not None and self._bg.ready()

    def get(self):
        self.start()
        return self._bg.get()


def _versions() -> dict:
    from importlib import metadata

    from .. import __version__

    out = {"interviewer": __version__, "python": platform.python_version()}
    for dist in ("kiwipiepy", "rapidfuzz", "prompt_toolkit"):
        try:
            out[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            out[dist] = None
    return out


def run(args) -> int:
    from ..session import Practice, Session, order_questions, select_questions
    from ..transcript import TranscriptWriter, now_iso, transcripts_dir

    interactive = sys.stdin.isatty() and sys.stdout.isatty() and not args.plain
    tags = tuple(t.strip() for group in args.tags for t in group.split(",") if t.strip())
    from ..rubric import load_rubric

    rubric = load_rubric(args.rubric)
    chosen = select_questions(rubric.questions, tags, args.level, known_tags=rubric.tags())
    if args.missed:
        from ..schedule import missed_only

        chosen = missed_only(chosen, transcripts_dir(args.transcripts))
    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(2**32)
    ordered = order_questions(chosen, args.order, random.Random(seed), due=_due_hook(args))
    if args.count:
        ordered = ordered[: args.count]
    session = Session(ordered, follow_ups=args.follow_ups)

    header = {
        "started_at": now_iso(),
        "rubric": {"path": args.rubric, "digest": rubric.digest, "files": list(rubric.files)},
        "versions": _versions(),
        "options": {
            "tags": list(tags), "level": args.level, "count": args.count, "order": args.order,
            "seed": seed if args.order == "random" else None, "follow_ups": args.follow_ups, "missed": args.missed,
            "mode": "tui" if interactive else "lines",
        },
        "questions": [q.id for q in ordered],
    }
    writer = TranscriptWriter.create(transcripts_dir(args.transcripts), header)
    loader = ScorerLoader(rubric, ordered[0])
    from ..feedback import use_color

    practice = Practice(
        session,
        scorer=loader.get,
        writer=writer,
        color=use_color(),
        scoring_ready=loader.ready,
        warm_up=loader.start,
    )
    timings = {}
    try:
        print(f"기록 파일: {writer.path}", flush=True)
        if interactive:
            from ..tui import run_tui

            code = run_tui(practice, on_first_question=lambda: timings.setdefault("first_question", time.time()))
        else:
            code = run_lines(practice, sys.stdin, sys.stdout,
                             on_first_question=lambda: timings.setdefault("first_question", time.time()))
    finally:
        writer.close()  # answers are already durable; this only releases the descriptor
        _write_timings(timings, loader)
    return code


def _due_hook(args):
    """``--order due``: the review schedule, rebuilt from the transcripts (imported only then)."""
    if args.order != "due":
        return None
    from ..schedule import due_order
    from ..transcript import transcripts_dir

    return due_order(transcripts_dir(args.transcripts))


def _write_timings(timings: dict, loader: ScorerLoader) -> None:
    path = os.environ.get(TIMINGS_ENV)
    if not path or "first_question" not in timings:
        return
    timings["kiwi_ready"] = loader.kiwi_ready_at
    with open(path, "w", encoding="utf-8") as f:
        json.dump(timings, f)


def run_lines(practice, stdin, stdout, on_first_question=lambda: None) -> int:
    """Plain line mode: one answer (or /command) per input line; end of input quits.

    Input that a terminal does not echo (a pipe, a file) is echoed, so the output reads as a
    conversation.
    """
    echo = not (hasattr(stdin, "isatty") and stdin.isatty())
    stdout.write(practice.opening() + "\n")
    stdout.flush()
    on_first_question()
    practice.started()
    number = 0
    while True:
        try:
            line = stdin.readline()
            number += 1
            line.encode("utf-8")  # undecodable bytes arrive as lone surrogates (surrogateescape)
        except (UnicodeDecodeError, UnicodeEncodeError):
            raise InputError(f"standard input line {number} is not UTF-8 text "
                             "(convert it first, e.g. iconv -f cp949 -t utf-8)") from None
        except KeyboardInterrupt:
            stdout.write("\n" + practice.quit() + "\n")
            stdout.flush()
            return 130
        if not line:
            stdout.write(practice.quit() + "\n")
            stdout.flush()
            return 0
        line = line.rstrip("\r\n")
        if echo:
            stdout.write(f"› {line}\n")
        if line.strip() and not line.lstrip().startswith("/") and not practice.scoring_ready():
            print("(채점 준비 중… 처음 한 번만 기다려요)", file=sys.stderr, flush=True)
        reply = practice.handle(line)
        if reply.text:
            stdout.write(reply.text + "\n\n")
            stdout.flush()
        if reply.done:
            return 0
