"""The practice flow as a plain state machine: which question is asked, follow-ups, hints, retries.

:class:`Session` knows nothing about terminals, Kiwi or files: it is told the scored result of
each answer and decides what to ask next. :class:`Practice` drives a session for a UI: it turns
one line of input into the text to show, scoring answers and appending each one to the
transcript *before* returning its feedback. Both the prompt_toolkit UI (:mod:`interviewer.tui`)
and the plain line mode call :meth:`Practice.handle`, so both write the same transcript.
"""

from __future__ import annotations

import random
import re
import signal
import threading
import time
from collections import deque
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Callable, Iterable, Sequence

from .errors import InputError

if TYPE_CHECKING:  # the scorer (numpy, rapidfuzz) is imported when Kiwi loads, not before the first question
    from .rubric import KeyPoint, Question
    from .scoring.aggregate import ScoreResult

ORDERS = ("sequential", "random", "due")
LEVELS = ("basic", "intermediate", "advanced")
MAX_FOLLOW_UPS = 2  # per main question: an interviewer digs once or twice, not forever
REASON_QUOTE_MAX = 20  # longer evidence is named by its key point's label instead


# --- choosing questions ---------------------------------------------------------------------


def select_questions(questions: Iterable[Question], tags: Sequence[str] = (), level: str | None = None,
                     known_tags: Iterable[str] | None = None) -> list[Question]:
    """Questions with any of ``tags`` (all if none) at ``level`` (any if None), in rubric order."""
    questions = list(questions)
    if known_tags is not None:
        known = set(known_tags)
        unknown = [t for t in tags if t not in known]
        if unknown:
            import difflib

            close = difflib.get_close_matches(unknown[0], sorted(known), n=3)
            hint = f" (did you mean: {', '.join(close)}?)" if close else f" (known: {', '.join(sorted(known))})"
            raise InputError(f"--tags: unknown tag {unknown[0]!r}{hint}")
    if level is not None and level not in LEVELS:
        raise InputError(f"--level: {level!r} is not one of {', '.join(LEVELS)}")
    wanted = set(tags)
    out = [q for q in questions if (not wanted or wanted & set(q.tags)) and (level is None or q.level == level)]
    if not out:
        what = " and ".join(x for x in (f"tags {', '.join(tags)}" if tags else "", f"level {level}" if level else "") if x)
        raise InputError(f"no questions match {what}" if what else "the rubric has no questions")
    return out


def order_questions(questions: Sequence[Question], order: str, rng: random.Random,
                    due: Callable[[Sequence[Question]], Sequence[Question]] | None = None) -> list[Question]:
    """Put ``questions`` in the order they will be asked.

    ``due`` is the spaced-repetition hook: given the questions, it returns them due-first. Until
    a schedule exists (``interviewer.schedule``) there is none and ``--order due`` says so.
    """
    if order == "sequential":
        return list(questions)
    if order == "random":
        out = list(questions)
        rng.shuffle(out)
        return out
    if order == "due":
        if due is None:
            raise InputError("--order due needs the review schedule, which is not built yet; "
                             "use --order sequential or random")
        return list(due(questions))
    raise InputError(f"--order: {order!r} is not one of {', '.join(ORDERS)}")


# --- the state machine ----------------------------------------------------------------------


@dataclass(frozen=True)
class Prompt:
    """One thing asked: a main question, or a follow-up scored as a question of its own."""

    question: Question
    number: int  # 1-based position of the main question
    total: int
    parent: Question | None = None  # the main question, for follow-ups
    follow_up: int | None = None  # index into parent.follow_ups
    reason: str | None = None  # why this follow-up: "'기울기 소실'을 말씀하셨는데…"
    attempt: int = 1  # 2, 3 … after /again

    @property
    def is_follow_up(self) -> bool:
        return self.parent is not None

    @property
    def main(self) -> Question:
        return self.parent or self.question


@dataclass(frozen=True)
class Turn:
    """An answered prompt."""

    prompt: Prompt
    answer: str
    result: ScoreResult
    hints: tuple[str, ...]  # key point ids whose hint was asked for before answering
    model_shown: bool  # the model answer was shown before answering
    follow_ups: tuple[Prompt, ...]  # follow-ups this answer triggered, asked next


@dataclass(frozen=True)
class Hint:
    key_point: KeyPoint
    text: str


def follow_up_reason(kp_label: str, evidence: str | None, when: str, contradicted: bool = False) -> str:
    """Why a follow-up is asked, in the interviewer's words: "'기울기 소실'을 말씀하셨는데…"."""
    from .delivery import josa

    if when == "covered":
        said = evidence.strip() if evidence and len(evidence.strip()) <= REASON_QUOTE_MAX else kp_label
        return f"'{said}'{josa(said, '을/를')} 말씀하셨는데…"
    if contradicted:
        return f"'{kp_label}' 부분을 반대로 말씀하셨는데…"
    return f"'{kp_label}'{josa(kp_label, '은/는')} 말씀하지 않으셨는데…"


_REASON_IN_PROMPT = re.compile(r"셨(는데|으니|으니까|다고)")


def states_its_reason(prompt: str) -> bool:
    """Whether a rubric follow-up already opens with its reason ("XOR 문제를 말씀하셨는데, …"),
    so that the interviewer does not say it twice."""
    first_clause = re.split(r"[,?.!]", prompt, maxsplit=1)[0]
    return bool(_REASON_IN_PROMPT.search(first_clause))


class Session:
    """Which prompt is current, and what comes next. Driven by answers, /skip, /again, /hint."""

    def __init__(self, questions: Sequence[Question], follow_ups: bool = True, max_follow_ups: int = MAX_FOLLOW_UPS):
        if not questions:
            raise InputError("no questions to practise")
        self.questions = tuple(questions)
        self.follow_ups = follow_ups
        self.max_follow_ups = max_follow_ups
        n = len(self.questions)
        self._queue: deque[Prompt] = deque(Prompt(q, i + 1, n) for i, q in enumerate(self.questions))
        self.current: Prompt | None = self._queue.popleft()
        self.turns: list[Turn] = []
        self.skipped: list[Prompt] = []
        self.last: Turn | None = None  # the latest answer, for /again and /model
        self._just_answered = False  # nothing happened since the last answer
        self._asked_follow_ups: dict[str, set[int]] = {}
        self._hints: list[str] = []
        self._model_shown = False

    @property
    def done(self) -> bool:
        return self.current is None

    def _advance(self) -> Prompt | None:
        self.current = self._queue.popleft() if self._queue else None
        self._hints = []
        self._model_shown = False
        return self.current

    def answer(self, text: str, result: ScoreResult) -> Turn:
        """Record the scored answer to the current prompt and move on (follow-ups first)."""
        prompt = self._require()
        if result.question != prompt.question.id:
            raise ValueError(f"result is for {result.question!r}, current question is {prompt.question.id!r}")
        triggered = self._follow_ups(prompt, result) if self.follow_ups and not prompt.is_follow_up else ()
        turn = Turn(prompt, text, result, tuple(self._hints), self._model_shown, triggered)
        self.turns.append(turn)
        self.last = turn
        self._queue.extendleft(reversed(triggered))
        self._advance()
        self._just_answered = True
        return turn

    def _follow_ups(self, prompt: Prompt, result: ScoreResult) -> tuple[Prompt, ...]:
        q = prompt.question
        asked = self._asked_follow_ups.setdefault(q.id, set())
        by_id = {k.id: k for k in result.key_points}
        out = []
        for i, fu in enumerate(q.follow_ups):
            if len(asked) >= self.max_follow_ups:
                break
            k = by_id.get(fu.key_point)
            if i in asked or k is None or k.covered != (fu.when == "covered"):
                continue
            asked.add(i)
            evidence = k.evidence.text if k.evidence is not None and k.covered else None
            out.append(Prompt(q.follow_up_question(i), prompt.number, prompt.total, parent=q, follow_up=i,
                              reason=follow_up_reason(k.label, evidence, fu.when, k.contradicted)))
        return tuple(out)

    def skip(self) -> Prompt:
        """Drop the current prompt without an answer."""
        prompt = self._require()
        self.skipped.append(prompt)
        self._advance()
        self._just_answered = False
        return prompt

    def again(self) -> Prompt:
        """Ask the question just answered once more; the prompt it displaced comes after it.

        Before any answer (or twice in a row) it simply restarts the current prompt.
        """
        if self._just_answered and self.last is not None:
            if self.current is not None:
                self._queue.appendleft(self.current)
            self.current = replace(self.last.prompt, attempt=self.last.prompt.attempt + 1, reason=None)
            self._hints = []
            self._model_shown = False
            self._just_answered = False
            return self.current
        return self._require()

    def hint(self) -> Hint | None:
        """One hint for one key point of the current prompt not hinted yet.

        On a retry, points missed last time come first; otherwise rubric order.
        """
        prompt = self._require()
        q = prompt.question
        order = list(q.key_points)
        if prompt.attempt > 1 and self.last is not None and self.last.prompt.question.id == q.id:
            missed = {k.id for k in self.last.result.key_points if not k.covered}
            order = [kp for kp in order if kp.id in missed] + [kp for kp in order if kp.id not in missed]
        for kp in order:
            if kp.hint and kp.id not in self._hints:
                self._hints.append(kp.id)
                self._just_answered = False
                return Hint(kp, kp.hint)
        return None

    def model_target(self) -> Prompt:
        """The prompt /model is about: the one just answered, else the current one."""
        if self._just_answered and self.last is not None:
            return self.last.prompt
        prompt = self._require()
        self._model_shown = True
        return prompt

    def quit(self) -> None:
        self._queue.clear()
        self.current = None

    def _require(self) -> Prompt:
        if self.current is None:
            raise InputError("the session is over")
        return self.current


# --- driving a session for a UI ---------------------------------------------------------------

COMMANDS = {
    "hint": "힌트 하나 (놓치기 쉬운 포인트 하나의 방향)",
    "skip": "이 질문 건너뛰기",
    "again": "방금 답한 질문에 다시 답하기",
    "model": "모범 답안 보기 (방금 답한 질문, 답하기 전이면 지금 질문)",
    "help": "명령과 키 안내",
    "quit": "끝내기 (Ctrl-D도 같음)",
}
ALIASES = {
    "힌트": "hint", "h": "hint", "?": "help",
    "건너뛰기": "skip", "패스": "skip", "넘기기": "skip",
    "다시": "again", "재시도": "again",
    "모범": "model", "모범답안": "model", "답안": "model",
    "도움": "help", "도움말": "help",
    "종료": "quit", "끝": "quit", "q": "quit", "exit": "quit",
}

# Two-set (두벌식) keyboard: typing "/hint" with the Korean IME on gives "/ㅗㅑㅜㅅ"; map it back.
_KEYS = {
    "ㄱ": "r", "ㄲ": "R", "ㄴ": "s", "ㄷ": "e", "ㄸ": "E", "ㄹ": "f", "ㅁ": "a", "ㅂ": "q", "ㅃ": "Q",
    "ㅅ": "t", "ㅆ": "T", "ㅇ": "d", "ㅈ": "w", "ㅉ": "W", "ㅊ": "c", "ㅋ": "z", "ㅌ": "x", "ㅍ": "v",
    "ㅎ": "g", "ㅏ": "k", "ㅐ": "o", "ㅑ": "i", "ㅒ": "O", "ㅓ": "j", "ㅔ": "p", "ㅕ": "u", "ㅖ": "P",
    "ㅗ": "h", "ㅘ": "hk", "ㅙ": "ho", "ㅚ": "hl", "ㅛ": "y", "ㅜ": "n", "ㅝ": "nj", "ㅞ": "np",
    "ㅟ": "nl", "ㅠ": "b", "ㅡ": "m", "ㅢ": "ml", "ㅣ": "l", "ㄳ": "rt", "ㄵ": "sw", "ㄶ": "sg",
    "ㄺ": "fr", "ㄻ": "fa", "ㄼ": "fq", "ㄽ": "ft", "ㄾ": "fx", "ㄿ": "fv", "ㅀ": "fg", "ㅄ": "qt",
}
_CHO = "ㄱㄲㄴㄷㄸㄹㅁㅂㅃㅅㅆㅇㅈㅉㅊㅋㅌㅍㅎ"
_JUNG = "ㅏㅐㅑㅒㅓㅔㅕㅖㅗㅘㅙㅚㅛㅜㅝㅞㅟㅠㅡㅢㅣ"
_JONG = ["", *"ㄱㄲㄳㄴㄵㄶㄷㄹㄺㄻㄼㄽㄾㄿㅀㅁㅂㅄㅅㅆㅇㅈㅊㅋㅌㅍㅎ"]


def qwerty(text: str) -> str:
    """What ``text`` would be with the IME off: '벼ㅑㅅ' -> 'quit'."""
    out = []
    for ch in text:
        if "가" <= ch <= "힣":
            i = ord(ch) - 0xAC00
            jamo = (_CHO[i // 588], _JUNG[(i % 588) // 28], _JONG[i % 28])
            out.extend(_KEYS[j] for j in jamo if j)
        else:
            out.append(_KEYS.get(ch, ch))
    return "".join(out).lower()


def parse_command(line: str) -> str | None:
    """'/hint', '/힌트', '/ㅗㅑㅜㅅ' -> 'hint'; '/nope' -> '?nope'; an answer -> None."""
    text = line.strip()
    if not text.startswith("/") or "\n" in text:
        return None
    word = text[1:].strip()
    if not word:
        return "?"
    for candidate in (word.lower(), qwerty(word)):
        if candidate in COMMANDS:
            return candidate
        if candidate in ALIASES:
            return ALIASES[candidate]
    return "?" + word


@dataclass
class Reply:
    text: str
    done: bool = False


@dataclass
class Status:
    """What the toolbar shows."""

    number: int
    total: int
    follow_up: bool
    attempt: int
    elapsed: float  # seconds since the current prompt was shown
    answered: int


@dataclass
class Practice:
    """One practice session for a UI: input lines in, text to show out, transcript on disk.

    ``scorer`` returns the scorer, waiting for Kiwi the first time; ``scoring_ready`` says
    whether that wait is over (so the UI can say "채점 준비 중…" first). ``warm_up`` is called
    once the first question is on screen, to start loading Kiwi.
    """

    session: Session
    scorer: Callable[[], object]
    writer: object | None = None  # a TranscriptWriter (None: nothing recorded)
    color: bool = False
    scoring_ready: Callable[[], bool] = lambda: True
    warm_up: Callable[[], None] = lambda: None
    clock: Callable[[], float] = time.monotonic
    now: Callable[[], str] | None = None  # wall time as ISO 8601 for the transcript (default: local time)
    _asked_at: float = field(default=0.0, init=False)
    _asked_iso: str = field(default="", init=False)
    _n: int = field(default=0, init=False)
    _scores: list = field(default_factory=list, init=False)
    _warmed: bool = field(default=False, init=False)

    def __post_init__(self):
        if self.now is None:
            from .transcript import now_iso

            self.now = now_iso
        self._restart_timer()

    # -- what the UI shows -------------------------------------------------------------

    def opening(self) -> str:
        s = self.session
        return f"질문 {len(s.questions)}개 · 답변 후 Enter로 제출 · 명령은 /help\n\n" + self.render_prompt(s.current)

    def started(self) -> None:
        """The first question is on screen: start what can load in the background."""
        if not self._warmed:
            self._warmed = True
            self.warm_up()

    def status(self) -> Status:
        s = self.session
        cur = s.current
        return Status(
            number=cur.number if cur else len(s.questions),
            total=len(s.questions),
            follow_up=bool(cur and cur.is_follow_up),
            attempt=cur.attempt if cur else 1,
            elapsed=self.clock() - self._asked_at,
            answered=len(s.turns),
        )

    def render_prompt(self, prompt: Prompt | None) -> str:
        from .feedback import Paint

        p = Paint(self.color)
        if prompt is None:
            return ""
        q = prompt.question
        lines = []
        if prompt.is_follow_up:
            says_why = prompt.reason and not states_its_reason(q.prompt)
            lines.append(p("↳ 꼬리질문" + (f" — {prompt.reason}" if says_why else ""), "cyan"))
        else:
            meta = " · ".join(x for x in (", ".join(q.tags), q.level or "") if x)
            lines.append(p(f"[{prompt.number}/{prompt.total}] {q.id}" + (f" · {meta}" if meta else ""), "dim"))
        if prompt.attempt > 1:
            lines.append(p(f"다시 답해 보세요 ({prompt.attempt}번째)", "yellow"))
        lines.append(p("Q. ", "bold") + q.prompt)
        return "\n".join(lines)

    # -- input --------------------------------------------------------------------------

    def handle(self, line: str) -> Reply:
        """One line (or multi-line answer) from the user.

        Ctrl-C is ignored while this runs: an answer is scored, written and fsynced as one step,
        and there is no input left to cancel.
        """
        # A terminal can deliver undecodable bytes as lone surrogates; Kiwi cannot take those.
        line = line.encode("utf-8", "replace").decode("utf-8")
        with _sigint_ignored():
            return self._handle(line)

    def _handle(self, line: str) -> Reply:
        if self.session.done:
            return Reply("", done=True)
        command = parse_command(line)
        if command is None:
            if not line.strip():
                return Reply("")  # an empty Enter is not an answer
            return self._answer(line)
        if command.startswith("?"):
            word = command[1:]
            return Reply(f"알 수 없는 명령{' /' + word if word else ''} — /help 로 명령을 볼 수 있어요.")
        return getattr(self, "_cmd_" + command)()

    def _answer(self, text: str) -> Reply:
        s = self.session
        prompt = s.current
        submitted = self.clock()
        seconds = submitted - self._asked_at
        answered_iso = self.now()
        scorer = self.scorer()
        t0 = self.clock()
        analysis = scorer.analyze(text)
        result = scorer.score_analysis(prompt.question, analysis)
        scoring_ms = (self.clock() - t0) * 1000
        from .delivery import delivery_notes

        delivery = delivery_notes(analysis, result, seconds)
        turn = s.answer(text, result)
        self._n += 1
        if self.writer is not None:
            # Durable before anything is shown: a crash after this line loses no answer.
            self.writer.append(self._answer_record(turn, delivery, seconds, answered_iso, scoring_ms))
        self._scores.append(result.score)
        parts = [self.render_feedback(turn, delivery)]
        if s.done:
            parts.append(self._finish())
            return Reply("\n\n".join(parts), done=True)
        self._restart_timer()
        parts.append(self.render_prompt(s.current))
        return Reply("\n\n".join(parts))

    def _answer_record(self, turn: Turn, delivery, seconds: float, answered_iso: str, scoring_ms: float) -> dict:
        p = turn.prompt
        return {
            "type": "answer",
            "n": self._n,
            "question": p.question.id,
            "main": p.main.id,
            "follow_up": None if p.follow_up is None else {
                "index": p.follow_up,
                "key_point": p.parent.follow_ups[p.follow_up].key_point,
                "when": p.parent.follow_ups[p.follow_up].when,
                "reason": p.reason,
            },
            "number": p.number,
            "attempt": p.attempt,
            "prompt": p.question.prompt,
            "answer": turn.answer,
            "asked_at": self._asked_iso,
            "answered_at": answered_iso,
            "seconds": round(seconds, 2),
            "scoring_ms": round(scoring_ms, 1),
            "hints": list(turn.hints),
            "model_shown": turn.model_shown,
            "follow_ups_triggered": [f.question.id for f in turn.follow_ups],
            "result": turn.result.to_json(),
            "delivery": delivery.to_json(),
        }

    def render_feedback(self, turn: Turn, delivery) -> str:
        from .delivery import render_delivery
        from .feedback import render_result

        text = render_result(turn.result, turn.prompt.question, color=self.color)
        return text + "\n" + render_delivery(delivery, color=self.color, follow_up=turn.prompt.follow_up is not None)

    def _restart_timer(self) -> None:
        self._asked_at = self.clock()
        self._asked_iso = self.now()

    # -- commands -----------------------------------------------------------------------

    def _cmd_hint(self) -> Reply:
        hint = self.session.hint()
        if hint is None:
            return Reply("더 드릴 힌트가 없어요. 아는 만큼 답해 보거나 /skip 하세요.")
        return Reply(f"힌트: {hint.text}")

    def _cmd_skip(self) -> Reply:
        prompt = self.session.skip()
        if self.writer is not None:
            self.writer.append({
                "type": "skip",
                "question": prompt.question.id,
                "main": prompt.main.id,
                "number": prompt.number,
                "attempt": prompt.attempt,
                "asked_at": self._asked_iso,
                "skipped_at": self.now(),
            })
        if self.session.done:
            return Reply("건너뛰었어요.\n\n" + self._finish(), done=True)
        self._restart_timer()
        return Reply("건너뛰었어요.\n\n" + self.render_prompt(self.session.current))

    def _cmd_again(self) -> Reply:
        prompt = self.session.again()
        self._restart_timer()
        return Reply(self.render_prompt(prompt))

    def _cmd_model(self) -> Reply:
        from .feedback import Paint

        p = Paint(self.color)
        prompt = self.session.model_target()
        q, note = prompt.question, ""
        if not q.model_answer and prompt.is_follow_up:
            q, note = prompt.parent, "꼬리질문에는 모범 답안이 없어 본 질문의 것을 보여 드려요.\n"
        if not q.model_answer:
            return Reply(f"'{q.id}'에는 모범 답안이 없어요.")
        return Reply(note + p(f"모범 답안 — {q.id}", "bold") + "\n" + q.model_answer)

    def _cmd_help(self) -> Reply:
        return Reply(help_text())

    def _cmd_quit(self) -> Reply:
        return Reply(self.quit(), done=True)

    # -- ending -------------------------------------------------------------------------

    def quit(self) -> str:
        """End the session now (/quit, Ctrl-D, end of input). Returns the closing text."""
        self.session.quit()
        return self._finish()

    def _finish(self) -> str:
        s = self.session
        writer = self.writer
        lines = [f"연습 끝 — 답변 {len(s.turns)}개" + (f", 건너뜀 {len(s.skipped)}개" if s.skipped else "")]
        if self._scores:
            lines[0] += f", 평균 점수 {sum(self._scores) / len(self._scores) * 100:.0f}%"
        if writer is not None:
            if s.turns or s.skipped:
                writer.append({"type": "end", "ended_at": self.now(), "answers": len(s.turns),
                               "skipped": len(s.skipped)})
                writer.close()
                lines.append(f"기록: {writer.path}")
            else:
                writer.discard()  # a session with nothing in it leaves no file behind
                lines.append("답변이 없어 기록을 남기지 않았어요.")
            self.writer = None
        return "\n".join(lines)


KEYS = (
    ("Enter", "답변 제출"),
    ("Alt-Enter (= Esc Enter), Ctrl-J", "줄바꿈 (여러 줄 답변)"),
    ("↑ ↓", "줄 이동, 첫/끝 줄에서는 이전 답변"),
    ("Ctrl-C", "입력 지우기"),
    ("Ctrl-D (빈 줄에서)", "끝내기"),
)


def _pad(text: str, width: int) -> str:
    """Pad to ``width`` terminal columns (Hangul takes two)."""
    import unicodedata

    used = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)
    return text + " " * max(1, width - used)


@contextmanager
def _sigint_ignored():
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def help_text() -> str:
    lines = ["명령 (한글 자판 그대로 쳐도 됩니다: /ㅗㅑㅜㅅ = /hint)"]
    lines += [f"  /{name:<6} {desc}" for name, desc in COMMANDS.items()]
    lines += ["키"] + [f"  {_pad(key, 32)} {desc}" for key, desc in KEYS]
    return "\n".join(lines)

