"""Rubric tuning: where the scorer and a human disagree, and what a rubric edit would change.

- :func:`run_eval` scores every labeled answer once (Kiwi, then the match statistics) and compares
  the aggregate with the labels through :mod:`interviewer.evaluate`, the same code behind
  ``bench/accuracy.py``, so the two print the same numbers. It lists every false positive with
  the evidence and the phrase that earned it, and every false negative with its best near miss.
- :func:`sweep` re-aggregates those same statistics at other thresholds: Kiwi never runs again.
- :func:`suggest` proposes phrases (checked against every labeled answer of the question) and
  glossary entries from the answer's own words around the near miss, for answers a human
  marked covered and the scorer missed.
- :func:`rescore_diff` lists, answer by answer and point by point, what an edited rubric changes
  in past transcripts (:func:`transcript_answers`, :func:`score_answers`).

Rendering for the terminal is at the end (``render_*``); the commands only parse and print.
"""

from __future__ import annotations

import dataclasses
import itertools
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from .errors import InputError
from .evaluate import Counts, Label, Report, compare, evaluate, prediction_of
from .rubric import Question, Rubric

COVERED, MISSED, CONTRADICTED = "covered", "missed", "contradicted"
MARK = {COVERED: "✓", MISSED: "✗", CONTRADICTED: "⚠", None: "·"}


def verdict(covered: bool, contradicted: bool) -> str:
    return COVERED if covered else CONTRADICTED if contradicted else MISSED


def label_verdict(label: Label, kp: str) -> str:
    return verdict(kp in label.covered, kp in label.contradicted)


def with_follow_ups(rubric: Rubric) -> Rubric:
    """The rubric plus its follow-up questions under the ids transcripts record them by
    (``seed-sigmoid/follow-up-1``), so follow-up answers can be labeled, evaluated and rescored."""
    extra = tuple(
        q.follow_up_question(i) for q in rubric.questions for i, fu in enumerate(q.follow_ups) if fu.key_points
    )
    extra = tuple(q for q in extra if q.id not in rubric)
    if not extra:
        return rubric
    return Rubric(rubric.questions + extra, rubric.glossary, rubric.digest, rubric.files)


# --- scoring labeled answers once ------------------------------------------------------------


@dataclass(frozen=True)
class Scored:
    """One labeled answer after step one (analysis, match statistics) and step two (result)."""

    label: Label
    analysis: object  # AnswerAnalysis
    match: object  # QuestionMatch
    result: object  # ScoreResult at the scorer's own settings


def score_labels(labels: list[Label], scorer) -> list[Scored]:
    """Analyse (Kiwi, in batches) and match every labeled answer once."""
    out = []
    for label, analysis in zip(labels, scorer.analyze_many(lb.answer for lb in labels)):
        match = scorer.match(label.question, analysis)
        out.append(Scored(label, analysis, match, scorer.aggregate(match)))
    return out


@dataclass(frozen=True)
class Window:
    """A phrase's best window in an answer: the text it matched and how well."""

    phrase: str
    score: float
    text: str
    start: int
    end: int
    concept: str | None = None  # glossary concept the phrase was expanded from

    def to_json(self) -> dict:
        return {"phrase": self.phrase, "similarity": round(self.score, 4), "text": self.text,
                "start": self.start, "end": self.end, "concept": self.concept}


def _best_span(match, kp_index: int, polarity: str):
    best = None
    for target, stats in zip(match.targets, match.stats):
        if target.owner != "kp" or target.index != kp_index:
            continue
        span = stats.support if polarity == "support" else stats.conflict
        if span is not None and (best is None or span.score > best.score):
            best = span  # '>' keeps the first of equals, as max() does in aggregate
    return None if best is None else (best, match.targets[best.target])


def best_window(match, kp_index: int, polarity: str = "support") -> Window | None:
    """The best supporting (or contradicting) window of any phrase of key point ``kp_index``:
    the same span :func:`interviewer.scoring.aggregate.aggregate` compares with the threshold."""
    found = _best_span(match, kp_index, polarity)
    if found is None:
        return None
    span, t = found
    return Window(t.text, span.score, match.text[span.start:span.end], span.start, span.end, t.expanded_from)


# --- eval -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Disagreement:
    """One (answer, key point) where the scorer and the label differ on 'covered'."""

    source: str  # labels file:line
    question: str
    key_point: str
    name: str  # the key point's label
    answer: str
    human: str  # covered | missed | contradicted
    machine: str
    window: Window | None  # false positive: what earned the point; false negative: the best near miss
    conflict: Window | None = None  # false negative the scorer called contradicted: why

    @property
    def kind(self) -> str:
        return "false_positive" if self.machine == COVERED else "false_negative"

    def to_json(self) -> dict:
        return {
            "source": self.source, "question": self.question, "key_point": self.key_point, "label": self.name,
            "answer": self.answer, "human": self.human, "machine": self.machine,
            ("evidence" if self.kind == "false_positive" else "near_miss"): self.window.to_json() if self.window else None,
            "conflict": self.conflict.to_json() if self.conflict else None,
        }


@dataclass
class EvalResult:
    report: Report
    scored: list[Scored]
    disagreements: list[Disagreement]
    rubric: Rubric
    signature: str
    threshold: float

    def key_points(self) -> list[tuple[Question, object, Counts]]:
        """(question, key point, counts) in rubric order, for key points that have labels."""
        out = []
        for q in self.rubric.questions:
            for kp in q.key_points:
                if (q.id, kp.id) in self.report.by_key_point:
                    out.append((q, kp, self.report.by_key_point[(q.id, kp.id)]))
        return out

    @property
    def false_positives(self) -> list[Disagreement]:
        return [d for d in self.disagreements if d.kind == "false_positive"]

    @property
    def false_negatives(self) -> list[Disagreement]:
        return [d for d in self.disagreements if d.kind == "false_negative"]

    def to_json(self) -> dict:
        return {
            "answers": len(self.scored),
            "threshold": self.threshold,
            "signature": self.signature,
            "overall": self.report.overall.to_json(),
            "key_points": [{"question": q.id, "key_point": kp.id, "label": kp.label, **c.to_json()}
                           for q, kp, c in self.key_points()],
            "false_positives": [d.to_json() for d in self.false_positives],
            "false_negatives": [d.to_json() for d in self.false_negatives],
        }


def run_eval(labels: list[Label], scorer, scored: list[Scored] | None = None) -> EvalResult:
    """Compare the scorer with the labels: the numbers of ``bench/accuracy.py`` plus every
    disagreement with its evidence."""
    scored = scored if scored is not None else score_labels(labels, scorer)
    by_label = {id(s.label): s for s in scored}
    report = evaluate([s.label for s in scored], lambda lb: prediction_of(by_label[id(lb)].result), scorer.rubric)
    disagreements = []
    for s in scored:
        for i, kp in enumerate(s.result.key_points):
            human = label_verdict(s.label, kp.id)
            machine = verdict(kp.covered, kp.contradicted)
            if (human == COVERED) == (machine == COVERED):
                continue
            conflict = None
            if machine == CONTRADICTED and kp.evidence is not None:
                conflict = Window(kp.phrase or "", kp.similarity, kp.evidence.text, kp.evidence.start, kp.evidence.end)
            disagreements.append(Disagreement(
                s.label.source, s.label.question, kp.id, kp.label, s.label.answer, human, machine,
                best_window(s.match, i, "support"), conflict,
            ))
    return EvalResult(report, scored, disagreements, scorer.rubric, scorer.signature, scorer.settings.threshold)


# --- sweep ------------------------------------------------------------------------------------


def default_thresholds(settings) -> tuple[float, ...]:
    """From the match floor (windows below it are not kept) to 1.0 in steps of 0.05, plus the
    current threshold."""
    grid = {round(settings.floor + 0.05 * i, 2) for i in range(int(round((1.0 - settings.floor) / 0.05)) + 1)}
    grid = {t for t in grid if settings.floor <= t <= 1.0}
    return tuple(sorted(grid | {settings.threshold}))


def best_threshold(f1s: Iterable[float], thresholds: Iterable[float], current: float) -> tuple[float, float]:
    """The threshold with the highest F1; among equals the one nearest the current setting,
    then the higher one (fewer false positives). Returns (threshold, F1)."""
    pairs = list(zip(thresholds, f1s))
    t, f = max(pairs, key=lambda p: (p[1], -round(abs(p[0] - current), 9), p[0]))  # round: 0.7 and 0.9 are equally near 0.8
    return t, f


@dataclass(frozen=True)
class SweepRow:
    question: str  # '' for the overall row
    key_point: str
    name: str
    f1: tuple[float, ...]  # one per threshold
    best: float
    best_f1: float
    current_f1: float

    def to_json(self, thresholds) -> dict:
        return {"question": self.question or None, "key_point": self.key_point, "label": self.name,
                "f1": {f"{t:g}": round(f, 4) for t, f in zip(thresholds, self.f1)},
                "best_threshold": self.best, "best_f1": round(self.best_f1, 4), "current_f1": round(self.current_f1, 4)}


@dataclass(frozen=True)
class Sweep:
    thresholds: tuple[float, ...]
    current: float
    rows: tuple[SweepRow, ...]
    overall: SweepRow
    reports: tuple[Report, ...]  # one per threshold

    def to_json(self) -> dict:
        return {"thresholds": list(self.thresholds), "current": self.current,
                "overall": self.overall.to_json(self.thresholds),
                "key_points": [r.to_json(self.thresholds) for r in self.rows]}


def sweep(scored: list[Scored], scorer, thresholds: Iterable[float] | None = None) -> Sweep:
    """F1 per key point and overall at each threshold, by re-running only the pure aggregate
    over the match statistics already computed (no Kiwi, no matching)."""
    base = scorer.settings
    if thresholds is None:
        thresholds = default_thresholds(base)
    thresholds = tuple(sorted(set(thresholds) | {base.threshold}))
    for t in thresholds:
        if not base.floor <= t <= 1.0:
            raise InputError(f"threshold {t:g} is outside [{base.floor:g}, 1]: windows below the floor are not kept")
    labels = [s.label for s in scored]
    reports = []
    for t in thresholds:
        settings = dataclasses.replace(base, threshold=t)
        predictions = {id(s.label): prediction_of(scorer.aggregate(s.match, settings)) for s in scored}
        reports.append(evaluate(labels, lambda lb: predictions[id(lb)], scorer.rubric))
    current = base.threshold

    def row(qid, kpid, name, counts: list[Counts]) -> SweepRow:
        f1 = tuple(c.f1 for c in counts)
        bt, bf = best_threshold(f1, thresholds, current)
        return SweepRow(qid, kpid, name, f1, bt, bf, f1[thresholds.index(current)])

    rows = []
    for q in scorer.rubric.questions:
        for kp in q.key_points:
            if (q.id, kp.id) in reports[0].by_key_point:
                rows.append(row(q.id, kp.id, kp.label, [r.by_key_point[(q.id, kp.id)] for r in reports]))
    overall = row("", "overall", "", [r.overall for r in reports])
    return Sweep(thresholds, current, tuple(rows), overall, tuple(reports))


# --- suggest ----------------------------------------------------------------------------------

MAX_PHRASE_UNITS = 4  # docs/rubric-format.md: phrases of 1–4 content words


@dataclass(frozen=True)
class Candidate:
    """A rubric edit for the author to accept: a phrase for the key point, or a glossary entry."""

    kind: str  # 'phrase' | 'synonym'
    text: str  # the phrase, or the answer's word to add to the glossary
    where: str  # file:line to edit
    group: str | None = None  # synonym: the glossary group to extend (None: a new group)
    partner: str | None = None  # synonym: the phrase word it stands for
    fixes: tuple[str, ...] = ()  # phrase: labeled-covered answers it would credit (label sources)
    breaks: tuple[str, ...] = ()  # phrase: answers labeled not covered that it would credit
    checked: int = 0  # phrase: labeled answers of the question it was matched against

    def to_json(self) -> dict:
        out = {"kind": self.kind, "text": self.text, "where": self.where}
        if self.kind == "phrase":
            out.update(fixes=list(self.fixes), breaks=list(self.breaks), checked=self.checked)
        else:
            out.update(group=self.group, partner=self.partner)
        return out


@dataclass(frozen=True)
class Miss:
    source: str
    answer: str
    machine: str
    near: Window | None

    def to_json(self) -> dict:
        return {"source": self.source, "answer": self.answer, "machine": self.machine,
                "near_miss": self.near.to_json() if self.near else None}


@dataclass(frozen=True)
class Suggestion:
    question: str
    key_point: str
    name: str
    where: str  # the key point in its rubric file
    misses: tuple[Miss, ...]
    candidates: tuple[Candidate, ...]

    def to_json(self) -> dict:
        return {"question": self.question, "key_point": self.key_point, "label": self.name, "where": self.where,
                "misses": [m.to_json() for m in self.misses], "candidates": [c.to_json() for c in self.candidates]}


def suggest(scored: list[Scored], scorer, per_point: int = 3) -> list[Suggestion]:
    """For answers labeled covered that the scorer did not credit: candidate phrases cut from the
    answer's own words around the best near miss (each one checked by matching it against every
    labeled answer of the question) and glossary entries pairing the near miss's unmatched word
    with the answer's word in its place."""
    from .scoring.match import LIGHT_KEYS, compile_phrase, similarity_matrix

    by_question: dict[str, list[Scored]] = {}
    for s in scored:
        by_question.setdefault(s.label.question, []).append(s)
    groups: dict[tuple[str, str], list[tuple[Scored, int]]] = {}
    for s in scored:
        for i, kp in enumerate(s.result.key_points):
            if kp.id in s.label.covered and not kp.covered:
                groups.setdefault((s.label.question, kp.id), []).append((s, i))

    out = []
    trials = itertools.count(1)
    for q in scorer.rubric.questions:
        for kp_index, kp in enumerate(q.key_points):
            missed = groups.get((q.id, kp.id))
            if not missed:
                continue
            where = f"{q.file}:{kp.line}" if q.file else kp.id
            texts: dict[str, None] = {}
            synonyms: dict[tuple[str, str | None, str], None] = {}
            misses = []
            for s, i in missed:
                near = best_window(s.match, i, "support")
                r = s.result.key_points[i]
                misses.append(Miss(s.label.source, s.label.answer, verdict(r.covered, r.contradicted), near))
                for text in _phrase_candidates(s, i, near, scorer, LIGHT_KEYS, similarity_matrix):
                    texts.setdefault(text)
                for entry in _synonym_candidates(s, i, scorer, LIGHT_KEYS):
                    synonyms.setdefault(entry)
            candidates = []
            for text in texts:
                if text in kp.phrases:
                    continue
                analysis = next(scorer.analyze_many([text]))
                target = compile_phrase(text, analysis, scorer.glossary, "kp", kp_index)
                if target is None or len([k for k in target.keys if k not in LIGHT_KEYS]) < 2:
                    continue  # one content word is too broad a phrase (the scorer's own rule)
                same_question = by_question.get(q.id, [])
                fixes, breaks = _check_phrase(q, kp, text, same_question, scorer, next(trials))
                if fixes:
                    candidates.append(Candidate("phrase", text, where, fixes=fixes, breaks=breaks,
                                                checked=len(same_question)))
            candidates.sort(key=lambda c: (-(len(c.fixes) - len(c.breaks)), len(c.breaks), len(c.text)))
            candidates = candidates[:per_point]
            for word, group, partner in synonyms:
                gw = _group_where(scorer.rubric.glossary, group)
                candidates.append(Candidate("synonym", word, gw, group=group, partner=partner))
            out.append(Suggestion(q.id, kp.id, kp.label, where, tuple(misses), tuple(candidates)))
    return out


def _group_where(glossary, group: str | None) -> str:
    for g in glossary.synonyms:
        if g.id == group:
            return f"{g.file}:{g.line}" if g.file else g.id
    return "glossary.yaml (new synonyms group)"


def _check_phrase(question: Question, kp, text: str, scored: list[Scored], scorer, n: int):
    """Which labeled answers of ``question`` the key point would newly be credited on with
    ``text`` added to its phrases: (fixes, breaks) as label sources."""
    new_kps = tuple(dataclasses.replace(k, phrases=k.phrases + (text,)) if k.id == kp.id else k
                    for k in question.key_points)
    # A fresh id: the scorer caches compiled questions by id.
    trial = dataclasses.replace(question, id=f"{question.id}#suggest-{n}", key_points=new_kps)
    fixes, breaks = [], []
    for s in scored:
        before = next(k for k in s.result.key_points if k.id == kp.id)
        if before.covered:
            continue
        after = next(k for k in scorer.aggregate(scorer.match(trial, s.analysis)).key_points if k.id == kp.id)
        if after.covered:
            (fixes if kp.id in s.label.covered else breaks).append(s.label.source)
    return tuple(fixes), tuple(breaks)


def _phrase_candidates(s: Scored, kp_index: int, near: Window | None, scorer, light, similarity_matrix) -> list[str]:
    """Runs of the answer's content words, in the clause around the near miss, that hold every
    word the key point's phrases reached there (and maybe words they did not): shortest first."""
    units = scorer.glossary.canonical(s.analysis)
    anchor = _anchor(s, units, kp_index, near, scorer, similarity_matrix)
    if not anchor:
        return []
    a = s.analysis
    lo, hi = a.clause_start(min(units[j].first for j in anchor)), a.clause_end(max(units[j].last for j in anchor))
    content = [j for j, u in enumerate(units) if u.first >= lo and u.last <= hi and u.key not in light]
    if not content:
        return []
    anchor_set = set(anchor)
    at = [p for p, j in enumerate(content) if j in anchor_set]
    if not at:  # the phrase reached light words only: start from the nearest content word
        at = [min(range(len(content)), key=lambda p: abs(content[p] - anchor[0]))]
    lo_p, hi_p = min(at), max(at)
    out = []
    for size in range(hi_p - lo_p + 1, max(MAX_PHRASE_UNITS, hi_p - lo_p + 1) + 1):
        for start in range(max(0, hi_p - size + 1), min(lo_p, len(content) - size) + 1):
            run = content[start:start + size]
            out.append(_surface(a, units[run[0]].start, units[run[-1]].end, units[run[-1]].last))
    return [t for t in dict.fromkeys(out) if t]


def _anchor(s: Scored, units, kp_index: int, near: Window | None, scorer, similarity_matrix) -> list[int]:
    """Indices (into the canonical units) of the answer words the key point's phrases reached."""
    if near is not None:
        return [j for j, u in enumerate(units) if u.start >= near.start and u.end <= near.end]
    if not units:
        return []
    # No window reached the floor: any answer word that matches a word of the key point's phrases.
    cq = scorer.compiled(s.match.question)
    rows = []
    for ti, t in enumerate(cq.targets):
        if t.owner == "kp" and t.index == kp_index:
            rows.extend(range(int(cq.row_start[ti]), int(cq.row_start[ti] + cq.row_count[ti])))
    if not rows:
        return []
    hit = (similarity_matrix(cq, units)[rows] > 0).any(axis=0)
    return [j for j in range(len(units)) if hit[j]]


def _surface(analysis, start: int, end: int, last_morph: int) -> str:
    """The answer text from ``start`` to ``end``, plus a negator that follows in the same clause
    ('사라지지 않아', so the phrase keeps the answer's polarity); a predicate runs to the end
    of its word ('싸요', not '싸')."""
    text = analysis.text
    stop = analysis.clause_end(last_morph)
    negators = [k for k in analysis.negators if last_morph < k < stop]
    if negators:
        end = max(end, analysis.morphs[negators[-1]].end)
    if negators or analysis.morphs[last_morph].tag in ("VV", "VA"):
        while end < len(text) and not text[end].isspace() and text[end] not in ".,!?;:…。":
            end += 1
    return " ".join(text[start:end].split())


def _pos_class(tag: str) -> str:
    return {"VV": "verb", "VA": "adjective"}.get(tag, "noun")


def _word(analysis, unit) -> tuple[str, str]:
    """How a unit is written in a glossary (predicates in their -다 form) and its word class."""
    tag = analysis.morphs[unit.last].tag
    cls = _pos_class(tag)
    text = analysis.text[unit.start:unit.end] if cls == "noun" else analysis.morphs[unit.last].lemma or unit.key + "다"
    return text, cls


def _synonym_candidates(s: Scored, kp_index: int, scorer, light) -> list[tuple[str, str | None, str]]:
    """(answer word, glossary group or None, phrase word): when the near-miss phrase missed
    exactly one of its words, and the answer has exactly one other content word of the same
    class (noun, verb, adjective) in that window's clause, the two may mean the same here."""
    found = _best_span(s.match, kp_index, "support")
    if found is None:
        return []
    span, target = found
    units = scorer.glossary.canonical(s.analysis)
    inside = [j for j, u in enumerate(units) if u.start >= span.start and u.end <= span.end]
    if not inside:
        return []
    a = s.analysis
    lo, hi = a.clause_start(units[inside[0]].first), a.clause_end(units[inside[-1]].last)
    clause = [j for j, u in enumerate(units) if u.first >= lo and u.last <= hi]
    matched = {units[j].key for j in inside}
    missing = [k for k in target.keys if k not in matched and k not in light]
    if len(missing) != 1:
        return []
    phrase = scorer.analyze(target.text)
    p_units = [u for u in scorer.glossary.canonical(phrase) if u.key == missing[0]]
    if not p_units:
        return []
    partner, cls = _word(phrase, p_units[0])
    extra = [j for j in clause if j not in inside and units[j].key not in light and not units[j].key.startswith("@")
             and _word(a, units[j])[1] == cls]
    if len(extra) != 1:
        return []
    word, _ = _word(a, units[extra[0]])
    group = missing[0][1:] if missing[0].startswith("@") else None
    return [(word, group, partner)]


# --- rescore ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class TranscriptAnswer:
    transcript: str  # path
    session: str
    turn: int  # the answer's "n" in the transcript
    question: str
    answer: str
    recorded: dict  # the result as recorded
    rubric: str | None = None  # the rubric path the session used (None: the bundled bank)

    @property
    def where(self) -> str:
        return f"{Path(self.transcript).name}#{self.turn}"


def transcript_answers(paths: Iterable[str | Path]) -> list[TranscriptAnswer]:
    """Every answer of the given transcripts (files, or directories of them), in order."""
    from .transcript import list_transcripts, read_transcript

    files: list[Path] = []
    for p in paths:
        p = Path(p)
        if p.is_dir():
            found = list_transcripts(p)
            if not found:
                raise InputError(f"{p}: no transcripts (*.jsonl) in this directory")
            files += found
        else:
            files.append(p)
    out = []
    for f in files:
        t = read_transcript(f)
        used = (t.header.get("rubric") or {}).get("path")
        for r in t.answers:
            if isinstance(r.get("question"), str) and isinstance(r.get("answer"), str):
                out.append(TranscriptAnswer(str(f), t.session, int(r.get("n") or 0), r["question"], r["answer"],
                                            r.get("result") or {}, used))
    return out


def score_answers(items: list[TranscriptAnswer], scorer) -> list:
    """Score transcript answers; None where the rubric has no such question."""
    rubric = scorer.rubric
    known = [it for it in items if it.question in rubric]
    results = dict(zip((id(it) for it in known), scorer.score_many((it.question, it.answer) for it in known)))
    return [results.get(id(it)) for it in items]


@dataclass(frozen=True)
class PointChange:
    key_point: str
    name: str
    before: str | None  # covered | missed | contradicted; None: no such key point
    after: str | None
    evidence: str | None  # what the new rubric matched (or, for a lost point, what the base one did)
    phrase: str | None
    evidence_from: str | None = None  # 'new' | 'base'

    def to_json(self) -> dict:
        return {"key_point": self.key_point, "label": self.name, "before": self.before, "after": self.after,
                "evidence": self.evidence, "phrase": self.phrase, "evidence_from": self.evidence_from}


@dataclass(frozen=True)
class AnswerChange:
    item: TranscriptAnswer
    before: float | None  # score; None: the question is not in that rubric
    after: float | None
    points: tuple[PointChange, ...]

    def to_json(self) -> dict:
        return {"transcript": self.item.transcript, "turn": self.item.turn, "question": self.item.question,
                "answer": self.item.answer, "score_before": _round(self.before), "score_after": _round(self.after),
                "points": [p.to_json() for p in self.points]}


def _round(x):
    return None if x is None else round(x, 4)


@dataclass
class RescoreReport:
    answers: int
    changes: list[AnswerChange]
    drift: int  # answers whose base re-score differs from what the transcript recorded
    base: str
    new: str

    def transitions(self) -> dict[tuple, int]:
        out: dict[tuple, int] = {}
        for c in self.changes:
            for p in c.points:
                out[(p.before, p.after)] = out.get((p.before, p.after), 0) + 1
        return dict(sorted(out.items(), key=lambda kv: -kv[1]))

    def to_json(self) -> dict:
        return {"answers": self.answers, "changed": len(self.changes), "drift": self.drift,
                "base": self.base, "new": self.new,
                "transitions": [{"before": b, "after": a, "count": n} for (b, a), n in self.transitions().items()],
                "changes": [c.to_json() for c in self.changes]}


def _verdicts(result) -> dict[str, object]:
    return {k.id: k for k in result.key_points} if result is not None else {}


def rescore_diff(items: list[TranscriptAnswer], before: list, after: list, base: str = "", new: str = "") -> RescoreReport:
    """What changes, answer by answer and key point by key point, between two scorings of the
    same transcript answers (``before`` / ``after`` from :func:`score_answers`)."""
    changes = []
    drift = 0
    for it, b, a in zip(items, before, after):
        if b is not None and it.recorded.get("key_points") is not None:
            recorded = {k.get("id"): verdict(bool(k.get("covered")), bool(k.get("contradicted")))
                        for k in it.recorded["key_points"]}
            if recorded != {k.id: verdict(k.covered, k.contradicted) for k in b.key_points}:
                drift += 1
        if b is None and a is None:
            continue
        kb, ka = _verdicts(b), _verdicts(a)
        points = []
        for kid in list(kb) + [k for k in ka if k not in kb]:
            x, y = kb.get(kid), ka.get(kid)
            vx = verdict(x.covered, x.contradicted) if x else None
            vy = verdict(y.covered, y.contradicted) if y else None
            if vx == vy:
                continue
            side, shown = ("new", y) if (y is not None and y.evidence is not None) else ("base", x)
            has = shown is not None and shown.evidence is not None
            points.append(PointChange(kid, (y or x).label, vx, vy, shown.evidence.text if has else None,
                                      shown.phrase if has else None, side if has else None))
        sb, sa = (b.score if b else None), (a.score if a else None)
        if points or sb is None or sa is None or abs(sb - sa) > 1e-9:
            changes.append(AnswerChange(it, sb, sa, tuple(points)))
    return RescoreReport(len(items), changes, drift, base, new)


# --- text for the terminal --------------------------------------------------------------------


def _q(text: str, width: int = 90) -> str:
    text = " ".join(text.split())
    return '"' + (text if len(text) <= width else text[: width - 1] + "…") + '"'


def _window(w: Window | None, threshold: float, what: str) -> str:
    if w is None:
        return f"{what}: no phrase came near (no window reached the match floor)" if what == "near miss" else f"{what}: -"
    via = f" (via concept {w.concept})" if w.concept else ""
    rel = ">=" if w.score >= threshold else "<"
    return f"{what}: {_q(w.text)} ← '{w.phrase}'{via} {w.score:.2f} {rel} {threshold:g}"


def render_eval(res: EvalResult) -> str:
    o = res.report.overall
    pairs = o.tp + o.fp + o.fn
    lines = [
        f"rubric eval: {len(res.scored)} answers, {sum(len(res.rubric.question(s.label.question).key_points) for s in res.scored)}"
        f" key-point judgements, threshold {res.threshold:g}",
        f"signature: {res.signature}",
        "",
    ]
    rows = [(f"{q.id}/{kp.id}", kp.label, c) for q, kp, c in res.key_points()]
    idw = max([len(r[0]) for r in rows] + [len("overall")])
    head = f"{'key point':<{idw}}  {'TP':>3} {'FP':>3} {'FN':>3}  {'P':>6} {'R':>6} {'F1':>6}  {'contra→credited':>15}  label"
    lines += [head, "-" * len(head)]

    def line(name, c: Counts, label=""):
        cc = f"{c.contradicted_credited}/{c.contradicted}" if c.contradicted else "-"
        return (f"{name:<{idw}}  {c.tp:>3} {c.fp:>3} {c.fn:>3}  {c.precision:6.3f} {c.recall:6.3f} {c.f1:6.3f}"
                f"  {cc:>15}  {label}").rstrip()

    for name, label, c in rows:
        lines.append(line(name, c, label))
    lines.append("-" * len(head))
    lines.append(line("overall", o))
    lines.append("")
    lines.append(f"overall  P {o.precision:.3f}  R {o.recall:.3f}  F1 {o.f1:.3f}  "
                 f"(TP {o.tp}, FP {o.fp}, FN {o.fn} of {pairs} judgements that count)")
    lines.append(f"contradictions credited {o.contradicted_credited}/{o.contradicted} ({o.credited_rate:.1%}), "
                 f"flagged ⚠ {o.contradicted_flagged}/{o.contradicted}")
    fps, fns = res.false_positives, res.false_negatives
    lines.append("")
    lines.append(f"false positives ({len(fps)}): the scorer credited a point the label does not")
    for d in fps:
        lines += [f"  {d.source}  {d.question}/{d.key_point} ({d.name})  label: {d.human}",
                  f"    answer:   {_q(d.answer)}",
                  "    " + _window(d.window, res.threshold, "evidence")]
    lines.append("")
    lines.append(f"false negatives ({len(fns)}): the label says covered, the scorer did not credit it")
    for d in fns:
        lines += [f"  {d.source}  {d.question}/{d.key_point} ({d.name})  scorer: {d.machine}",
                  f"    answer:    {_q(d.answer)}",
                  "    " + _window(d.window, res.threshold, "near miss")]
        if d.conflict is not None:
            lines.append(f"    read as the opposite: {_q(d.conflict.text)} ← '{d.conflict.phrase}' {d.conflict.score:.2f}")
    return "\n".join(lines)


def render_sweep(sw: Sweep) -> str:
    cols = "".join(f"{t:>6.2f}" for t in sw.thresholds)
    rows = [(f"{r.question}/{r.key_point}", r) for r in sw.rows] + [("overall", sw.overall)]
    idw = max(len(n) for n, _ in rows)
    rule = "-" * (idw + len(cols) + 8)
    lines = [f"sweep: F1 by threshold (now {sw.current:g}); one match per answer, re-aggregated per threshold",
             f"{'key point':<{idw}}{cols}   best", rule]
    for name, r in rows:
        if name == "overall":
            lines.append(rule)
        f1s = "".join(f"{f:6.3f}" for f in r.f1)
        change = "" if r.best == sw.current else f"  (F1 {r.current_f1:.3f} at {sw.current:g})"
        lines.append(f"{name:<{idw}}{f1s}   {r.best:g} → F1 {r.best_f1:.3f}{change}")
    return "\n".join(lines)


def render_suggestions(suggestions: list[Suggestion], threshold: float) -> str:
    if not suggestions:
        return "suggest: no answer is labeled covered where the scorer missed it: nothing to suggest"
    lines = []
    n_missed = sum(len(s.misses) for s in suggestions)
    lines.append(f"suggest: {n_missed} answer(s) labeled covered that the scorer missed, in {len(suggestions)} key point(s)")
    for s in suggestions:
        lines.append("")
        lines.append(f"{s.question}/{s.key_point} ({s.name})  — {s.where}")
        for m in s.misses:
            lines.append(f"  {m.source}  scorer: {m.machine}")
            lines.append(f"    answer:    {_q(m.answer)}")
            lines.append("    " + _window(m.near, threshold, "near miss"))
        phrases = [c for c in s.candidates if c.kind == "phrase"]
        synonyms = [c for c in s.candidates if c.kind == "synonym"]
        if not phrases and not synonyms:
            lines.append("  no candidate: the answer shares no word with this key point's phrases; write a phrase by hand")
        for c in phrases:
            fixed = f"credits {len(c.fixes)} of {len(s.misses)} missed"
            broke = f", {len(c.breaks)} new false positive(s) ({', '.join(c.breaks)})" if c.breaks else ", no new false positive"
            lines.append(f"  + phrase:  {c.text!r}  — {fixed}{broke} (checked on {c.checked} labeled answer(s) of the question)")
            lines.append(f"      add to {c.where} phrases: [..., {_yaml_str(c.text)}]")
        for c in synonyms:
            if c.group:
                lines.append(f"  + glossary: {c.text!r} ≈ group {c.group} — add to {c.where} terms: [..., {_yaml_str(c.text)}]"
                             "  (not checked: run rubric eval after adding)")
            else:
                lines.append(f"  + glossary: {c.text!r} ≈ {c.partner!r} — new synonyms group in glossary.yaml: "
                             f"terms: [{_yaml_str(c.partner)}, {_yaml_str(c.text)}]  (not checked: run rubric eval after adding)")
    return "\n".join(lines)


def _yaml_str(s: str | None) -> str:
    import json

    return json.dumps(s, ensure_ascii=False)


def render_rescore(rep: RescoreReport) -> str:
    lines = [f"rescore: {rep.answers} answer(s); base {rep.base} → new {rep.new}"]
    if rep.drift:
        lines.append(f"note: {rep.drift} answer(s) score differently today under the base rubric than when recorded "
                     "(the scorer or rubric changed since); below compares today's base with the new rubric")
    for c in rep.changes:
        it = c.item
        sb = "-" if c.before is None else f"{c.before * 100:.0f}%"
        sa = "-" if c.after is None else f"{c.after * 100:.0f}%"
        lines.append("")
        lines.append(f"{it.where}  {it.question}  score {sb} → {sa}")
        lines.append(f"  answer: {_q(it.answer)}")
        if c.before is None:
            lines.append("  (question not in the base rubric)")
        if c.after is None:
            lines.append("  (question not in the new rubric)")
        for p in c.points:
            ev = f"  {'now' if p.evidence_from == 'new' else 'was'} {_q(p.evidence, 60)} ← '{p.phrase}'" if p.evidence else ""
            lines.append(f"  {p.key_point} ({p.name}): {p.before or 'absent'} → {p.after or 'absent'}{ev}")
    lines.append("")
    if not rep.changes:
        lines.append(f"no change: all {rep.answers} answer(s) score the same under the new rubric")
    else:
        moves = ", ".join(f"{n} {b or 'absent'}→{a or 'absent'}" for (b, a), n in rep.transitions().items())
        n_points = sum(len(c.points) for c in rep.changes)
        lines.append(f"{len(rep.changes)} of {rep.answers} answer(s) change; {n_points} key point(s): {moves or 'scores only'}")
    return "\n".join(lines)
