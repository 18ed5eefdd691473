"""Reading YAML files safely, with the line of every field for error messages.

Data is read with ``yaml.safe_load`` only; a second, C-speed *compose* pass (no construction, so
no tag is ever executed) gives the line of each value so that errors can say ``file:line: field``.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
from pathlib import Path
from typing import Any

import yaml

from .errors import RubricError

_ComposeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

Path_ = tuple  # a field path such as ("questions", 0, "key_points", 1, "phrases")


class YamlDoc:
    """A parsed YAML file: its data and the line of each field path."""

    def __init__(self, path: Path, text: str, data: Any, lines: dict[tuple, int], valid: dict | None = None):
        self.path = path
        self.text = text
        self.data = data
        self._lines = lines
        self._valid = dict(valid or {})  # schema digest -> True: validated before, unchanged since
        self._cacheable = False

    def validated(self, schema_digest: str) -> bool:
        """Did this exact text pass the schema with this digest before?"""
        return self._valid.get(schema_digest) is True

    def mark_valid(self, schema_digest: str) -> None:
        self._valid[schema_digest] = True
        if self._cacheable:
            self.store_cache()

    def store_cache(self) -> None:
        self._cacheable = True
        _cache_put(self.text, {"data": self.data, "lines": [[list(k), v] for k, v in self._lines.items()],
                               "valid": self._valid})

    def line(self, field: tuple) -> int:
        """The line (1-based) of ``field``, or of its nearest parent that has one."""
        field = tuple(field)
        while field:
            if field in self._lines:
                return self._lines[field]
            field = field[:-1]
        return 1

    def where(self, field: tuple) -> str:
        return f"{self.path}:{self.line(field)}"


def field_name(field: tuple) -> str:
    """("questions", 0, "key_points") -> "questions[0].key_points"."""
    out = ""
    for part in field:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(top level)"


# --- parse cache ----------------------------------------------------------------------------
# Parsing the bank with the pure-Python safe loader takes about a second. What safe_load and the
# line pass produced is kept as JSON (never pickle: a cache file must not be able to run code),
# keyed by a hash of the file's bytes, so an unchanged file is read back in milliseconds and any
# edit is a miss. A cache problem of any kind is ignored: the file is parsed as usual.

CACHE_VERSION = "1"


def cache_dir(environ=os.environ) -> Path:
    """``$XDG_CACHE_HOME/interviewer`` (default ``~/.cache/interviewer``)."""
    base = environ.get("XDG_CACHE_HOME", "")
    root = Path(base) if base and os.path.isabs(base) else Path.home() / ".cache"
    return root / "interviewer"


def schema_errors(doc: "YamlDoc", schema_file: Path, make_validator) -> list:
    """jsonschema errors of ``doc`` (none, without even importing jsonschema, if this exact
    text passed this exact schema before)."""
    digest = hashlib.sha256(schema_file.read_bytes()).hexdigest()[:16]
    if doc.validated(digest):
        return []
    errors = list(make_validator().iter_errors(doc.data))
    if not errors:
        doc.mark_valid(digest)
    return errors


def _cache_path(text: str) -> Path:
    digest = hashlib.sha256((CACHE_VERSION + "\0" + yaml.__version__ + "\0" + text).encode()).hexdigest()
    return cache_dir() / f"yaml-{digest[:32]}.json"


def _cache_get(text: str) -> dict | None:
    try:
        with open(_cache_path(text), encoding="utf-8") as f:
            entry = json.load(f)
        return entry if isinstance(entry, dict) and "data" in entry and "lines" in entry else None
    except (OSError, ValueError):
        return None


def _cache_put(text: str, entry: dict) -> None:
    try:
        target = _cache_path(text)
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".yaml-", suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(entry, f, ensure_ascii=False)
        os.replace(tmp, target)  # a reader sees the whole entry or none
    except (OSError, TypeError, ValueError):
        pass


def read_yaml(path: Path) -> YamlDoc:
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise RubricError(f"{path}: file not found") from None
    except IsADirectoryError:
        raise RubricError(f"{path}: is a directory, expected a YAML file") from None
    except OSError as exc:
        raise RubricError(f"{path}: cannot read: {exc.strerror}") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise RubricError(f"{path}: not UTF-8 text (byte {exc.start})") from None
    cached = _cache_get(text)
    if cached is not None:
        lines = {tuple(k): v for k, v in cached["lines"]}
        doc = YamlDoc(path, text, cached["data"], lines, cached.get("valid", {}))
        doc._cacheable = True
        return doc
    try:
        data = yaml.safe_load(text)
        node = yaml.compose(text, Loader=_ComposeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        what = exc.problem or exc.context or "invalid YAML"
        tag = re.search(r"'tag:yaml\.org,2002:([^']+)'|'(![^']*)'", str(exc))
        if isinstance(exc, yaml.constructor.ConstructorError) and tag:
            name = f"!!{tag.group(1)}" if tag.group(1) else tag.group(2)
            what = f"tag {name} is not allowed; rubric files are plain data"
        raise RubricError(f"{path}:{line}: YAML: {what}") from None
    except yaml.YAMLError as exc:
        raise RubricError(f"{path}: YAML: {exc}") from None
    lines: dict[tuple, int] = {}
    if node is not None:
        _collect_lines(node, (), lines)
    doc = YamlDoc(path, text, data, lines, {})
    try:
        # Only data that JSON carries back unchanged is cached (dates, say, would not be).
        if json.loads(json.dumps(data, ensure_ascii=False)) == data:
            doc.store_cache()
    except (TypeError, ValueError):
        pass
    return doc


def _collect_lines(node: yaml.Node, at: tuple, out: dict[tuple, int]) -> None:
    out.setdefault(at, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode):
                child = at + (key.value,)
                out[child] = key.start_mark.line + 1
                _collect_lines(value, child, out)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _collect_lines(item, at + (i,), out)
