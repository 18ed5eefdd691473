"""A cache of loaded rubrics, so the practice loop shows its first question at once.

Parsing and validating the bundled bank (YAML with line numbers, JSON Schema) takes longer than
everything else before the first question together. A loaded :class:`~interviewer.rubric.Rubric`
is pickled under the user's cache dir (``$XDG_CACHE_HOME/interviewer``), keyed by a hash of every
byte that loading could read (the rubric files, glossaries, schemas, the package's own source)
and their paths: any edit is a miss, and a miss is an ordinary :func:`~interviewer.rubric.load_rubric` (same errors, same
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
from .rubric import Rubric, bank_dir, load_rubric

# Files a rubric load may read: deliberately more than the loader does today (every YAML and JSON
# file beside the rubric and in the bank, every source file of the package), so that a change in
# how the loader finds files can only cause extra misses, never a stale hit.
DATA_SUFFIXES = (".yaml", ".yml", ".json")
KEEP_ENTRIES = 8  # e.g. the bundled bank plus a few of the user's own rubrics


def cache_dir(environ=os.environ) -> Path:
    base = environ.get("XDG_CACHE_HOME", "")
    root = Path(base) if base and os.path.isabs(base) else Path.home() / ".cache"
    return root / "interviewer"


def _inputs(path: Path) -> list[Path]:
    """Every file ``load_rubric(path)`` could read, plus the code that turns them into a Rubric."""
    package = Path(__file__).resolve().parent
    dirs = {bank_dir().resolve(), (path if path.is_dir() else path.parent).resolve()}
    files = {path.resolve()} if path.is_file() else set()
    for d in dirs:
        files.update(p for p in d.iterdir() if p.suffix in DATA_SUFFIXES and p.is_file())
    files.update(package.rglob("*.py"))
    return sorted(files)


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
    except OSError:  # a missing path: let load_rubric say so in its own words
        return load_rubric(path)
    directory = directory or cache_dir()
    entry = directory / f"rubric-{key}.pickle"
    try:
        with open(entry, "rb") as f:
            rubric = pickle.load(f)
        if isinstance(rubric, Rubric):
            try:
                os.utime(entry)  # most recently used: the last to be pruned
            except OSError:
                pass
            return rubric
    except Exception:
        pass  # missing, truncated or from another version: load normally
    rubric = load_rubric(path)
    _store(directory, entry, rubric)
    return rubric


def _store(directory: Path, entry: Path, rubric: Rubric) -> None:
    try:
        directory.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=directory, prefix=".rubric-", suffix=".tmp")
        with os.fdopen(fd, "wb") as f:
            pickle.dump(rubric, f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, entry)  # readers see the whole entry or none
        _prune(directory, keep=entry)
    except Exception:
        pass


def _prune(directory: Path, keep: Path) -> None:
    """Each rubric edit leaves an entry behind: keep only the most recent few."""
    entries = sorted(directory.glob("rubric-*.pickle"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in [e for e in entries if e != keep][KEEP_ENTRIES - 1:]:
        old.unlink(missing_ok=True)
