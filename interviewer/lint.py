"""Rubric tooling as a library: lint findings, example self-tests, cross-question false
positives, and a listing of a bank. ``interviewer rubric`` renders these; nothing here prints.

Three layers:

* :func:`load_sources` reads every rubric file on its own, so that one broken file is one
  finding and the rest are still checked. It keeps each file's :class:`YamlDoc` so every
  finding, example and phrase can be reported at its own line.
* :func:`lint` adds the semantic checks (see :data:`CODES`). The phrase checks use the real
  scorer: phrases are compared by their normalised content units after glossary synonyms
  (``Scorer.compiled(question).targets``), and a phrase is called *generic* by measuring it:
  the share of unrelated answers (model answers and examples of questions with other tags) that
  it matches at the scorer's threshold.
* :func:`check_examples` and :func:`cross_question` score example answers with one
  :class:`~interviewer.scoring.scorer.Scorer`.
"""

from __future__ import annotations

import functools
import hashlib
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from .errors import RubricError
from .glossary import Glossary, load_glossary
from .rubric import Question, Rubric, bank_dir, is_glossary, parse_rubric_doc, rubric_files
from .yamlfile import YamlDoc, read_yaml

SEVERITIES = ("error", "warning")

# code -> (severity, what it means). docs/rubric-tools.md explains each one.
CODES: dict[str, tuple[str, str]] = {
    "yaml": ("error", "the file is not readable YAML (or uses a tag such as !!python/object)"),
    "schema": ("error", "the file does not match rubric.schema.json / glossary.schema.json"),
    "duplicate-id": ("error", "a question, key point or misconception id is used twice"),
    "unknown-key-point": ("error", "a follow-up names a key point the question does not have"),
    "unknown-contradicts": ("error", "a misconception's 'contradicts' names an unknown key point"),
    "empty-phrase": ("error", "a phrase has no content words after analysis, so it never matches"),
    "shared-phrase": ("error", "two key points (or a key point and a misconception) of one question "
                               "have a phrase that normalises the same"),
    "glossary-overlap": ("error", "one term (after analysis) is in two synonym groups, or one phrase "
                                  "in two concepts"),
    "glossary-empty-term": ("error", "a glossary term has no content words after analysis"),
    "generic-phrase": ("warning", "a phrase matches more than the allowed share of unrelated answers"),
    "redundant-phrase": ("warning", "a phrase has the same content words as another phrase of its key point"),
    "long-phrase": ("warning", "a phrase has more content words than a spoken answer usually repeats"),
    "like-reading": ("warning", "'같은' right after a noun reads as 'like' and is dropped ('exp 같은 연산'), "
                     "so a phrase meant as 'the same' loses that word"),
    "few-phrases": ("warning", "a key point has fewer than 2 phrases"),
    "no-hint": ("warning", "a key point has no hint"),
    "no-examples": ("warning", "a key point lacks a positive or a negative example"),
    "key-point-count": ("warning", "a question has fewer than 2 or more than 6 key points"),
    "incomplete-question": ("warning", "a question has no tags, level or model answer"),
}


@dataclass(frozen=True)
class Finding:
    file: str
    line: int
    severity: str
    code: str
    message: str

    def __post_init__(self):
        if self.severity not in SEVERITIES:
            raise ValueError(f"severity must be one of {SEVERITIES}, got {self.severity!r}")
        if not self.message:
            raise ValueError("a finding needs a message")
        if self.line < 1:
            raise ValueError(f"line must be >= 1, got {self.line}")

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.severity}: {self.code}: {self.message}"

    def to_json(self) -> dict:
        return {"file": self.file, "line": self.line, "severity": self.severity, "code": self.code,
                "message": self.message}


def finding(file, line: int, code: str, message: str) -> Finding:
    return Finding(str(file), max(1, int(line)), CODES[code][0], code, message)


def _sort_key(f: Finding):
    return (f.file, f.line, SEVERITIES.index(f.severity), f.code, f.message)


@dataclass(frozen=True)
class LintSettings:
    generic_share: float = 0.05  # a phrase matching more than this share of unrelated answers is generic
    min_corpus: int = 10  # fewer unrelated answers than this: the share is not measured
    long_phrase: int = 5  # more content units than this: long-phrase
    min_phrases: int = 2
    key_points: tuple[int, int] = (2, 6)

    def __post_init__(self):
        if not 0.0 < self.generic_share <= 1.0:
            raise ValueError(f"generic_share must be in (0, 1], got {self.generic_share}")
        if self.min_corpus < 1 or self.long_phrase < 1 or self.min_phrases < 1:
            raise ValueError("min_corpus, long_phrase and min_phrases must be >= 1")

    def to_json(self) -> dict:
        return {"generic_share": self.generic_share, "min_corpus": self.min_corpus,
                "long_phrase": self.long_phrase, "min_phrases": self.min_phrases,
                "key_points": list(self.key_points)}


# --- loading, one file at a time ------------------------------------------------------------


@dataclass(frozen=True)
class Place:
    """Where a question (or a follow-up, scored as a question) sits in its file."""

    doc: YamlDoc
    at: tuple  # ("questions", 3) or ("questions", 3, "follow_ups", 0)
    root: str  # the top-level question id
    tags: frozenset[str]

    def line(self, *path) -> int:
        return self.doc.line(self.at + tuple(path))

    @property
    def file(self) -> str:
        return str(self.doc.path)


@dataclass(frozen=True)
class Sources:
    """A rubric path read file by file: what loaded, what did not, and where everything is."""

    path: Path
    files: tuple[Path, ...]
    questions: tuple[Question, ...]  # loadable, with unique ids, in file order
    places: dict = field(repr=False)  # question id (also 'id/follow-up-N') -> Place
    findings: tuple[Finding, ...]  # from loading and the checks that need no analyzer
    load_errors: tuple[str, ...]  # messages that make load_rubric() refuse this path
    glossary: Glossary | None  # None when a glossary file failed to load
    glossary_files: tuple[Path, ...]  # glossary files applied (bank's, then local)
    glossary_scope: tuple[Path, ...]  # glossary files being linted (those under PATH)
    digest: str

    @property
    def rubric(self) -> Rubric | None:
        """The loadable part as a Rubric (None when the glossary did not load)."""
        if self.glossary is None:
            return None
        return Rubric(self.questions, self.glossary, self.digest, tuple(str(f) for f in self.files))

    def place(self, question: Question | str) -> Place:
        return self.places[question if isinstance(question, str) else question.id]

    def follow_ups(self, question: Question) -> list[Question]:
        return [question.follow_up_question(i) for i in range(len(question.follow_ups))]

    def all_questions(self) -> list[Question]:
        """Every question, each followed by its follow-ups (scored as questions of their own)."""
        out = []
        for q in self.questions:
            out.append(q)
            out.extend(self.follow_ups(q))
        return out

    def strict(self) -> Rubric:
        """The rubric exactly as ``load_rubric`` would give it, or its first error."""
        if self.load_errors:
            more = len(self.load_errors) - 1
            tail = f" (+{more} more; run `interviewer rubric lint` to see all)" if more else ""
            raise RubricError(self.load_errors[0] + tail)
        return self.rubric


def load_sources(path: Path | str | None = None) -> Sources:
    """Read a rubric file or directory (default: the bundled bank) without stopping at the first
    broken file. Raises :class:`RubricError` only when ``path`` itself is unusable."""
    path = Path(path) if path is not None else bank_dir()
    if path.is_file() and is_glossary(path):
        files: list[Path] = []  # linting a glossary on its own
    else:
        files = rubric_files(path)
    findings: list[Finding] = []
    load_errors: list[str] = []
    questions: list[Question] = []
    places: dict[str, Place] = {}
    first_seen: dict[str, tuple[str, int]] = {}
    digest = hashlib.sha256()
    for f in files:
        try:
            doc = read_yaml(f)
        except RubricError as exc:
            findings.append(_error_finding(f, "yaml", str(exc)))
            load_errors.append(str(exc))
            continue
        # Same bytes as load_rubric hashes, so signatures agree with `interviewer score`.
        digest.update(f.name.encode() + b"\0" + doc.text.encode() + b"\0")
        raw = _raw_checks(doc)
        dup_ids = _duplicate_question_ids(doc, first_seen)
        findings += raw + dup_ids
        load_errors += [f"{x.file}:{x.line}: {x.message}" for x in dup_ids]
        try:
            parsed = parse_rubric_doc(doc)
        except RubricError as exc:
            load_errors.append(str(exc))
            err = _error_finding(f, "schema", str(exc))
            # The loader stops at semantic errors the raw checks already report with their own code.
            if not any(x.severity == "error" and (x.file, x.line) == (err.file, err.line) for x in raw):
                findings.append(err)
            continue
        for qi, q in enumerate(parsed):
            if q.id in places:
                continue  # a duplicate id (reported): the first question wins, as ids must be unique
            questions.append(q)
            tags = frozenset(q.tags)
            places[q.id] = Place(doc, ("questions", qi), q.id, tags)
            for fi in range(len(q.follow_ups)):
                places[f"{q.id}/follow-up-{fi + 1}"] = Place(doc, ("questions", qi, "follow_ups", fi), q.id, tags)

    applied, scope = _glossary_files(path)
    glossary = None
    for g in applied:
        if not g.is_file():
            continue
        try:
            read_yaml(g)
        except RubricError as exc:
            findings.append(_error_finding(g, "yaml", str(exc)))
            load_errors.append(str(exc))
            break
    else:
        try:
            glossary = load_glossary(applied)
        except RubricError as exc:
            where = next((g for g in applied if str(exc).startswith(f"{g}:")), applied[-1])
            findings.append(_error_finding(where, "schema", str(exc)))
            load_errors.append(str(exc))
    if glossary is not None:
        digest.update(glossary.digest.encode())
    return Sources(
        path=path,
        files=tuple(files),
        questions=tuple(questions),
        places=places,
        findings=tuple(findings),
        load_errors=tuple(load_errors),
        glossary=glossary,
        glossary_files=tuple(applied),
        glossary_scope=tuple(scope),
        digest=digest.hexdigest()[:12],
    )


def _glossary_files(path: Path) -> tuple[list[Path], list[Path]]:
    """(glossaries applied, glossaries linted). Applied: as in load_rubric, the bank's
    ``glossary*.yaml`` and those beside PATH. Linted: only those that PATH names or contains, so
    linting one rubric file does not report the problems of a glossary it merely uses."""
    bank = bank_dir()
    local_dir = path if path.is_dir() else path.parent
    local = sorted(p for p in local_dir.glob("*.yaml") if is_glossary(p))
    if local_dir.resolve() == bank.resolve():
        applied = local  # the bank itself, named as the user named it
    else:
        applied = sorted(p for p in bank.glob("*.yaml") if is_glossary(p)) + local
    if path.is_file():
        scope = [g for g in applied if g.resolve() == path.resolve()]
    else:
        scope = [g for g in applied if g.parent.resolve() == path.resolve()]
    return applied, scope


def _error_finding(file: Path, code: str, message: str) -> Finding:
    """A RubricError ('file:line: field: what') as one finding."""
    prefix = f"{file}:"
    line = 1
    rest = message
    if message.startswith(prefix):
        head, _, tail = message[len(prefix):].partition(": ")
        if head.isdigit():
            line, rest = int(head), tail
        else:
            rest = message[len(prefix):].lstrip()
    if code == "yaml" and rest.startswith("YAML: "):
        rest = rest[len("YAML: "):]
    return finding(file, line, code, rest)


# --- checks on the raw data (no analyzer) ---------------------------------------------------


def _items(value) -> list[tuple[int, dict]]:
    return [(i, v) for i, v in enumerate(value) if isinstance(v, dict)] if isinstance(value, list) else []


def _str_id(item: dict) -> str | None:
    v = item.get("id")
    return v if isinstance(v, str) else None


def _duplicate_question_ids(doc: YamlDoc, first_seen: dict[str, tuple[str, int]]) -> list[Finding]:
    out = []
    for qi, q in _items(doc.data.get("questions") if isinstance(doc.data, dict) else None):
        qid = _str_id(q)
        if qid is None:
            continue
        line = doc.line(("questions", qi, "id"))
        if qid in first_seen:
            f, ln = first_seen[qid]
            also = f"line {ln}" if f == str(doc.path) else f"{f}:{ln}"
            out.append(finding(doc.path, line, "duplicate-id", f"question id '{qid}' is used twice (also at {also})"))
        else:
            first_seen[qid] = (str(doc.path), line)
    return out


def _duplicates(doc: YamlDoc, items: list[tuple[int, dict]], at: tuple, what: str, of: str) -> list[Finding]:
    out, seen = [], {}
    for i, item in items:
        iid = _str_id(item)
        if iid is None:
            continue
        line = doc.line(at + (i, "id"))
        if iid in seen:
            out.append(finding(doc.path, line, "duplicate-id",
                               f"{what} id '{iid}' of {of} is used twice (also at line {seen[iid]})"))
        else:
            seen[iid] = line
    return out


def _raw_checks(doc: YamlDoc) -> list[Finding]:
    """Id and reference checks on the raw data, all of them (the loader stops at the first)."""
    out: list[Finding] = []
    data = doc.data if isinstance(doc.data, dict) else {}
    for qi, q in _items(data.get("questions")):
        at = ("questions", qi)
        qid = _str_id(q) or f"#{qi + 1}"
        kps = _items(q.get("key_points"))
        out += _duplicates(doc, kps, at + ("key_points",), "key point", f"'{qid}'")
        ids = [i for _, kp in kps if (i := _str_id(kp)) is not None]
        known = ", ".join(ids) or "none"
        mis = _items(q.get("misconceptions"))
        out += _duplicates(doc, mis, at + ("misconceptions",), "misconception", f"'{qid}'")
        for mi, m in mis:
            c = m.get("contradicts")
            if isinstance(c, str) and c not in ids:
                out.append(finding(doc.path, doc.line(at + ("misconceptions", mi, "contradicts")), "unknown-contradicts",
                                   f"misconception '{_str_id(m)}' of '{qid}' contradicts unknown key point '{c}' "
                                   f"(key points: {known})"))
        for fi, fu in _items(q.get("follow_ups")):
            kp = fu.get("key_point")
            if isinstance(kp, str) and kp not in ids:
                out.append(finding(doc.path, doc.line(at + ("follow_ups", fi, "key_point")), "unknown-key-point",
                                   f"follow-up {fi + 1} of '{qid}' names unknown key point '{kp}' (key points: {known})"))
            out += _duplicates(doc, _items(fu.get("key_points")), at + ("follow_ups", fi, "key_points"),
                               "key point", f"follow-up {fi + 1} of '{qid}'")
    return out


def _quality_checks(sources: Sources, settings: LintSettings) -> list[Finding]:
    """The bank's quality bar (docs/rubric-format.md, issue 3): warnings, never errors."""
    out: list[Finding] = []
    lo, hi = settings.key_points
    for q in sources.questions:
        p = sources.place(q)
        n = len(q.key_points)
        if not lo <= n <= hi:
            out.append(finding(p.file, p.line("key_points"), "key-point-count",
                               f"question '{q.id}' has {n} key point{'s' if n != 1 else ''} (bank questions have {lo}–{hi})"))
        missing = [name for name, v in (("tags", q.tags), ("level", q.level), ("model_answer", q.model_answer)) if not v]
        if missing:
            out.append(finding(p.file, p.line(), "incomplete-question", f"question '{q.id}' has no {', '.join(missing)}"))
        for ki, kp in enumerate(q.key_points):
            line = p.line("key_points", ki)
            name = f"{q.id}/{kp.id}"
            if len(kp.phrases) < settings.min_phrases:
                out.append(finding(p.file, p.line("key_points", ki, "phrases"), "few-phrases",
                                   f"key point '{name}' has {len(kp.phrases)} phrase{'s' if len(kp.phrases) != 1 else ''} "
                                   f"(at least {settings.min_phrases})"))
            if not kp.hint:
                out.append(finding(p.file, line, "no-hint", f"key point '{name}' has no hint"))
            lacks = [k for k, v in (("positive", kp.examples.positive), ("negative", kp.examples.negative)) if not v]
            if lacks:
                out.append(finding(p.file, line, "no-examples", f"key point '{name}' has no {' and no '.join(lacks)} example"))
    return out


# --- checks that need the analyzer ---------------------------------------------------------


@dataclass(frozen=True)
class LintReport:
    findings: tuple[Finding, ...]
    files: int
    questions: int
    key_points: int
    notes: tuple[str, ...] = ()
    settings: LintSettings = LintSettings()

    @property
    def errors(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity == "error")

    @property
    def warnings(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity == "warning")

    def counts(self) -> dict[str, int]:
        return dict(sorted(Counter(f.code for f in self.findings).items()))

    def to_json(self) -> dict:
        return {
            "findings": [f.to_json() for f in self.findings],
            "notes": list(self.notes),
            "summary": {"files": self.files, "questions": self.questions, "key_points": self.key_points,
                        "errors": len(self.errors), "warnings": len(self.warnings), "by_code": self.counts()},
            "settings": self.settings.to_json(),
        }


def lint(sources: Sources, analyzer=None, settings: LintSettings | None = None) -> LintReport:
    """Every check on ``sources``. ``analyzer`` may be None only when nothing needs analysis
    (no loadable question and no glossary in scope)."""
    settings = settings or LintSettings()
    findings = list(sources.findings)
    notes: list[str] = []
    findings += _quality_checks(sources, settings)
    needs_analysis = bool(sources.questions) or bool(sources.glossary_scope)
    rubric = sources.rubric
    if needs_analysis and rubric is None:
        notes.append("phrase and glossary checks skipped: the glossary did not load")
    elif needs_analysis:
        if analyzer is None:
            raise ValueError("lint needs an analyzer for the phrase and glossary checks")
        from .scoring.scorer import Scorer

        scorer = Scorer(rubric, analyzer)
        findings += _glossary_checks(sources, scorer)
        findings += _phrase_checks(sources, scorer, settings)
        generic, skipped = _generic_checks(sources, scorer, settings)
        findings += generic
        if skipped:
            shown = ", ".join(skipped[:5]) + (f", … (+{len(skipped) - 5})" if len(skipped) > 5 else "")
            notes.append(f"generic-phrase not measured for {len(skipped)} question{'s' if len(skipped) != 1 else ''} "
                         f"with fewer than "
                         f"{settings.min_corpus} unrelated answers: {shown}")
    return LintReport(
        findings=tuple(sorted(set(findings), key=_sort_key)),
        files=len(sources.files) + len(sources.glossary_scope),
        questions=len(sources.questions),
        key_points=sum(len(q.key_points) for q in sources.questions),
        notes=tuple(notes),
        settings=settings,
    )


def _keys_text(keys) -> str:
    return " ".join(keys)


def _glossary_line(file: str, kind: str, item_id: str, key: str, j: int) -> int:
    """The line of term/phrase ``j`` of the glossary item ``item_id`` (SynonymGroup and Concept
    keep only the item's line)."""
    path = Path(file)
    doc = _read_glossary(str(path), path.stat().st_mtime_ns)
    for i, item in _items(doc.data.get(kind) if isinstance(doc.data, dict) else None):
        if item.get("id") == item_id:
            return doc.line((kind, i, key, j))
    return 1


@functools.lru_cache(maxsize=8)
def _read_glossary(path: str, mtime_ns: int) -> YamlDoc:
    return read_yaml(Path(path))


def _glossary_checks(sources: Sources, scorer) -> list[Finding]:
    """Overlapping synonym groups and concepts, and terms that analyse to nothing."""
    from .scoring.analysis import normalize
    from .scoring.match import compile_phrase, content_signature

    glossary = sources.glossary
    scope = {g.resolve() for g in sources.glossary_scope}
    out: list[Finding] = []
    term_line = _glossary_line

    groups = [(g, t) for g in glossary.synonyms for t in g.terms]
    analyses = scorer.analyzer.morphemes(t for _, t in groups)
    owner: dict[tuple[str, ...], tuple] = {}
    for (g, t), morphs in zip(groups, analyses):
        in_scope = Path(g.file).resolve() in scope
        j = g.terms.index(t)
        keys = tuple(u.key for u in normalize(t, morphs).units)
        if not keys:
            if in_scope:
                out.append(finding(g.file, term_line(g.file, "synonyms", g.id, j, "terms"), "glossary-empty-term",
                                   f"term '{t}' of group '{g.id}' has no content words after analysis; it never matches"))
            continue
        if keys in owner:
            og, ot, ofile, oline = owner[keys]
            if og != g.id and in_scope:
                where = f"line {oline}" if ofile == g.file else f"{ofile}:{oline}"
                out.append(finding(g.file, term_line(g.file, "synonyms", g.id, j, "terms"), "glossary-overlap",
                                   f"term '{t}' of group '{g.id}' normalises like '{ot}' of group '{og}' ({where}) "
                                   f"as [{_keys_text(keys)}]; a term belongs to one group"))
            continue
        owner[keys] = (g.id, t, g.file, term_line(g.file, "synonyms", g.id, j, "terms"))

    phrases = [(c, p) for c in glossary.concepts for p in c.phrases]
    seen: dict[tuple, tuple] = {}
    for (c, p), a in zip(phrases, scorer.analyze_many(p for _, p in phrases)):
        in_scope = Path(c.file).resolve() in scope
        j = c.phrases.index(p)
        t = compile_phrase(p, a, scorer.glossary, "kp", 0)
        if t is None:
            if in_scope:
                out.append(finding(c.file, term_line(c.file, "concepts", c.id, j, "phrases"), "glossary-empty-term",
                                   f"phrase '{p}' of concept '{c.id}' has no content words after analysis"))
            continue
        ident = (content_signature(t), t.negative)
        if ident in seen and seen[ident][0] != c.id and in_scope:
            oc, op = seen[ident]
            out.append(finding(c.file, term_line(c.file, "concepts", c.id, j, "phrases"), "glossary-overlap",
                               f"phrase '{p}' of concept '{c.id}' normalises like '{op}' of concept '{oc}' "
                               f"as [{_keys_text(t.keys)}]; only the first concept is used"))
        seen.setdefault(ident, (c.id, p))
    return out


def _owner_name(q: Question, owner: str, index: int) -> str:
    if owner == "kp":
        return f"key point '{q.key_points[index].id}'"
    return f"misconception '{q.misconceptions[index].id}'"


def _phrase_checks(sources: Sources, scorer, settings: LintSettings) -> list[Finding]:
    """Empty, redundant and long phrases, and phrases shared by two key points of a question.

    Everything is read off the scorer's compiled targets. A phrase that is missing from its own
    owner's targets either analysed to nothing (empty) or normalised like an earlier phrase of
    the same owner (the scorer drops it); only the second kind needs a look at the analysis.
    """
    from .scoring.analysis import is_unrelated
    from .scoring.match import LIGHT_KEYS, compile_phrase

    def raw_keys(a) -> tuple:
        keys = tuple(u.key for u in a.units)
        negators = sum(1 for i in a.negators if not is_unrelated(a.morphs[i]))  # '무관' is a phrase word
        return (tuple(k for k in keys if k not in LIGHT_KEYS) or keys, negators % 2)

    questions = sources.all_questions()
    dropped = []  # (question, owner, index, phrase index, phrase)
    for q in questions:
        present = {(t.owner, t.index, t.text) for t in scorer.compiled(q).targets if t.expanded_from is None}
        for owner, i, phrases in _owners(q):
            dropped += [(q, owner, i, j, p) for j, p in enumerate(phrases) if (owner, i, p) not in present
                        or p in phrases[:j]]
    texts = sorted({x for q, owner, i, j, p in dropped for x in (p, *_phrase_list(q, owner, i)[:j])})
    analyses = dict(zip(texts, scorer.analyze_many(texts)))
    out: list[Finding] = []
    for q, owner, i, j, p in dropped:
        place = sources.place(q)
        line = place.line(_FIELD[owner], i, "phrases", j)
        what = f"{_owner_name(q, owner, i)} of '{q.id}'"
        phrases = _phrase_list(q, owner, i)
        if p in phrases[:j]:
            out.append(finding(place.file, line, "redundant-phrase", f"phrase '{p}' of {what} is listed twice"))
            continue
        t = compile_phrase(p, analyses[p], scorer.glossary, owner, i)
        if t is None:
            out.append(finding(place.file, line, "empty-phrase",
                               f"phrase '{p}' of {what} has no content words after analysis; it never matches"))
            continue
        # Dropped as a duplicate: report it only when the two say the same words (not when the
        # glossary makes them synonyms, e.g. a Korean phrase and its English term).
        for earlier in phrases[:j]:
            if raw_keys(analyses[earlier]) == raw_keys(analyses[p]):
                out.append(finding(place.file, line, "redundant-phrase",
                                   f"phrase '{p}' of {what} has the same content words as '{earlier}' "
                                   f"[{_keys_text(raw_keys(analyses[p])[0])}]; the scorer keeps one"))
                break
    for q in questions:
        place = sources.place(q)
        targets = scorer.compiled(q).targets
        for t in targets:
            if t.expanded_from is None and t.dense and len(t.keys) > settings.long_phrase:
                j = _phrase_list(q, t.owner, t.index).index(t.text)
                out.append(finding(place.file, place.line(_FIELD[t.owner], t.index, "phrases", j), "long-phrase",
                                   f"phrase '{t.text}' of {_owner_name(q, t.owner, t.index)} of '{q.id}' has "
                                   f"{len(t.keys)} content words (at most {settings.long_phrase}); an answer must "
                                   f"say nearly all of them close together"))
        out += _shared(q, place, targets)
    out += _like_readings(sources, scorer, questions)
    return out


def _like_readings(sources: Sources, scorer, questions) -> list[Finding]:
    from .scoring.analysis import reads_as_like

    found = [(q, owner, i, j, p) for q in questions for owner, i, phrases in _owners(q)
             for j, p in enumerate(phrases) if "같" in p]
    out = []
    for (q, owner, i, j, p), a in zip(found, scorer.analyze_many([f[4] for f in found])):
        ms = a.morphs
        k = next((k for k in range(len(ms)) if reads_as_like(ms, k)), 0)
        if k:
            place = sources.place(q)
            out.append(finding(place.file, place.line(_FIELD[owner], i, "phrases", j), "like-reading",
                               f"phrase '{p}' of {_owner_name(q, owner, i)} of '{q.id}': '{ms[k - 1].form} 같-' reads "
                               f"as 'like {ms[k - 1].form}' and drops '같-'; for 'the same' write '동일'"))
    return out


_FIELD = {"kp": "key_points", "mis": "misconceptions"}


def _owners(q: Question):
    return [("kp", i, kp.phrases) for i, kp in enumerate(q.key_points)] + \
           [("mis", i, m.phrases) for i, m in enumerate(q.misconceptions)]


def _phrase_list(q: Question, owner: str, index: int) -> tuple[str, ...]:
    return q.key_points[index].phrases if owner == "kp" else q.misconceptions[index].phrases


def _shared(q: Question, place: Place, targets) -> list[Finding]:
    """One finding per pair of owners (key point + key point, or key point + misconception of the
    same polarity) whose compiled phrases coincide, after synonyms and concept expansion."""
    from .scoring.match import content_signature

    by_ident: dict[tuple, list] = defaultdict(list)
    for t in targets:
        by_ident[(content_signature(t), t.negative)].append(t)
    pairs: dict[tuple, list] = defaultdict(list)  # (first owner, other owner) -> [(ident, targets)]
    for ident, ts in by_ident.items():
        # Key points before misconceptions, in file order: each pair is reported once.
        distinct = sorted({(t.owner, t.index) for t in ts}, key=lambda o: (o[0] != "kp", o[1]))
        for a_i, first in enumerate(distinct):
            if first[0] != "kp":
                break
            for other in distinct[a_i + 1:]:
                pairs[(first, other)].append((ident, ts))
    out = []
    for (first, other), shared in pairs.items():
        # the words as the phrase says them (the identity is sorted: matching ignores word order)
        located = [(_located(q, place, ts, other), _located(q, place, ts, first), (ts[0].keys, ident[1]))
                   for ident, ts in shared]
        own = [x for x in located if x[0][2]]  # prefer a line where the author wrote the phrase
        (line, b, _), (a_line, a, _), ident = (own or located)[0]
        examples = "; ".join(f"{bb} ~ {aa} [{_keys_text(idt[0])}{' (negated)' if idt[1] else ''}]"
                             for (_, bb, _), (_, aa, _), idt in located[:3])
        more = f" (+{len(located) - 3} more)" if len(located) > 3 else ""
        concepts = sorted({t.expanded_from for _, ts in shared for t in ts if t.expanded_from})
        via = f"; via glossary concept {', '.join(repr(c) for c in concepts)}" if concepts else ""
        n = len(located)
        out.append(finding(place.file, line, "shared-phrase",
                           f"{_owner_name(q, *other)} and {_owner_name(q, *first)} of '{q.id}' share "
                           f"{n} normalised phrase{'s' if n != 1 else ''}: {examples}{more}{via}"))
    return out


def _located(q: Question, place: Place, ts, who) -> tuple[int, str, bool]:
    """(line, quoted phrase, written by the author) for one owner's target in a shared group:
    its own phrase if it has one, else the owner's line and the concept phrase it expanded to."""
    mine = [t for t in ts if (t.owner, t.index) == who]
    for t in mine:
        if t.expanded_from is None and t.text in _phrase_list(q, t.owner, t.index):
            j = _phrase_list(q, t.owner, t.index).index(t.text)
            return place.line(_FIELD[t.owner], t.index, "phrases", j), f"'{t.text}'", True
    t = mine[0]
    return place.line(_FIELD[t.owner], t.index), f"'{t.text}'", False


# --- generic phrases: measured -----------------------------------------------------------


@dataclass(frozen=True)
class CorpusText:
    text: str
    root: str  # the question it belongs to
    tags: frozenset[str]


def unrelated_corpus(sources: Sources) -> list[CorpusText]:
    """Model answers and example answers of every loadable question (deduplicated)."""
    out: dict[str, CorpusText] = {}
    for q in sources.questions:
        tags = frozenset(q.tags)
        texts = [q.model_answer] if q.model_answer else []
        for kp in q.key_points + tuple(k for fu in q.follow_ups for k in fu.key_points):
            texts += list(kp.examples.positive) + list(kp.examples.negative)
        for t in texts:
            out.setdefault(t, CorpusText(t, q.id, tags))
    return list(out.values())


def unrelated(question_root: str, question_tags: frozenset[str], text: CorpusText) -> bool:
    """A text is unrelated to a question when it comes from another question with no tag in common."""
    return text.root != question_root and not (question_tags & text.tags)


@dataclass(frozen=True)
class PhraseReach:
    """How many unrelated texts one compiled phrase (target) of a question matches."""

    question: str
    target: int
    hits: int
    total: int
    evidence: str | None  # one matched span, for the message

    @property
    def share(self) -> float:
        return self.hits / self.total if self.total else 0.0


def phrase_reach(sources: Sources, scorer, questions: list[Question] | None = None,
                 corpus: list[CorpusText] | None = None) -> dict[str, list[PhraseReach]]:
    """For each question id, the reach of each of its compiled targets over its unrelated texts.

    A phrase *matches* a text when its best window, of either polarity, reaches the scorer's
    threshold (it would credit or contradict its key point there). The answer is exact, and
    fast enough for a bank: the scorer's similarity matrix of every phrase unit against every
    distinct answer unit bounds each phrase's best window from above (a window cannot score
    more than the best match of each of its units anywhere in the text); only phrases whose
    bound reaches the threshold are matched for real, with the scorer's own ``match_question``
    on a small question of just those phrases (plus one of the same widest window, which sets
    the gap between sentences), which gives the statistics the whole question would.
    tests/unit/test_lint.py checks this against scoring every pair with ``Scorer.match``.
    """
    import numpy as np

    from .scoring.match import CompiledQuestion, match_question, similarity_matrix

    questions = sources.all_questions() if questions is None else questions
    corpus = unrelated_corpus(sources) if corpus is None else corpus
    threshold = scorer.settings.threshold
    places = [sources.place(q) for q in questions]
    cqs = [scorer.compiled(q) for q in questions]
    targets, owner = [], []  # every phrase of every question, and the (question, target) it is
    for qi, cq in enumerate(cqs):
        for ti, t in enumerate(cq.targets):
            targets.append(t)
            owner.append((qi, ti))
    hits = [[0] * len(cq.targets) for cq in cqs]
    evidence: list[list[str | None]] = [[None] * len(h) for h in hits]
    # unrel[k, qi]: text k is unrelated to question qi (another question, no tag in common)
    unrel = np.array([[unrelated(p.root, p.tags, c) for p in places] for c in corpus], dtype=bool).reshape(
        len(corpus), len(places))
    totals = unrel.sum(axis=0).tolist()
    if targets and corpus:
        big = CompiledQuestion(questions[0], targets, scorer.glossary, scorer.settings)
        weight = np.ones(big.n_rows)  # every phrase word counts once
        target_total = np.add.reduceat(weight, big.row_start)
        analyses = list(scorer.analyze_many(c.text for c in corpus))
        # Similarity depends only on a unit's key and surface: within a chunk of texts, score
        # each distinct unit once, then take each text's best per phrase unit.
        best = np.zeros((len(corpus), big.n_rows), dtype=np.float32)
        chunk = 256
        for lo in range(0, len(corpus), chunk):
            column: dict[tuple[str, str], int] = {}
            distinct, text_cols = [], []
            for a in analyses[lo:lo + chunk]:
                cols = set()
                for u in scorer.glossary.canonical(a):
                    ident = (u.key, u.surface)
                    if ident not in column:
                        column[ident] = len(distinct)
                        distinct.append(u)
                    cols.add(column[ident])
                text_cols.append(np.array(sorted(cols), dtype=np.intp))
            if not distinct:
                continue
            S = similarity_matrix(big, distinct)
            for k, cols in enumerate(text_cols):
                if len(cols):
                    best[lo + k] = np.abs(S[:, cols]).max(axis=1)  # an antonym (-1) fills a window too
        bounds = np.add.reduceat(best.astype(np.float64) * weight, big.row_start, axis=1) / target_total
        target_q = np.array([qi for qi, _ in owner], dtype=np.intp)
        candidates = (bounds >= threshold - 1e-6) & unrel[:, target_q]
        # match_question puts (widest window - 1) empty columns between sentences, and which
        # windows it examines depends on that gap: match each candidate phrase in a small
        # question with the same widest window as its own question.
        widest = [max(w for _, w in cq.widths) if cq.targets else 0 for cq in cqs]
        filler = {}  # widest window -> a target that has it
        for qi, cq in enumerate(cqs):
            for (_, w), tis in cq.widths.items():
                if w == widest[qi]:
                    filler.setdefault(w, cq.targets[tis[0]])
        for k, text in enumerate(corpus):
            groups: dict[int, list[int]] = defaultdict(list)
            for i in np.flatnonzero(candidates[k]).tolist():
                groups[widest[owner[i][0]]].append(i)
            for w, picked in groups.items():
                cq = CompiledQuestion(questions[0], [targets[i] for i in picked] + [filler[w]],
                                      scorer.glossary, scorer.settings)
                m = match_question(cq, analyses[k], scorer.glossary)
                for i, st in zip(picked, m.stats):
                    spans = [s for s in (st.support, st.conflict) if s is not None and s.score >= threshold]
                    if spans:
                        qi, ti = owner[i]
                        hits[qi][ti] += 1
                        if evidence[qi][ti] is None:
                            evidence[qi][ti] = text.text[spans[0].start:spans[0].end]
    return {
        q.id: [PhraseReach(q.id, ti, hits[qi][ti], totals[qi], evidence[qi][ti]) for ti in range(len(hits[qi]))]
        for qi, q in enumerate(questions)
    }


def _generic_checks(sources: Sources, scorer, settings: LintSettings) -> tuple[list[Finding], list[str]]:
    questions = sources.all_questions()
    reach = phrase_reach(sources, scorer, questions)
    out: list[Finding] = []
    skipped: list[str] = []
    concept_worst: dict[tuple[str, str], tuple[PhraseReach, str]] = {}
    concepts = {c.id: c for c in sources.glossary.concepts}
    for q in questions:
        place = sources.place(q)
        rs = reach[q.id]
        if rs and rs[0].total < settings.min_corpus:
            if "/" not in q.id:
                skipped.append(q.id)
            continue
        targets = scorer.compiled(q).targets
        for r in rs:
            if r.share <= settings.generic_share:
                continue
            t = targets[r.target]
            if t.expanded_from is not None:
                key = (t.expanded_from, t.text)
                if key not in concept_worst or r.share > concept_worst[key][0].share:
                    concept_worst[key] = (r, q.id)
                continue
            j = _phrase_list(q, t.owner, t.index).index(t.text)
            out.append(finding(place.file, place.line(_FIELD[t.owner], t.index, "phrases", j), "generic-phrase",
                               f"phrase '{t.text}' of {_owner_name(q, t.owner, t.index)} of '{q.id}' matches "
                               f"{_share_text(r)} of unrelated answers (limit {settings.generic_share:.0%})"
                               + (f', e.g. "{_clip(r.evidence)}"' if r.evidence else "")))
    for (cid, text), (r, qid) in concept_worst.items():
        c = concepts[cid]
        line = _glossary_line(c.file, "concepts", cid, "phrases", c.phrases.index(text))
        out.append(finding(c.file, line, "generic-phrase",
                           f"phrase '{text}' of glossary concept '{cid}' (expanded for '{qid}') matches "
                           f"{_share_text(r)} of unrelated answers (limit {settings.generic_share:.0%})"
                           + (f', e.g. "{_clip(r.evidence)}"' if r.evidence else "")))
    return out, skipped


def _share_text(r: PhraseReach) -> str:
    return f"{r.share:.0%} ({r.hits}/{r.total})"


def _clip(text: str, n: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"


# --- rubric test: examples through the scorer ----------------------------------------------


@dataclass(frozen=True)
class ExampleCheck:
    file: str
    line: int
    question: str
    key_point: str
    kind: str  # "positive" | "negative"
    text: str
    covered: bool
    contradicted: bool
    similarity: float
    phrase: str | None
    evidence: str | None
    evidence_start: int | None = None

    @property
    def ok(self) -> bool:
        return self.covered if self.kind == "positive" else not self.covered

    @property
    def problem(self) -> str:
        if self.ok:
            return "ok"
        if self.kind == "negative":
            return "negative example covered"
        return "positive example contradicted" if self.contradicted else "positive example not covered"

    def to_json(self) -> dict:
        return {"file": self.file, "line": self.line, "question": self.question, "key_point": self.key_point,
                "kind": self.kind, "text": self.text, "ok": self.ok, "covered": self.covered,
                "contradicted": self.contradicted, "similarity": round(self.similarity, 4),
                "phrase": self.phrase, "evidence": self.evidence}


@dataclass(frozen=True)
class ExampleReport:
    checks: tuple[ExampleCheck, ...]
    threshold: float
    signature: str
    key_points: int  # key points with at least one example
    without_examples: int  # top-level key points with none

    @property
    def failures(self) -> tuple[ExampleCheck, ...]:
        return tuple(c for c in self.checks if not c.ok)

    def count(self, kind: str, ok: bool | None = None) -> int:
        return sum(1 for c in self.checks if c.kind == kind and (ok is None or c.ok == ok))

    def to_json(self) -> dict:
        return {
            "summary": {"examples": len(self.checks), "positive": self.count("positive"),
                        "negative": self.count("negative"), "failed": len(self.failures),
                        "positive_failed": self.count("positive", False),
                        "negative_failed": self.count("negative", False),
                        "key_points": self.key_points, "key_points_without_examples": self.without_examples},
            "threshold": self.threshold,
            "signature": self.signature,
            "failures": [c.to_json() for c in self.failures],
        }


def check_examples(sources: Sources, scorer) -> ExampleReport:
    """Each positive example must cover its key point; each negative must not."""
    jobs = []  # (question, kp index, kind, example index, text)
    with_examples = without = 0
    for q in sources.all_questions():
        for ki, kp in enumerate(q.key_points):
            ex = kp.examples
            if ex.positive or ex.negative:
                with_examples += 1
            elif "/" not in q.id:
                without += 1
            for kind, texts in (("positive", ex.positive), ("negative", ex.negative)):
                for ei, text in enumerate(texts):
                    jobs.append((q, ki, kind, ei, text))
    checks = []
    analyses = scorer.analyze_many(text for *_, text in jobs)
    for (q, ki, kind, ei, text), a in zip(jobs, analyses):
        result = scorer.score_analysis(q, a)
        k = result.key_points[ki]
        place = sources.place(q)
        checks.append(ExampleCheck(
            file=place.file, line=place.line("key_points", ki, "examples", kind, ei), question=q.id,
            key_point=k.id, kind=kind, text=text, covered=k.covered, contradicted=k.contradicted,
            similarity=k.similarity, phrase=k.phrase, evidence=k.evidence.text if k.evidence else None,
            evidence_start=k.evidence.start if k.evidence else None,
        ))
    return ExampleReport(tuple(checks), scorer.settings.threshold, scorer.signature, with_examples, without)


# --- cross-question false positives ----------------------------------------------------------


@dataclass(frozen=True)
class CrossHit:
    """A positive example of one question that credits a key point of another (same topic)."""

    source: str  # question id / key point id of the example
    example: str
    target: str  # question id / key point id credited
    evidence: str
    phrase: str | None

    def to_json(self) -> dict:
        return {"source": self.source, "example": self.example, "target": self.target,
                "evidence": self.evidence, "phrase": self.phrase}


@dataclass(frozen=True)
class TagRate:
    tag: str
    examples: int
    pairs: int
    pairs_credited: int
    key_points: int
    key_points_credited: int

    def to_json(self) -> dict:
        return {"tag": self.tag, "examples": self.examples, "pairs": self.pairs,
                "pairs_credited": self.pairs_credited, "pair_rate": round(_rate(self.pairs_credited, self.pairs), 4),
                "key_points": self.key_points, "key_points_credited": self.key_points_credited,
                "key_point_rate": round(_rate(self.key_points_credited, self.key_points), 4)}


def _rate(n: int, d: int) -> float:
    return n / d if d else 0.0


@dataclass(frozen=True)
class CrossReport:
    examples: int
    pairs: int  # (positive example, other question of the same tag)
    pairs_credited: int  # … that credit at least one key point
    key_points: int  # key points scored over all pairs
    key_points_credited: int
    by_tag: tuple[TagRate, ...]
    hits: tuple[CrossHit, ...]

    @property
    def pair_rate(self) -> float:
        return _rate(self.pairs_credited, self.pairs)

    @property
    def key_point_rate(self) -> float:
        return _rate(self.key_points_credited, self.key_points)

    def worst_key_points(self, n: int = 10) -> list[tuple[str, int, CrossHit]]:
        """Key points most often credited by other questions' examples: (target, count, a sample)."""
        by: dict[str, list[CrossHit]] = defaultdict(list)
        for h in self.hits:
            by[h.target].append(h)
        ranked = sorted(by.items(), key=lambda kv: (-len(kv[1]), kv[0]))
        return [(target, len(hs), hs[0]) for target, hs in ranked[:n]]

    def worst_examples(self, n: int = 5) -> list[tuple[str, str, int]]:
        """Examples that credit the most foreign key points: (source, example, count)."""
        c = Counter((h.source, h.example) for h in self.hits)
        ranked = sorted(c.items(), key=lambda kv: (-kv[1], kv[0]))
        return [(s, e, k) for (s, e), k in ranked[:n]]

    def to_json(self) -> dict:
        return {
            "examples": self.examples, "pairs": self.pairs, "pairs_credited": self.pairs_credited,
            "pair_rate": round(self.pair_rate, 4), "key_points": self.key_points,
            "key_points_credited": self.key_points_credited, "key_point_rate": round(self.key_point_rate, 4),
            "by_tag": [t.to_json() for t in self.by_tag],
            "worst_key_points": [{"target": t, "count": k, "sample": h.to_json()} for t, k, h in self.worst_key_points()],
            "hits": [h.to_json() for h in self.hits],
        }


def cross_question(questions: tuple[Question, ...] | list[Question], scorer) -> CrossReport:
    """Score each question's positive examples against every other question sharing a tag.

    A pair is (example, other question); it counts under each tag the two share. The rates
    measure how often a right answer to one question earns points on a neighbouring one.
    """
    jobs = [(q, kp, e) for q in questions if q.tags for kp in q.key_points for e in kp.examples.positive]
    analyses = list(scorer.analyze_many(e for *_, e in jobs))
    tag_counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0, 0])
    pairs = pairs_credited = kps = kps_credited = 0
    hits: list[CrossHit] = []
    for (q, kp, e), a in zip(jobs, analyses):
        tags = set(q.tags)
        for t in tags:
            tag_counts[t][0] += 1
        for o in questions:
            shared = tags & set(o.tags)
            if o.id == q.id or not shared:
                continue
            result = scorer.score_analysis(o, a)
            credited = [k for k in result.key_points if k.covered]
            pairs += 1
            kps += len(result.key_points)
            pairs_credited += bool(credited)
            kps_credited += len(credited)
            for t in shared:
                c = tag_counts[t]
                c[1] += 1
                c[2] += bool(credited)
                c[3] += len(result.key_points)
                c[4] += len(credited)
            for k in credited:
                hits.append(CrossHit(f"{q.id}/{kp.id}", e, f"{o.id}/{k.id}", k.evidence.text if k.evidence else "",
                                     k.phrase))
    by_tag = tuple(TagRate(t, *c) for t, c in sorted(tag_counts.items()))
    return CrossReport(len(jobs), pairs, pairs_credited, kps, kps_credited, by_tag, tuple(hits))


# --- rubric list -----------------------------------------------------------------------------


@dataclass(frozen=True)
class QuestionSummary:
    id: str
    level: str | None
    key_points: int
    follow_ups: int
    tags: tuple[str, ...]
    prompt: str
    file: str
    line: int

    def to_json(self) -> dict:
        return {"id": self.id, "level": self.level, "key_points": self.key_points, "follow_ups": self.follow_ups,
                "tags": list(self.tags), "prompt": self.prompt, "file": self.file, "line": self.line}


@dataclass(frozen=True)
class Listing:
    topics: tuple[tuple[str, int], ...]  # (tag, questions); '' for untagged questions
    questions: tuple[QuestionSummary, ...]

    def to_json(self) -> dict:
        return {
            "questions": len(self.questions),
            "key_points": sum(q.key_points for q in self.questions),
            "with_follow_ups": sum(1 for q in self.questions if q.follow_ups),
            "topics": [{"tag": t or None, "questions": n} for t, n in self.topics],
            "items": [q.to_json() for q in self.questions],
        }


def listing(rubric: Rubric, tag: str | None = None) -> Listing:
    qs = [q for q in rubric.questions if tag is None or tag in q.tags]
    counts = Counter(t for q in qs for t in (q.tags or ("",)))
    topics = tuple(sorted(counts.items(), key=lambda kv: (kv[0] == "", kv[0])))
    items = tuple(QuestionSummary(q.id, q.level, len(q.key_points), len(q.follow_ups), q.tags, q.prompt, q.file, q.line)
                  for q in qs)
    return Listing(topics, items)


__all__ = [
    "CODES", "Finding", "LintSettings", "LintReport", "Sources", "load_sources", "lint", "phrase_reach",
    "unrelated_corpus", "check_examples", "ExampleCheck", "ExampleReport", "cross_question", "CrossReport",
    "CrossHit", "TagRate", "listing", "Listing", "QuestionSummary",
]
