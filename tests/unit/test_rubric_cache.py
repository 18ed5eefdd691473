"""The rubric cache behind the practice loop's fast start: a hit equals a fresh load, any edit is a
miss, and a broken cache entry is ignored."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from interviewer.errors import RubricError
from interviewer.rubric import load_rubric
from interviewer.rubric_cache import cache_dir, load_rubric_cached

DATA = Path(__file__).resolve().parent.parent / "data"


@pytest.fixture
def rubric_file(tmp_path):
    path = tmp_path / "r" / "practice.yaml"
    path.parent.mkdir()
    shutil.copy(DATA / "practice.yaml", path)
    return path


def test_hit_equals_a_fresh_load(rubric_file, tmp_path):
    cache = tmp_path / "cache"
    first = load_rubric_cached(rubric_file, cache)
    assert len(list(cache.glob("rubric-*.pickle"))) == 1
    second = load_rubric_cached(rubric_file, cache)
    fresh = load_rubric(rubric_file)
    assert second == fresh == first
    assert second.question("sigmoid").follow_ups == fresh.question("sigmoid").follow_ups
    assert second.digest == fresh.digest


def test_an_edit_is_a_miss(rubric_file, tmp_path):
    cache = tmp_path / "cache"
    load_rubric_cached(rubric_file, cache)
    rubric_file.write_text(rubric_file.read_text(encoding="utf-8").replace(
        "드롭아웃은 왜 과적합을 줄이나요?", "드롭아웃은 어떻게 과적합을 줄이나요?"), encoding="utf-8")
    edited = load_rubric_cached(rubric_file, cache)
    assert edited.question("dropout").prompt == "드롭아웃은 어떻게 과적합을 줄이나요?"
    assert edited == load_rubric(rubric_file)


def test_a_broken_entry_is_ignored(rubric_file, tmp_path):
    cache = tmp_path / "cache"
    load_rubric_cached(rubric_file, cache)
    (entry,) = cache.glob("rubric-*.pickle")
    entry.write_bytes(b"not a pickle")
    assert load_rubric_cached(rubric_file, cache) == load_rubric(rubric_file)


def test_errors_are_the_loaders_own(tmp_path):
    with pytest.raises(RubricError) as err:
        load_rubric_cached(tmp_path / "missing.yaml", tmp_path / "cache")
    assert str(err.value) == f"{tmp_path / 'missing.yaml'}: no such file or directory"


def test_an_unwritable_cache_still_loads(rubric_file, tmp_path):
    blocker = tmp_path / "blocker"
    blocker.write_text("x")
    assert load_rubric_cached(rubric_file, blocker / "cache") == load_rubric(rubric_file)


def test_cache_dir_follows_xdg(tmp_path):
    assert cache_dir({"XDG_CACHE_HOME": str(tmp_path)}) == tmp_path / "interviewer"
    assert cache_dir({"XDG_CACHE_HOME": "relative"}) == Path.home() / ".cache" / "interviewer"


def test_old_entries_are_pruned(rubric_file, tmp_path, monkeypatch):
    from interviewer import rubric_cache

    monkeypatch.setattr(rubric_cache, "KEEP_ENTRIES", 2)
    cache = tmp_path / "cache"
    for n in range(4):  # four edits, four keys
        rubric_file.write_text(rubric_file.read_text(encoding="utf-8") + f"\n# edit {n}\n", encoding="utf-8")
        load_rubric_cached(rubric_file, cache)
    assert len(list(cache.glob("rubric-*.pickle"))) == 2
