"""Reading YAML files safely, with the line of every field for error messages.

Data is read with ``yaml.safe_load`` only; a second, C-speed *compose* pass (no construction, so
no tag is ever executed) gives the line of each value so that errors can say ``file:line: field``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from .errors import RubricError

_ComposeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

Path_ = tuple  # a field path such as ("questions", 0, "key_points", 1, "phrases")


class YamlDoc:
    """A parsed YAML file: its data and the line of each field path."""

    def __init__(self, path: Path, text: str, data: Any, lines: dict[tuple, int]):
        self.path = path
        self.text = text
        self.data = data
        self._lines = lines

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
    try:
        data = yaml.safe_load(text)
        node = yaml.compose(text, Loader=_ComposeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        what = exc.problem or exc.context or "invalid YAML"
        if isinstance(exc, yaml.constructor.ConstructorError) and "tag" in str(exc):
            what = f"tag not allowed ({what.split('tag')[-1].strip(' ,')}); rubric files are plain data"
        raise RubricError(f"{path}:{line}: YAML: {what}") from None
    except yaml.YAMLError as exc:
        raise RubricError(f"{path}: YAML: {exc}") from None
    lines: dict[tuple, int] = {}
    if node is not None:
        _collect_lines(node, (), lines)
    return YamlDoc(path, text, data, lines)


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
