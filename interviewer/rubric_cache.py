"""A cache of loaded rubrics, so the practice loop shows its first question at once.

Parsing and validating the bundled bank (YAML with line numbers, JSON Schema) takes longer than
everything else before the first question together. A loaded :class:`~interviewer.rubric.Rubric`
is pickled under the user's cache dir, keyed by a hash of every byte that loading reads (the
rubric files, glossaries, schemas and the loader's own source) and their paths: any edit is a
miss, and a miss is an ordinary :func:`~interviewer.rubric.load_rubric` (same errors, same
result). The cache is only an optimisation; any problem with it is ignored.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
import tempfile
from pathlib import Path

from . import __version__
from .rubric import GLOSSARY_FILE, Rubric, bank_dir, load_rubric, rubric_files

LOADER_SOURCES = ("rubric.py", "glossary.py", "yamlfile.py", "errors.py")


def cache_dir(environ=os.environ) -> Path:
    base = environ.get("XDG_CACHE_HOME", "")
    root = Path(base) if base and os.path.isabs(base) else Path.home() / ".cache"
    return root / "interviewer"


def _inputs(path: Path) -> list[Path]:
    """Every file ``load_rubric(path)`` reads, plus the code that turns them into a Rubric."""
    bank = bank_dir()
    files = rubric_files(path)
    local = (path if path.is_dir() else path.parent) / GLOSSARY_FILE
    here = Path(__file__).resolve().parent
    return [
        *files,
        bank / "rubric.schema.json",
        bank / "glossary.schema.json",
        bank / GLOSSARY_FILE,
        local,
        *(here / name for name in LOADER_SOURCES),
    ]


def cache_key(path: Path) -> str:
    h = hashlib.sha256(f"{__version__}\0{sys.version}\0{pickle.HIGHEST_PROTOCOL}\0{path}\0".encode())
    for f in _inputs(path):
        h.update(str(f).encode() + b"\0")
        try:
            h.update(f.read_bytes())
        except OSError:
            h.update(b"\0missing\0")
        h.update(b"\0")
    return h.hexdigest()[:24]


def load_rubric_cached(path: Path | str | None = None, directory: Path | None = None) -> Rubric:
    """:func:`load_rubric`, from the cache when nothing it reads has changed."""
    path = Path(path) if path is not None else bank_dir()
    try:
        key = cache_key(path)
    except Exception:  # rubric_files() raises RubricError for a bad path: let load_rubric say it
        return load_rubric(path)
    directory = directory or cache_dir()
    entry = directory / f"rubric-{key}.pickle"
    try:
        with open(entry, "rb") as f:
            rubric = pickle.load(f)
        if isinstance(rubric, Rubric):
            return rubric
    except Exception:
        pass  # missing, truncated or from another version: load normally
    rubric = load_rubric(path)
    _store(directory, entry, rubric)
    return rubric


def _store(directory: Path, entry: Path, rubric: Rubric) -> None:
    try:
        directory.mkdir(parents=True, exist_ok=True)
        for old in directory.glob("rubric-*.pickle"):
            if old != entry and _is_stale(old):
                old.unlink(missing_ok=True)
        fd, tmp = tempfile.mkstemp(dir=directory, prefix=".rubric-", suffix=".tmp")
        with os.fdopen(fd, "wb") as f:
            pickle.dump(rubric, f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, entry)  # readers see the whole entry or none
    except Exception:
        pass


def _is_stale(old: Path, keep_seconds: float = 30 * 86400) -> bool:
    """Entries unused for a month go (each rubric edit leaves one behind)."""
    import time

    try:
        return time.time() - old.stat().st_atime > keep_seconds
    except OSError:
        return False
