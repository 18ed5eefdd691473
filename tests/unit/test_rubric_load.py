"""Rubric validation: one line naming file, line and field; YAML tags are never executed."""

from pathlib import Path

import pytest

from interviewer.errors import RubricError
from interviewer.rubric import load_rubric

MINIMAL = (Path(__file__).parents[1] / "data" / "minimal.yaml").read_text(encoding="utf-8")


def write(tmp_path, text, name="r.yaml") -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def test_minimal_file_loads(tmp_path):
    r = load_rubric(write(tmp_path, MINIMAL))
    q = r.question("sigmoid-cons")
    assert q.key_points[0].phrases == ("기울기 소실", "vanishing gradient", "미분값의 최댓값이 0.25")
    assert q.key_points[0].weight == 1.0 and q.key_points[0].required is False


def test_python_object_tag_is_rejected_not_executed(tmp_path):
    marker = tmp_path / "pwned"
    text = MINIMAL + f"extra: !!python/object/apply:os.system ['touch {marker}']\n"
    with pytest.raises(RubricError) as err:
        load_rubric(write(tmp_path, text))
    assert not marker.exists()
    msg = str(err.value)
    assert msg.startswith(f"{tmp_path / 'r.yaml'}:9: YAML: ")
    assert "\n" not in msg


@pytest.mark.parametrize("edit,message", [
    (("label: 기울기 소실", "label: 3"), "7: questions[0].key_points[0].label: 3 is not of type 'string'"),
    (("        label: 기울기 소실\n", ""), "6: questions[0].key_points[0]: 'label' is a required property"),
    (("    prompt:", "    promt:"), "4: questions[0].promt: unknown field (known fields: id, prompt, tags, level, model_answer, key_points, misconceptions, follow_ups)"),
    (("id: vanishing", "id: Vanishing!"), "6: questions[0].key_points[0].id: 'Vanishing!' is not a valid id"),
])
def test_schema_errors_name_line_and_field(tmp_path, edit, message):
    path = write(tmp_path, MINIMAL.replace(*edit))
    with pytest.raises(RubricError) as err:
        load_rubric(path)
    assert str(err.value).startswith(f"{path}:{message}")


def test_unknown_follow_up_key_point(tmp_path):
    text = MINIMAL + "    follow_ups:\n      - key_point: nope\n        when: covered\n        prompt: 꼬리 질문\n"
    with pytest.raises(RubricError, match=r"r.yaml:10: questions\[0\].follow_ups\[0\].key_point: unknown key point 'nope'"):
        load_rubric(write(tmp_path, text))


def test_duplicate_question_across_files(tmp_path):
    write(tmp_path, MINIMAL, "a.yaml")
    write(tmp_path, MINIMAL, "b.yaml")
    with pytest.raises(RubricError, match="duplicate question id 'sigmoid-cons'"):
        load_rubric(tmp_path)


def test_not_yaml(tmp_path):
    with pytest.raises(RubricError, match=r"r.yaml:3: YAML: expected ',' or ']'"):
        load_rubric(write(tmp_path, "questions:\n  - [unclosed\n"))


def test_missing_path(tmp_path):
    with pytest.raises(RubricError, match="no such file or directory"):
        load_rubric(tmp_path / "nope.yaml")
