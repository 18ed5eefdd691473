"""``interviewer rubric lint | test | list``: exact output lines and exit codes.

Commands run in-process with the session's Kiwi (``commands.rubric._analyzer`` is patched);
one test runs the real entry point in a subprocess.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from interviewer import cli
from interviewer.commands import rubric as rubric_cmd
from interviewer.scoring.match import MatchSettings

ROOT = Path(__file__).resolve().parents[2]
LINT = ROOT / "tests" / "data" / "lint"
DEFECTS = LINT / "defects"
T = f"{MatchSettings().threshold:.2f}"


@pytest.fixture
def run(analyzer, monkeypatch, capsys):
    monkeypatch.setattr(rubric_cmd, "_analyzer", lambda: analyzer)
    monkeypatch.setenv("NO_COLOR", "1")

    def go(*args):
        code = cli.main(["rubric", *map(str, args)])
        out, err = capsys.readouterr()
        return code, out, err

    return go


def test_lint_warnings_only_exits_0(run):
    f = DEFECTS / "quality.yaml"
    code, out, err = run("lint", f)
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        f"{f}:3: warning: incomplete-question: question 'quality' has no level",
        f"{f}:8: warning: no-hint: key point 'quality/lactic' has no hint",
        f"{f}:10: warning: few-phrases: key point 'quality/lactic' has 1 phrase (at least 2)",
        f"{f}:14: warning: no-examples: key point 'quality/salt' has no negative example",
        "note: generic-phrase not measured for 1 question with fewer than 10 unrelated answers: quality",
        "lint: 1 file, 1 question, 2 key points: 0 errors, 4 warnings "
        "(few-phrases 1, incomplete-question 1, no-examples 1, no-hint 1)",
    ]
    code, out, _ = run("lint", "--strict", f)
    assert code == 1 and out.splitlines()[-1].startswith("lint: 1 file, 1 question, 2 key points: 0 errors, 4 warnings")


def test_lint_error_exits_1(run):
    f = DEFECTS / "shared-phrase.yaml"
    code, out, err = run("lint", f)
    assert (code, err) == (1, "")
    assert out.splitlines() == [
        f"{f}:18: error: shared-phrase: key point 'salt' and key point 'lactic' of 'shared-phrase' share 1 "
        "normalised phrase: '유산균의 발효' ~ '유산균 발효' [유산균 발효]",
        "note: generic-phrase not measured for 1 question with fewer than 10 unrelated answers: shared-phrase",
        "lint: 1 file, 1 question, 2 key points: 1 error, 0 warnings (shared-phrase 1)",
    ]


def test_lint_clean_exits_0(run):
    code, out, err = run("lint", LINT / "clean.yaml")
    assert (code, out, err) == (0, "lint: 1 file, 3 questions, 6 key points: no problems\n", "")


def test_lint_json(run):
    f = DEFECTS / "schema.yaml"
    code, out, err = run("lint", "--json", f)
    assert (code, err) == (1, "")
    data = json.loads(out)
    assert data["findings"] == [{
        "file": str(f), "line": 4, "severity": "error", "code": "schema",
        "message": "questions[0].promt: unknown field (known fields: id, prompt, tags, level, model_answer, "
                   "key_points, misconceptions, follow_ups) (+1 more)",
    }]
    assert data["summary"] == {"files": 1, "questions": 0, "key_points": 0, "errors": 1, "warnings": 0,
                               "by_code": {"schema": 1}}
    assert data["settings"]["generic_share"] == 0.05


def test_lint_python_object_via_the_real_entry_point(tmp_path):
    """The tag is reported as a finding; the command it names never runs."""
    marker = tmp_path / "pwned"
    evil = tmp_path / "evil.yaml"
    evil.write_text(f'questions:\n  - id: q\n    prompt: !!python/object/apply:os.system ["touch {marker}"]\n'
                    "    key_points:\n      - id: k\n        label: l\n        phrases: [a, b]\n", encoding="utf-8")
    env = dict(os.environ, PYTHONPATH=str(ROOT), NO_COLOR="1")
    p = subprocess.run([sys.executable, "-m", "interviewer", "rubric", "lint", str(evil)], capture_output=True,
                       text=True, env=env, timeout=120)
    assert not marker.exists()
    assert (p.returncode, p.stderr) == (1, "")
    assert p.stdout.splitlines() == [
        f"{evil}:3: error: yaml: tag !!python/object/apply:os.system is not allowed; "
        "rubric files are plain data",
        "lint: 1 file, 0 questions, 0 key points: 1 error, 0 warnings (yaml 1)",
    ]


@pytest.mark.parametrize("action", ["lint", "test", "list"])
def test_missing_path_exits_2(run, action, tmp_path):
    code, out, err = run(action, tmp_path / "nope.yaml")
    assert (code, out) == (2, "")
    assert err == f"Error: {tmp_path / 'nope.yaml'}: no such file or directory\n"


def test_no_action_exits_2(run):
    code, out, err = run()
    assert (code, out) == (2, "")
    last = err.splitlines()[-1]  # other actions (eval, suggest) may follow these three
    assert last.startswith("Error: choose an action: lint, test") and " list" in last
    assert last.endswith(" (see interviewer rubric --help)")


def test_bad_generic_share_is_a_usage_error(run):
    with pytest.raises(SystemExit) as exc:
        run("lint", "--generic-share", "2", LINT / "clean.yaml")
    assert exc.value.code == 2


def test_test_prints_each_failure(run):
    f = LINT / "examples-fail.yaml"
    code, out, err = run("test", f)
    assert (code, err) == (1, "")
    assert out.splitlines() == [
        f"{f}:14: fail: fail-kimchi/lactic: positive example not covered",
        '    example:  "김치는 시간이 지나면 저절로 시어져요."',
        "    evidence: none",
        f"    best:     no phrase came near (0.00 < {T})",
        f"{f}:15: fail: fail-kimchi/lactic: negative example covered",
        '    example:  "유산균 발효 때문에 김치가 짜져요."',
        '    evidence: "유산균 발효"',
        f"    best:     '유산균 발효' 1.00 >= {T}",
        f"{f}:21: fail: fail-kimchi/salt: positive example contradicted",
        '    example:  "배추를 소금에 절이지 않아요."',
        '    evidence: "소금에 절이"',
        f"    best:     '소금에 절임' 1.00 >= {T}",
        "test: 5 examples (3 positive, 2 negative) for 2 key points: 3 failed (2 positive not covered, "
        "1 negative covered)",
    ]


def test_test_refuses_an_unloadable_rubric(run):
    code, out, err = run("test", DEFECTS / "schema.yaml")
    assert (code, out) == (2, "")
    assert err == (f"Error: {DEFECTS / 'schema.yaml'}:4: questions[0].promt: unknown field (known fields: id, "
                   "prompt, tags, level, model_answer, key_points, misconceptions, follow_ups) (+1 more)\n")


def test_test_cross(run):
    code, out, err = run("test", "--cross", LINT / "cross.yaml")
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        "test: 12 examples (6 positive, 6 negative) for 6 key points: all passed",
        "",
        "cross-question false positives (positive examples scored against the other questions of their topic):",
        "  examples:            6",
        "  pairs credited:      2/4 (50.0%)  (example × other question, ≥ 1 key point credited)",
        "  key points credited: 2/8 (25.0%)",
        "  by topic:",
        "    bread   examples    2  pairs         0/0 (0.0%)  key points         0/0 (0.0%)",
        "    kimchi  examples    4  pairs        2/4 (50.0%)  key points        2/8 (25.0%)",
        "  most credited key points (by other questions' examples), top 2:",
        "    x-kimchi/lactic  1×  e.g. x-storage/ferment: \"유산균 발효\" via '유산균 발효'",
        "    x-storage/ferment  1×  e.g. x-kimchi/lactic: \"유산균이 발효\" via '유산균 발효'",
        "  examples crediting the most foreign key points, top 2:",
        "    x-kimchi/lactic  1×  \"배추 속 유산균이 발효하면서 맛이 시큼해져요.\"",
        "    x-storage/ferment  1×  \"온도가 낮으면 유산균 발효가 느려져요.\"",
    ]


def test_test_json(run):
    code, out, err = run("test", "--json", LINT / "clean.yaml")
    assert (code, err) == (0, "")
    data = json.loads(out)
    assert data["summary"] == {"examples": 12, "positive": 6, "negative": 6, "failed": 0, "positive_failed": 0,
                               "negative_failed": 0, "key_points": 6, "key_points_without_examples": 0}
    assert data["failures"] == [] and data["threshold"] == MatchSettings().threshold
    assert "rubric-" in data["signature"]


def test_list(run):
    code, out, err = run("list", LINT / "clean.yaml")
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        "topics:",
        "  bread      1",
        "  jang       1",
        "  kimchi     1",
        "  total      3  (3 topics, 6 key points, 1 with follow-ups)",
        "",
        "id        level         kps  fu  tags",
        "kimchi    basic           2   1  kimchi",
        "doenjang  intermediate    2   0  jang",
        "bread     basic           2   0  bread",
    ]


def test_list_json_and_tag(run):
    code, out, _ = run("list", "--json", "--tag", "kimchi", LINT / "clean.yaml")
    assert code == 0
    data = json.loads(out)
    assert data["topics"] == [{"tag": "kimchi", "questions": 1}]
    assert data["items"] == [{"id": "kimchi", "level": "basic", "key_points": 2, "follow_ups": 1, "tags": ["kimchi"],
                              "prompt": "김치가 익는 원리를 설명해 주세요.", "file": str(LINT / "clean.yaml"), "line": 6}]
    code, out, err = run("list", "--tag", "nope", LINT / "clean.yaml")
    assert (code, out) == (2, "")
    assert err == "Error: unknown tag 'nope' (tags: bread, jang, kimchi)\n"


def test_every_action_has_help(run):
    for action in ("lint", "test", "list"):
        with pytest.raises(SystemExit) as exc:
            run(action, "--help")
        assert exc.value.code == 0
