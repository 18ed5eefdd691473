"""The parse cache: JSON of what yaml.safe_load produced, keyed by the file's bytes."""

import json

import pytest

from interviewer.errors import RubricError
from interviewer.rubric import load_rubric
from interviewer.yamlfile import _cache_path, read_yaml

RUBRIC = """\
questions:
  - id: q
    prompt: 질문
    key_points:
      - id: k
        label: 기울기 소실
        phrases: ["기울기 소실", "vanishing gradient"]
"""


@pytest.fixture(autouse=True)
def cache_home(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return tmp_path / "cache"


def test_second_read_comes_from_cache_with_lines(tmp_path):
    f = tmp_path / "r.yaml"
    f.write_text(RUBRIC, encoding="utf-8")
    first = read_yaml(f)
    entry = _cache_path(RUBRIC)
    assert entry.is_file()
    second = read_yaml(f)
    assert second.data == first.data
    assert second.line(("questions", 0, "key_points", 0, "phrases")) == 7


def test_validation_verdict_is_cached_and_edits_miss(tmp_path):
    f = tmp_path / "r.yaml"
    f.write_text(RUBRIC, encoding="utf-8")
    load_rubric(f)
    assert any(json.loads(_cache_path(RUBRIC).read_text(encoding="utf-8"))["valid"].values())
    f.write_text(RUBRIC.replace('phrases: ["기울기 소실", "vanishing gradient"]', "phrases: []"), encoding="utf-8")
    with pytest.raises(RubricError, match=r"r.yaml:7: questions\[0\].key_points\[0\].phrases: must not be empty"):
        load_rubric(f)


def test_corrupt_cache_entry_is_ignored(tmp_path):
    f = tmp_path / "r.yaml"
    f.write_text(RUBRIC, encoding="utf-8")
    read_yaml(f)
    _cache_path(RUBRIC).write_text("{not json", encoding="utf-8")
    assert read_yaml(f).data["questions"][0]["id"] == "q"


def test_a_tampered_entry_is_only_data(tmp_path):
    """Whatever a cache file says, it is JSON data: it cannot make the loader run code."""
    f = tmp_path / "r.yaml"
    f.write_text(RUBRIC, encoding="utf-8")
    read_yaml(f)
    path = _cache_path(RUBRIC)
    entry = json.loads(path.read_text(encoding="utf-8"))
    entry["data"]["questions"][0]["prompt"] = "!!python/object/apply:os.system ['true']"
    path.write_text(json.dumps(entry, ensure_ascii=False), encoding="utf-8")
    assert read_yaml(f).data["questions"][0]["prompt"] == "!!python/object/apply:os.system ['true']"
