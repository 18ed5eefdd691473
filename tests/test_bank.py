"""The shipped question bank meets its quality bar: size, the seed's questions, lint and
self-tests clean (issue: rubric bank). Runs the real commands, as an author would."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from interviewer.rubric import bank_dir, load_rubric

ROOT = Path(__file__).resolve().parent.parent
SEED_QUESTIONS = ["seed-activation", "seed-sigmoid", "seed-relu", "seed-param-hyper", "seed-batch",
                  "seed-loss-metric", "seed-loss-cost"]


@pytest.fixture(scope="module")
def bank():
    return load_rubric(bank_dir())


def test_bank_size_and_shape(bank):
    assert len(bank.questions) >= 120
    for q in bank.questions:
        assert len(q.key_points) >= 2, q.id
        for kp in q.key_points:
            assert len(kp.phrases) >= 2, f"{q.id}/{kp.id}"
            assert kp.hint, f"{q.id}/{kp.id}"
            assert kp.examples.positive and kp.examples.negative, f"{q.id}/{kp.id}"
        assert q.model_answer and q.tags and q.level, q.id
    with_follow_ups = sum(1 for q in bank.questions if q.follow_ups)
    assert with_follow_ups >= len(bank.questions) / 2


def test_seed_questions_present(bank):
    for qid in SEED_QUESTIONS:
        assert qid in bank
    sigmoid = bank.question("seed-sigmoid")
    assert [kp.id for kp in sigmoid.key_points] == [
        "vanishing", "not-zero-centered", "slow-exp", "bounded-output", "smooth-derivative"]


def run(*args):
    env = dict(os.environ, PYTHONPATH=str(ROOT), NO_COLOR="1")
    return subprocess.run([sys.executable, "-m", "interviewer", *args], capture_output=True, text=True,
                          env=env, timeout=900)


def test_lint_clean():
    p = run("rubric", "lint", str(bank_dir()))
    assert p.returncode == 0, p.stdout[-3000:] + p.stderr[-2000:]
    assert p.stdout.strip().splitlines()[-1].endswith("no problems")


def test_examples_pass():
    p = run("rubric", "test", str(bank_dir()))
    assert p.returncode == 0, p.stdout[-3000:] + p.stderr[-2000:]
    assert p.stdout.strip().splitlines()[-1].endswith("all passed")
