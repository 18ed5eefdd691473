"""Labeled answers and accuracy: the one implementation behind ``bench/accuracy.py`` and
``interviewer rubric eval``.

A labels file is JSONL, one answer per line (docs/labels.md):
  {"question": ID, "answer": TEXT, "covered": [KP…], "contradicted": [KP…], "style": "spoken"}
Key points not listed were missed. ``"#N"`` may stand for the N-th key point of the question.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from .errors import InputError
from .rubric import Rubric
from .transcript import jsonl_lines


@dataclass(frozen=True)
class Label:
    question: str
    answer: str
    covered: frozenset[str]
    contradicted: frozenset[str]
    style: str = ""
    source: str = ""  # file:line

    def __post_init__(self):
        both = self.covered & self.contradicted
        if both:
            raise InputError(f"{self.source}: key point(s) both covered and contradicted: {', '.join(sorted(both))}")


def load_labels(paths: Iterable[str | Path], rubric: Rubric, only_rubric_questions: bool = False) -> list[Label]:
    """Labeled answers, checked against ``rubric``. ``only_rubric_questions``: leave out the
    answers to questions the rubric does not have (a rubric covering some of a labeled set)."""
    labels: list[Label] = []
    for path in paths:
        path = Path(path)
        try:
            lines = jsonl_lines(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise InputError(f"{path}: file not found") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(f"{path}: cannot read: {exc}") from None
        for no, line in enumerate(lines, 1):
            if not line.strip():
                continue
            where = f"{path}:{no}"
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                if no == len(lines):
                    import sys

                    print(f"warning: {where}: partial last line skipped", file=sys.stderr)
                    continue
                raise InputError(f"{where}: invalid JSON: {exc.msg}") from None
            if only_rubric_questions and isinstance(obj, dict) and isinstance(obj.get("question"), str) \
                    and obj["question"] not in rubric:
                continue
            labels.append(_label(obj, where, rubric))
    return labels


def _label(obj, where: str, rubric: Rubric) -> Label:
    if not isinstance(obj, dict):
        raise InputError(f"{where}: expected a JSON object")
    qid, answer = obj.get("question"), obj.get("answer")
    if not isinstance(qid, str) or qid not in rubric:
        raise InputError(f"{where}: question: unknown question id {qid!r}")
    if not isinstance(answer, str):
        raise InputError(f"{where}: answer: must be a string")
    q = rubric.question(qid)
    ids = [kp.id for kp in q.key_points]

    def resolve(field_name: str) -> frozenset[str]:
        value = obj.get(field_name, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise InputError(f"{where}: {field_name}: must be a list of key point ids")
        out = set()
        for v in value:
            if v.startswith("#") and v[1:].isdigit() and 1 <= int(v[1:]) <= len(ids):
                v = ids[int(v[1:]) - 1]
            if v not in ids:
                raise InputError(f"{where}: {field_name}: unknown key point {v!r} of question {qid!r}")
            out.add(v)
        return frozenset(out)

    return Label(qid, answer, resolve("covered"), resolve("contradicted"), str(obj.get("style", "")), where)


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    contradicted: int = 0  # labeled contradicted key points
    contradicted_credited: int = 0  # … that were credited as covered anyway
    contradicted_flagged: int = 0  # … that were reported as contradicted

    def add(self, other: "Counts") -> None:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def credited_rate(self) -> float:
        return self.contradicted_credited / self.contradicted if self.contradicted else 0.0

    def to_json(self) -> dict:
        return {
            "tp": self.tp, "fp": self.fp, "fn": self.fn,
            "precision": round(self.precision, 4), "recall": round(self.recall, 4), "f1": round(self.f1, 4),
            "contradicted": self.contradicted,
            "contradicted_credited": self.contradicted_credited,
            "contradicted_credited_rate": round(self.credited_rate, 4),
            "contradicted_flagged": self.contradicted_flagged,
        }


@dataclass(frozen=True)
class Prediction:
    covered: frozenset[str]
    contradicted: frozenset[str] = frozenset()


@dataclass
class Report:
    overall: Counts = field(default_factory=Counts)
    by_key_point: dict = field(default_factory=lambda: defaultdict(Counts))  # (qid, kp) -> Counts
    by_style: dict = field(default_factory=lambda: defaultdict(Counts))


def compare(label: Label, pred: Prediction, key_points: Iterable[str]) -> dict[str, Counts]:
    """Per key point counts for one answer."""
    out = {}
    for kp in key_points:
        c = Counts()
        truth, said = kp in label.covered, kp in pred.covered
        c.tp, c.fp, c.fn = int(truth and said), int(said and not truth), int(truth and not said)
        if kp in label.contradicted:
            c.contradicted = 1
            c.contradicted_credited = int(said)
            c.contradicted_flagged = int(kp in pred.contradicted)
        out[kp] = c
    return out


def evaluate(labels: list[Label], predict: Callable[[Label], Prediction], rubric: Rubric) -> Report:
    report = Report()
    for label in labels:
        pred = predict(label)
        ids = [kp.id for kp in rubric.question(label.question).key_points]
        for kp, c in compare(label, pred, ids).items():
            report.overall.add(c)
            report.by_key_point[(label.question, kp)].add(c)
            report.by_style[label.style or "-"].add(c)
    return report


def prediction_of(result) -> Prediction:
    """A ScoreResult as a Prediction."""
    return Prediction(
        frozenset(k.id for k in result.key_points if k.covered),
        frozenset(k.id for k in result.key_points if k.contradicted),
    )
