"""Shared fixtures. Kiwi takes ~2.5 s and ~520 MiB to build: one analyzer per test process."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


@pytest.fixture(scope="session")
def analyzer():
    from interviewer.scoring.analysis import KiwiAnalyzer

    return KiwiAnalyzer()


@pytest.fixture(scope="session")
def mini_rubric():
    from interviewer.rubric import load_rubric

    return load_rubric(DATA / "mini.yaml")


@pytest.fixture(scope="session")
def mini_scorer(mini_rubric, analyzer):
    from interviewer.scoring.scorer import Scorer

    return Scorer(mini_rubric, analyzer)


@pytest.fixture(scope="session")
def bank_scorer(analyzer):
    """A scorer of the bundled bank (its glossary takes a few seconds to compile): never changed by tests."""
    from interviewer.rubric import bank_dir, load_rubric
    from interviewer.scoring.scorer import Scorer

    return Scorer(load_rubric(bank_dir()), analyzer)


@pytest.fixture
def edit_first_answer():
    """edit(path, suffix): append ``suffix`` to the first answer of a transcript, the line written
    ASCII-escaped as the transcript writer does for lone surrogates. Returns the edited record."""

    def edit(path: Path, suffix: str) -> dict:
        lines = path.read_text(encoding="utf-8").splitlines()
        i = next(i for i, line in enumerate(lines) if json.loads(line)["type"] == "answer")
        record = json.loads(lines[i])
        record["answer"] += suffix
        lines[i] = json.dumps(record)
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return record

    return edit
