"""The shared glossary: word-level synonym groups and phrase-level concept paraphrases.

This module holds the glossary as data. How its terms are analysed and applied to answers and
phrases is the scorer's business (:mod:`interviewer.scoring.match`).
"""

from __future__ import annotations

import functools
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from .errors import RubricError
from .yamlfile import field_name, read_yaml, schema_errors


@dataclass(frozen=True)
class SynonymGroup:
    id: str
    terms: tuple[str, ...]
    file: str = ""
    line: int = 0


@dataclass(frozen=True)
class Concept:
    id: str
    phrases: tuple[str, ...]
    file: str = ""
    line: int = 0


@dataclass(frozen=True)
class Glossary:
    synonyms: tuple[SynonymGroup, ...] = ()
    concepts: tuple[Concept, ...] = ()
    digest: str = "none"
    antonyms: tuple[tuple[str, str], ...] = ()  # pairs of synonym group ids


@functools.lru_cache(maxsize=1)
def _validator():
    import jsonschema

    from .rubric import bank_dir

    schema = json.loads((bank_dir() / "glossary.schema.json").read_text(encoding="utf-8"))
    return jsonschema.Draft202012Validator(schema)


def load_glossary(paths: list[Path]) -> Glossary:
    # A group or concept id met again in a LATER file extends it (a local glossary can add
    # terms to a bundled group); the same id twice in one file is an error.
    synonyms: dict[str, SynonymGroup] = {}
    concepts: dict[str, Concept] = {}
    antonyms: list[tuple[str, str]] = []
    digest = hashlib.sha256()
    for path in paths:
        if not Path(path).is_file():
            continue
        doc = read_yaml(path)
        digest.update(doc.text.encode())
        data = doc.data if doc.data is not None else {}
        if not isinstance(data, dict):
            raise RubricError(f"{path}:1: (top level): expected a mapping with 'synonyms' and 'concepts'")
        from .rubric import bank_dir

        errors = sorted(schema_errors(doc, bank_dir() / "glossary.schema.json", _validator),
                        key=lambda e: doc.line(tuple(e.absolute_path)))
        if errors:
            at = tuple(errors[0].absolute_path)
            raise RubricError(f"{doc.where(at)}: {field_name(at)}: {errors[0].message}")
        seen: dict[str, str] = {}
        antonyms += [(a, b) for a, b in data.get("antonyms", [])]
        for kind, items in (("synonyms", data.get("synonyms", [])), ("concepts", data.get("concepts", []))):
            for i, item in enumerate(items):
                key = f"{kind}:{item['id']}"
                where = doc.where((kind, i, "id"))
                if key in seen:
                    raise RubricError(f"{where}: {kind}[{i}].id: duplicate id {item['id']!r} (also at {seen[key]})")
                seen[key] = where
                line = doc.line((kind, i))
                if kind == "synonyms":
                    old = synonyms.get(item["id"])
                    terms = tuple(dict.fromkeys([*(old.terms if old else ()), *(t.strip() for t in item["terms"])]))
                    synonyms[item["id"]] = SynonymGroup(item["id"], terms, old.file if old else str(path),
                                                        old.line if old else line)
                else:
                    old = concepts.get(item["id"])
                    phrases = tuple(dict.fromkeys([*(old.phrases if old else ()), *(p.strip() for p in item["phrases"])]))
                    concepts[item["id"]] = Concept(item["id"], phrases, old.file if old else str(path),
                                                   old.line if old else line)
    for a, b in antonyms:
        for gid in (a, b):
            if gid not in synonyms:
                raise RubricError(f"antonyms: unknown synonym group {gid!r} (pair {a} / {b})")
    return Glossary(tuple(synonyms.values()), tuple(concepts.values()), digest.hexdigest()[:12], tuple(antonyms))
