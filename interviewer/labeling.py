"""Labeling a practice session in the terminal (``interviewer review SESSION --label``).

For each answer of the session, the answer and the machine's verdict per key point (covered /
missed / contradicted, with its evidence) are shown, and the person confirms or corrects each
one. An answer's labels are appended to ``<session>.labels.jsonl`` next to the transcript, in
the labels format of docs/labels.md (the one ``bench/accuracy.py`` and ``rubric eval`` read),
and fsynced before the next answer is shown. The transcript is only read, never written.
Running it again resumes: answers already in the labels file are skipped.

:class:`LabelWalk` is the walk-through as a plain state machine (tests drive it with strings);
:func:`run_labeling` wires it to a terminal or any line stream.
"""

from __future__ import annotations

import json
import os
import signal
import sys
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, TextIO

from .errors import TranscriptError
from .transcript import fsync_dir, json_line, jsonl_lines

COVERED, MISSED, CONTRADICTED = "covered", "missed", "contradicted"
NAMES = {COVERED: "언급함", MISSED: "놓침", CONTRADICTED: "모순", None: "기록 없음"}
MARKS = {COVERED: "✓", MISSED: "✗", CONTRADICTED: "⚠", None: "·"}
LABELS_SUFFIX = ".labels.jsonl"

KEYS_HELP = """\
키 (입력 후 Enter; 한글 자판 그대로 쳐도 됩니다: ㅊ = c)
  Enter, y   채점기 판단이 맞음 (기록이 없으면 '놓침')
  c          언급함 (covered)
  m          놓침 (missed)
  x          모순: 반대로 말함 (contradicted)
  b          이 답변의 앞 포인트로
  a          이 답변의 나머지 포인트는 채점기 판단대로
  s          이 답변 건너뛰기 (저장 안 함, 다음에 다시 나옴)
  q, Ctrl-D  여기까지 저장하고 끝내기 (다시 실행하면 이어서)
  Ctrl-C     끝내기 (지금 답변은 저장 안 함)
  ?          이 도움말
저장한 답변을 다시 라벨링하려면 라벨 파일에서 그 줄을 지우고 다시 실행하세요."""

ACTIONS = {
    "": "accept", "y": "accept", "ok": "accept",
    "c": COVERED, "covered": COVERED,
    "m": MISSED, "missed": MISSED,
    "x": CONTRADICTED, "contradicted": CONTRADICTED,
    "b": "back", "a": "accept-rest", "s": "skip", "q": "quit", "?": "help", "h": "help",
}


def labels_path(transcript: Path | str) -> Path:
    """``2025-03-01_210405.jsonl`` -> ``2025-03-01_210405.labels.jsonl`` (same folder)."""
    p = Path(transcript)
    return p.with_name(p.name[: -len(".jsonl")] + LABELS_SUFFIX if p.name.endswith(".jsonl") else p.name + LABELS_SUFFIX)


# --- what there is to label ------------------------------------------------------------------


@dataclass(frozen=True)
class PointItem:
    id: str
    label: str
    machine: str | None  # the recorded verdict; None when the record has no such key point
    similarity: float = 0.0
    evidence: str | None = None
    phrase: str | None = None


@dataclass(frozen=True)
class AnswerItem:
    turn: int
    question: str
    prompt: str
    answer: str
    points: tuple[PointItem, ...]
    signature: str = ""

    def machine(self) -> dict[str, str | None]:
        return {p.id: p.machine for p in self.points}


def answer_items(transcript, rubric) -> tuple[list[AnswerItem], list[str]]:
    """The session's answers with the rubric's key points and the recorded verdicts, and a note
    for each answer that cannot be labeled against ``rubric``."""
    items, notes = [], []
    for rec in transcript.answers:
        qid, text, turn = rec.get("question"), rec.get("answer"), rec.get("n")
        if not isinstance(qid, str) or not isinstance(text, str) or not isinstance(turn, int):
            notes.append(f"answer {turn!r}: not a complete answer record, skipped")
            continue
        if qid not in rubric:
            notes.append(f"answer {turn}: question {qid!r} is not in the rubric, skipped")
            continue
        q = rubric.question(qid)
        result = rec.get("result") or {}
        recorded = {k.get("id"): k for k in result.get("key_points") or [] if isinstance(k, dict)}
        points = []
        for kp in q.key_points:
            r = recorded.get(kp.id)
            if r is None:
                points.append(PointItem(kp.id, kp.label, None))
                continue
            machine = COVERED if r.get("covered") else CONTRADICTED if r.get("contradicted") else MISSED
            ev = r.get("evidence") or {}
            points.append(PointItem(kp.id, kp.label, machine, float(r.get("similarity") or 0.0),
                                    ev.get("text") if isinstance(ev, dict) else None, r.get("phrase")))
        items.append(AnswerItem(turn, qid, rec.get("prompt") or q.prompt, text, tuple(points),
                                str(result.get("signature") or "")))
    return items, notes


def labeled_turns(path: Path, session: str) -> set[int]:
    """Turns of ``session`` already in the labels file (a torn last line is not a label)."""
    try:
        lines = jsonl_lines(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return set()
    except (OSError, UnicodeDecodeError) as exc:
        raise TranscriptError(f"{path}: cannot read labels: {exc}") from None
    turns = set()
    for line in lines:
        try:
            obj = json.loads(line)
        except json.JSONDecodeError:
            continue
        if isinstance(obj, dict) and obj.get("session") == session and isinstance(obj.get("turn"), int):
            turns.add(obj["turn"])
    return turns


def label_record(item: AnswerItem, choices: dict[str, str], session: str, labeled_at: str) -> dict:
    """One labels line (docs/labels.md), with where it came from and what the machine said."""
    ids = [p.id for p in item.points]
    machine = item.machine()
    return {
        "question": item.question,
        "answer": item.answer,
        "covered": [k for k in ids if choices[k] == COVERED],
        "contradicted": [k for k in ids if choices[k] == CONTRADICTED],
        "session": session,
        "turn": item.turn,
        "labeled_at": labeled_at,
        "machine": {
            "covered": [k for k in ids if machine[k] == COVERED],
            "contradicted": [k for k in ids if machine[k] == CONTRADICTED],
            "signature": item.signature,
        },
    }


# --- the walk-through as a state machine -----------------------------------------------------


@dataclass
class Step:
    """What one key press did: text to show, a finished answer to save, or the end."""

    text: str = ""
    save: tuple[AnswerItem, dict[str, str]] | None = None
    done: bool = False


@dataclass
class LabelWalk:
    items: list[AnswerItem]
    answer: int = 0
    point: int = 0
    choices: dict[str, str] = field(default_factory=dict)
    saved: int = 0
    skipped: int = 0

    @property
    def done(self) -> bool:
        return self.answer >= len(self.items)

    @property
    def current(self) -> AnswerItem:
        return self.items[self.answer]

    def default(self, p: PointItem) -> str:
        return p.machine or MISSED

    def show_answer(self) -> str:
        it = self.current
        lines = [f"── 답변 {self.answer + 1}/{len(self.items)} · {it.turn}번째 답 · {it.question} " + "─" * 20,
                 f"Q. {it.prompt}", f"A. {it.answer}", "채점기 판단:"]
        for n, p in enumerate(it.points, 1):
            lines.append(f"  {n}. {MARKS[p.machine]} {p.label} — {NAMES[p.machine]}{_why(p)}")
        return "\n".join(lines)

    def prompt(self) -> str:
        p = self.current.points[self.point]
        n = len(self.current.points)
        return (f"[{self.point + 1}/{n}] {p.label} · 채점기 {MARKS[p.machine]} {NAMES[p.machine]} · "
                f"Enter={NAMES[self.default(p)]} c/m/x ? > ")

    def start(self) -> str:
        return self.show_answer() if not self.done else ""

    def press(self, key: str) -> Step:
        if self.done:
            return Step(done=True)
        action = parse_key(key)
        p = self.current.points[self.point]
        if action is None:
            return Step(f"모르는 키 {key.strip()!r} — ? 를 누르면 키 안내가 나와요")
        if action == "help":
            return Step(KEYS_HELP)
        if action == "quit":
            return Step(done=True)
        if action == "skip":
            self.skipped += 1
            return self._next("건너뛰었어요 (저장 안 함).")
        if action == "back":
            if self.point == 0:
                return Step("이 답변의 첫 포인트예요. 저장한 답변은 라벨 파일에서 그 줄을 지우고 다시 실행해 고칩니다.")
            self.point -= 1
            return Step()
        if action == "accept-rest":
            for q in self.current.points[self.point:]:
                self.choices[q.id] = self.default(q)
            self.point = len(self.current.points)
        else:
            self.choices[p.id] = self.default(p) if action == "accept" else action
            self.point += 1
        if self.point < len(self.current.points):
            return Step()
        item, choices = self.current, {q.id: self.choices[q.id] for q in self.current.points}
        self.saved += 1
        summary = "저장: " + "  ".join(f"{MARKS[choices[q.id]]} {q.id}" for q in item.points)
        step = self._next(summary)
        step.save = (item, choices)
        return step

    def _next(self, message: str) -> Step:
        self.answer += 1
        self.point = 0
        self.choices = {}
        if self.done:
            return Step(message, done=True)
        return Step(message + "\n\n" + self.show_answer())


def parse_key(key: str) -> str | None:
    from .session import qwerty

    word = key.strip()
    for candidate in (word.lower(), qwerty(word)):
        if candidate in ACTIONS:
            return ACTIONS[candidate]
    return None


def _why(p: PointItem) -> str:
    if p.machine in (COVERED, CONTRADICTED) and p.evidence:
        via = f" ← '{p.phrase}'" if p.phrase else ""
        return f'  "{p.evidence}"{via} {p.similarity:.2f}'
    if p.machine == MISSED and p.phrase:
        return f"  (가장 가까운 구 '{p.phrase}' {p.similarity:.2f})"
    return ""


# --- the labels file ---------------------------------------------------------------------------


class LabelsWriter:
    """Appends whole label lines to the labels file, each fsynced before returning."""

    def __init__(self, path: Path):
        self.path = path
        self._fd: int | None = None

    def _open(self) -> int:
        if self._fd is None:
            new = not self.path.exists()
            try:
                self._fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND | getattr(os, "O_CLOEXEC", 0), 0o644)
            except OSError as exc:
                raise TranscriptError(f"{self.path}: cannot write labels: {exc.strerror}") from None
            if new:
                fsync_dir(self.path.parent)
        return self._fd

    def append(self, record: dict) -> None:
        data = json_line(record)
        with _sigint_deferred():  # a Ctrl-C now lands after the line is whole and on disk
            fd = self._open()
            try:
                view = memoryview(data)
                while view:
                    view = view[os.write(fd, view):]
                os.fsync(fd)
            except OSError as exc:
                raise TranscriptError(f"{self.path}: cannot write labels: {exc.strerror}") from None

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


def repair_tail(path: Path, warn: TextIO) -> None:
    """Cut a torn last line (power lost mid-write) so the next label starts on a line of its own."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return
    except OSError as exc:
        raise TranscriptError(f"{path}: cannot read labels: {exc.strerror}") from None
    if not data or data.endswith(b"\n"):
        return
    keep = data.rfind(b"\n") + 1
    print(f"warning: {path}: removing a partial last line (cut off while it was written)", file=warn)
    try:
        with open(path, "r+b") as f:
            f.truncate(keep)
            f.flush()
            os.fsync(f.fileno())
    except OSError as exc:
        raise TranscriptError(f"{path}: cannot repair labels: {exc.strerror}") from None


@contextmanager
def _sigint_deferred():
    if not hasattr(signal, "pthread_sigmask"):  # pragma: no cover - not POSIX
        yield
        return
    old = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


# --- the terminal loop ---------------------------------------------------------------------------


@dataclass(frozen=True)
class LabelingResult:
    path: Path
    saved: int
    already: int
    skipped: int
    remaining: int
    interrupted: bool = False
    rubric_path: str | None = None  # for the eval command shown at the end


def line_reader(stdin: TextIO, stdout: TextIO) -> Callable[[str], str]:
    """``input()`` on a terminal (line editing); otherwise read a line and echo it."""
    if stdin is sys.stdin and stdin.isatty() and stdout.isatty():
        return input

    def read(prompt: str) -> str:
        stdout.write(prompt)
        stdout.flush()
        line = stdin.readline()
        if not line:
            raise EOFError
        line = line.rstrip("\r\n")
        stdout.write(line + "\n")
        return line

    return read


def run_labeling(transcript_path: Path | str, rubric, stdin: TextIO | None = None, stdout: TextIO | None = None,
                 read: Callable[[str], str] | None = None, labels: Path | None = None,
                 now: Callable[[], str] | None = None, rubric_path: str | None = None) -> LabelingResult:
    """Walk through one session's answers and save labels as they are confirmed."""
    from .transcript import now_iso, read_transcript

    stdin = stdin or sys.stdin
    stdout = stdout or sys.stdout
    read = read or line_reader(stdin, stdout)
    now = now or now_iso
    transcript = read_transcript(transcript_path)
    path = Path(labels) if labels else labels_path(transcript_path)
    items, notes = answer_items(transcript, rubric)
    repair_tail(path, sys.stderr)
    done = labeled_turns(path, transcript.session)
    todo = [it for it in items if it.turn not in done]
    out = stdout
    for note in notes:
        print(f"note: {note}", file=out)
    head = f"라벨링: {transcript.path} ({len(items)}개 답변"
    if done:
        head += f", 이미 라벨링한 {len(items) - len(todo)}개는 건너뜀"
    print(head + f") → {path}", file=out)
    if not todo:
        print("라벨링할 답변이 없어요.", file=out)
        return LabelingResult(path, 0, len(items) - len(todo), 0, 0, rubric_path=rubric_path)
    print("Enter = 채점기 판단이 맞음 · c 언급함 · m 놓침 · x 모순 · ? 키 안내\n", file=out)
    walk = LabelWalk(todo)
    writer = LabelsWriter(path)
    interrupted = False
    print(walk.start(), file=out)
    try:
        while not walk.done:
            try:
                key = read(walk.prompt())
            except EOFError:
                print(file=out)
                break
            except KeyboardInterrupt:
                print(file=out)
                interrupted = True
                break
            step = walk.press(key)
            if step.save is not None:
                item, choices = step.save
                writer.append(label_record(item, choices, transcript.session, now()))
            if step.text:
                print(step.text, file=out)
            if step.done:
                break
    finally:
        writer.close()
    remaining = len(todo) - walk.saved - walk.skipped
    result = LabelingResult(path, walk.saved, len(items) - len(todo), walk.skipped, remaining, interrupted, rubric_path)
    print(summary(result), file=out)
    out.flush()
    return result


def summary(r: LabelingResult) -> str:
    lines = [f"라벨 {r.saved}개 답변 저장: {r.path}"]
    if r.remaining or r.skipped:
        lines.append(f"남은 답변 {r.remaining + r.skipped}개 — 같은 명령을 다시 실행하면 이어서 합니다.")
    if r.saved or r.already:
        rubric = f" --rubric {r.rubric_path}" if r.rubric_path else ""
        lines.append(f"평가: interviewer rubric eval{rubric} --labels {r.path}")
    return "\n".join(lines)


def label_session(transcript_path: Path | str, rubric_path: str | None = None) -> int:
    """``review SESSION --label``: label one session on this terminal. The rubric is
    ``rubric_path``, else the one the session recorded (else the bundled bank). Returns the exit
    code: 0, or 130 after Ctrl-C."""
    from .rubric import load_rubric
    from .transcript import read_transcript
    from .tuning import with_follow_ups

    if rubric_path is None:
        rubric_path = (read_transcript(transcript_path).header.get("rubric") or {}).get("path")
    rubric = with_follow_ups(load_rubric(rubric_path))
    result = run_labeling(transcript_path, rubric, rubric_path=rubric_path)
    return 130 if result.interrupted else 0
