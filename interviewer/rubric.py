"""Rubric files: questions, key points, misconceptions and follow-ups.

A rubric is loaded from one YAML file or a directory of them, validated against
``rubric.schema.json`` (the same schema editors use) plus the checks a schema cannot express,
and returned as frozen dataclasses. Errors name file, line and field.
"""

from __future__ import annotations

import functools
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from .errors import InputError, RubricError
from .glossary import Glossary, load_glossary
from .yamlfile import YamlDoc, field_name, read_yaml, schema_errors

GLOSSARY_FILE = "glossary.yaml"


def is_glossary(path: Path) -> bool:
    """Glossary files are ``glossary.yaml`` and ``glossary-*.yaml`` (split by subject)."""
    return path.name == GLOSSARY_FILE or (path.name.startswith("glossary-") and path.suffix == ".yaml")


def bank_dir() -> Path:
    """The bundled question bank: the checkout's ``rubric/``, or the installed data package."""
    here = Path(__file__).resolve().parent
    checkout = here.parent / "rubric"
    if (checkout / "rubric.schema.json").is_file():
        return checkout
    return here / "bank"


@dataclass(frozen=True)
class Examples:
    positive: tuple[str, ...] = ()
    negative: tuple[str, ...] = ()


@dataclass(frozen=True)
class KeyPoint:
    id: str
    label: str
    phrases: tuple[str, ...]
    hint: str | None = None
    weight: float = 1.0
    required: bool = False
    examples: Examples = Examples()
    line: int = 0

    def __post_init__(self):
        if not self.phrases:
            raise ValueError(f"key point {self.id!r} has no phrases")
        if self.weight <= 0:
            raise ValueError(f"key point {self.id!r} has weight {self.weight}; it must be > 0")


@dataclass(frozen=True)
class Misconception:
    id: str
    phrases: tuple[str, ...]
    correction: str
    contradicts: str | None = None


@dataclass(frozen=True)
class FollowUp:
    key_point: str
    when: str  # "covered" | "missed"
    prompt: str
    key_points: tuple[KeyPoint, ...] = ()


@dataclass(frozen=True)
class Question:
    id: str
    prompt: str
    key_points: tuple[KeyPoint, ...]
    tags: tuple[str, ...] = ()
    level: str | None = None
    model_answer: str | None = None
    misconceptions: tuple[Misconception, ...] = ()
    follow_ups: tuple[FollowUp, ...] = ()
    file: str = ""
    line: int = 0

    def key_point(self, kp_id: str) -> KeyPoint:
        for kp in self.key_points:
            if kp.id == kp_id:
                return kp
        raise KeyError(kp_id)

    def follow_up_question(self, index: int) -> Question:
        """Follow-up ``index`` as a question of its own (scored on its own key points)."""
        fu = self.follow_ups[index]
        return Question(
            id=f"{self.id}/follow-up-{index + 1}",
            prompt=fu.prompt,
            key_points=fu.key_points,
            tags=self.tags,
            level=self.level,
            file=self.file,
            line=self.line,
        )


@dataclass(frozen=True)
class Rubric:
    questions: tuple[Question, ...]
    glossary: Glossary
    digest: str  # content hash of every rubric and glossary file read
    files: tuple[str, ...]
    _by_id: dict = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self):
        self._by_id.update({q.id: q for q in self.questions})

    def question(self, qid: str) -> Question:
        try:
            return self._by_id[qid]
        except KeyError:
            import difflib

            close = difflib.get_close_matches(str(qid), self._by_id, n=3)
            hint = f" (did you mean: {', '.join(close)}?)" if close else ""
            raise InputError(f"unknown question id {qid!r}{hint}") from None

    def __contains__(self, qid: str) -> bool:
        return qid in self._by_id

    def tags(self) -> tuple[str, ...]:
        return tuple(sorted({t for q in self.questions for t in q.tags}))


# --- loading -------------------------------------------------------------------------------


@functools.lru_cache(maxsize=1)
def _validator():
    import jsonschema

    schema = json.loads((bank_dir() / "rubric.schema.json").read_text(encoding="utf-8"))
    return jsonschema.Draft202012Validator(schema)


def rubric_files(path: Path) -> list[Path]:
    path = Path(path)
    if path.is_dir():
        files = sorted(p for p in path.glob("*.yaml") if not is_glossary(p))
        if not files:
            raise RubricError(f"{path}: no rubric files (*.yaml) in this directory")
        return files
    if not path.exists():
        raise RubricError(f"{path}: no such file or directory")
    return [path]


def load_rubric(path: Path | str | None = None) -> Rubric:
    """Load a rubric file or directory (default: the bundled bank) with its glossary."""
    path = Path(path) if path is not None else bank_dir()
    files = rubric_files(path)
    questions: list[Question] = []
    seen: dict[str, str] = {}
    digest = hashlib.sha256()
    for f in files:
        doc = read_yaml(f)
        digest.update(f.name.encode() + b"\0" + doc.text.encode() + b"\0")
        for q in parse_rubric_doc(doc):
            if q.id in seen:
                raise RubricError(
                    f"{f}:{q.line}: questions.id: duplicate question id {q.id!r} "
                    f"(also in {seen[q.id]})"
                )
            seen[q.id] = f"{f}:{q.line}"
            questions.append(q)
    glossary_files = sorted(p for p in bank_dir().glob("*.yaml") if is_glossary(p))
    local_dir = path if path.is_dir() else path.parent
    if local_dir.resolve() != bank_dir().resolve():
        glossary_files += sorted(p for p in local_dir.glob("*.yaml") if is_glossary(p))
    glossary = load_glossary(glossary_files)
    digest.update(glossary.digest.encode())
    return Rubric(
        questions=tuple(questions),
        glossary=glossary,
        digest=digest.hexdigest()[:12],
        files=tuple(str(f) for f in files),
    )


def parse_rubric_doc(doc: YamlDoc) -> list[Question]:
    data = doc.data
    if not isinstance(data, dict):
        raise RubricError(f"{doc.path}:1: (top level): expected a mapping with 'questions'")
    errors = sorted(
        schema_errors(doc, bank_dir() / "rubric.schema.json", _validator),
        # the earliest line first; at one place an unknown field explains a missing one
        key=lambda e: (doc.line(tuple(e.absolute_path)), e.validator != "additionalProperties"),
    )
    if errors:
        e = errors[0]
        at = tuple(e.absolute_path)
        message = e.message
        if e.validator == "additionalProperties":
            extra = sorted(set(e.instance) - set(e.schema.get("properties", {})), key=str)
            at = at + (extra[0],)
            known = ", ".join(e.schema.get("properties", {}))
            message = f"unknown field (known fields: {known})"
        elif e.validator == "pattern" and e.schema.get("pattern") == "\\S":
            message = "must not be empty"
        elif e.validator == "pattern":
            message = f"{e.instance!r} is not a valid id (lowercase letters, digits, '-', '_', '.')"
        elif e.validator == "minItems":
            message = "must not be empty"
        more = f" (+{len(errors) - 1} more)" if len(errors) > 1 else ""
        raise RubricError(f"{doc.where(at)}: {field_name(at)}: {message}{more}")
    out = []
    for qi, q in enumerate(data["questions"]):
        out.append(_question(doc, q, ("questions", qi)))
    return out


def _key_point(doc: YamlDoc, kp: dict, at: tuple) -> KeyPoint:
    ex = kp.get("examples") or {}
    return KeyPoint(
        id=kp["id"],
        label=kp["label"].strip(),
        phrases=tuple(p.strip() for p in kp["phrases"]),
        hint=kp.get("hint"),
        weight=float(kp.get("weight", 1.0)),
        required=bool(kp.get("required", False)),
        examples=Examples(tuple(ex.get("positive", ())), tuple(ex.get("negative", ()))),
        line=doc.line(at),
    )


def _key_points(doc: YamlDoc, items: list, at: tuple) -> tuple[KeyPoint, ...]:
    kps, seen = [], set()
    for i, kp in enumerate(items):
        if kp["id"] in seen:
            where = at + (i, "id")
            raise RubricError(f"{doc.where(where)}: {field_name(where)}: duplicate key point id {kp['id']!r}")
        seen.add(kp["id"])
        kps.append(_key_point(doc, kp, at + (i,)))
    return tuple(kps)


def _question(doc: YamlDoc, q: dict, at: tuple) -> Question:
    kps = _key_points(doc, q["key_points"], at + ("key_points",))
    ids = {kp.id for kp in kps}
    misconceptions = []
    for i, m in enumerate(q.get("misconceptions", [])):
        if m.get("contradicts") is not None and m["contradicts"] not in ids:
            where = at + ("misconceptions", i, "contradicts")
            raise RubricError(
                f"{doc.where(where)}: {field_name(where)}: unknown key point {m['contradicts']!r}"
            )
        misconceptions.append(
            Misconception(m["id"], tuple(p.strip() for p in m["phrases"]), m["correction"].strip(), m.get("contradicts"))
        )
    follow_ups = []
    for i, fu in enumerate(q.get("follow_ups", [])):
        if fu["key_point"] not in ids:
            where = at + ("follow_ups", i, "key_point")
            raise RubricError(f"{doc.where(where)}: {field_name(where)}: unknown key point {fu['key_point']!r}")
        follow_ups.append(
            FollowUp(
                key_point=fu["key_point"],
                when=fu["when"],
                prompt=fu["prompt"].strip(),
                key_points=_key_points(doc, fu.get("key_points", []), at + ("follow_ups", i, "key_points")),
            )
        )
    return Question(
        id=q["id"],
        prompt=q["prompt"].strip(),
        key_points=kps,
        tags=tuple(q.get("tags", ())),
        level=q.get("level"),
        model_answer=(q.get("model_answer") or "").strip() or None,
        misconceptions=tuple(misconceptions),
        follow_ups=tuple(follow_ups),
        file=str(doc.path),
        line=doc.line(at),
    )
