"""The practice flow without a terminal: question order, follow-ups, hints, retries, skips,
commands, and the Practice driver writing each answer before returning its feedback.
Scoring is real (Kiwi via the shared ``analyzer`` fixture)."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from interviewer.errors import InputError, TranscriptError
from interviewer.rubric import load_rubric
from interviewer.scoring.scorer import Scorer
from interviewer.session import (
    MAX_FOLLOW_UPS,
    Practice,
    Session,
    follow_up_reason,
    order_questions,
    parse_command,
    qwerty,
    select_questions,
)
from interviewer.transcript import TranscriptWriter, read_transcript

DATA = Path(__file__).resolve().parent.parent / "data"

# Says 기울기 소실 (follow-up on covered) but neither 출력 중심 nor 지수 연산 (two follow-ups on missed).
VANISHING_ONLY = "기울기 소실이 생겨서 앞쪽 층이 잘 학습되지 않아요."
FULL = "기울기 소실이 생기고, 출력이 항상 양수라서 지그재그로 움직이고, exp 계산이 느림도 단점이에요."


@pytest.fixture(scope="module")
def rubric():
    return load_rubric(DATA / "practice.yaml")


@pytest.fixture(scope="module")
def scorer(rubric, analyzer):
    return Scorer(rubric, analyzer)


def answer(session: Session, scorer: Scorer, text: str):
    return session.answer(text, scorer.score(session.current.question, text))


# --- choosing and ordering ---------------------------------------------------------------


def test_sequential_order_is_rubric_order(rubric):
    assert [q.id for q in order_questions(rubric.questions, "sequential", random.Random(1))] == [
        "sigmoid", "dropout", "batchnorm"]


def test_random_order_is_a_seeded_permutation(rubric):
    a = order_questions(rubric.questions, "random", random.Random(7))
    b = order_questions(rubric.questions, "random", random.Random(7))
    assert [q.id for q in a] == [q.id for q in b]
    assert sorted(q.id for q in a) == ["batchnorm", "dropout", "sigmoid"]


def test_due_order_fails_with_one_clear_line_until_a_schedule_exists(rubric):
    with pytest.raises(InputError) as err:
        order_questions(rubric.questions, "due", random.Random(1))
    assert str(err.value) == ("--order due needs the review schedule, which is not built yet; "
                              "use --order sequential or random")


def test_due_order_uses_the_schedule_hook_when_given(rubric):
    due_first = order_questions(rubric.questions, "due", random.Random(1), due=lambda qs: list(reversed(qs)))
    assert [q.id for q in due_first] == ["batchnorm", "dropout", "sigmoid"]


def test_unknown_order():
    with pytest.raises(InputError, match="--order: 'alphabetical' is not one of sequential, random, due"):
        order_questions([], "alphabetical", random.Random(1))


@pytest.mark.parametrize("tags, level, expected", [
    ((), None, ["sigmoid", "dropout", "batchnorm"]),
    (("regularization",), None, ["dropout", "batchnorm"]),
    (("activations", "normalization"), None, ["sigmoid", "batchnorm"]),
    ((), "basic", ["sigmoid", "batchnorm"]),
    (("regularization",), "basic", ["batchnorm"]),
])
def test_select_questions(rubric, tags, level, expected):
    assert [q.id for q in select_questions(rubric.questions, tags, level, rubric.tags())] == expected


def test_select_unknown_tag_suggests_close_ones(rubric):
    with pytest.raises(InputError) as err:
        select_questions(rubric.questions, ("regularisation",), None, rubric.tags())
    assert str(err.value) == "--tags: unknown tag 'regularisation' (did you mean: regularization?)"


def test_select_nothing_matches(rubric):
    with pytest.raises(InputError) as err:
        select_questions(rubric.questions, ("activations",), "advanced", rubric.tags())
    assert str(err.value) == "no questions match tags activations and level advanced"


# --- follow-ups ------------------------------------------------------------------------------


def test_covered_point_triggers_its_follow_up_with_the_reason(rubric, scorer):
    s = Session(rubric.questions)
    turn = answer(s, scorer, VANISHING_ONLY)
    assert [k.id for k in turn.result.covered] == ["vanishing"]
    assert s.current.is_follow_up
    assert s.current.question.id == "sigmoid/follow-up-1"
    assert s.current.question.prompt == "그럼 이를 완화하는 방법은 무엇인가요?"
    assert s.current.reason == "'기울기 소실'을 말씀하셨는데…"
    assert s.current.number == 1 and s.current.parent.id == "sigmoid"


def test_at_most_two_follow_ups_per_question_then_the_next_question(rubric, scorer):
    s = Session(rubric.questions)
    turn = answer(s, scorer, VANISHING_ONLY)  # three triggers fire: covered 1, missed 2 and 3
    assert MAX_FOLLOW_UPS == 2
    assert [p.question.id for p in turn.follow_ups] == ["sigmoid/follow-up-1", "sigmoid/follow-up-2"]
    answer(s, scorer, "ReLU를 쓰고 He 초기화를 합니다.")
    assert s.current.question.id == "sigmoid/follow-up-2"
    assert s.current.reason == "'지수 연산 비용'은 말씀하지 않으셨는데…"
    follow = answer(s, scorer, "exp 계산이 들어가요.")
    assert follow.follow_ups == ()  # follow-ups do not have follow-ups
    assert s.current.question.id == "dropout" and not s.current.is_follow_up


def test_no_follow_ups_option(rubric, scorer):
    s = Session(rubric.questions, follow_ups=False)
    turn = answer(s, scorer, VANISHING_ONLY)
    assert turn.follow_ups == ()
    assert s.current.question.id == "dropout"


def test_missed_trigger_does_not_fire_when_the_point_is_covered(rubric, scorer):
    s = Session(rubric.questions)
    turn = answer(s, scorer, FULL)
    assert {k.id for k in turn.result.covered} == {"vanishing", "not-zero-centered", "exp-cost"}
    assert [p.question.id for p in turn.follow_ups] == ["sigmoid/follow-up-1"]


def test_reason_uses_the_label_when_the_evidence_is_long():
    assert follow_up_reason("기울기 소실", "미분값이 계속 곱해지면서 점점 0에 가까워지는 현상", "covered") == \
        "'기울기 소실'을 말씀하셨는데…"
    assert follow_up_reason("ReLU", "ReLU", "covered") == "'ReLU'을(를) 말씀하셨는데…"
    assert follow_up_reason("출력 중심", None, "missed", contradicted=True) == "'출력 중심' 부분을 반대로 말씀하셨는데…"


# --- /again, /skip, /hint, /model --------------------------------------------------------------


def test_again_retries_the_question_just_answered_then_resumes(rubric, scorer):
    s = Session(rubric.questions)
    answer(s, scorer, VANISHING_ONLY)
    displaced = s.current
    retry = s.again()
    assert retry.question.id == "sigmoid" and retry.attempt == 2 and retry.reason is None
    assert s.again() is retry  # twice in a row: still the same retry, nothing duplicated
    turn = answer(s, scorer, FULL)
    assert turn.prompt.attempt == 2
    # follow-ups already asked are not asked again; the displaced follow-up comes back next
    assert turn.follow_ups == ()
    assert s.current == displaced


def test_again_before_any_answer_restarts_the_current_question(rubric):
    s = Session(rubric.questions)
    first = s.current
    assert s.again() is first


def test_skip_moves_on_and_is_recorded(rubric):
    s = Session(rubric.questions)
    assert s.skip().question.id == "sigmoid"
    assert s.current.question.id == "dropout"
    s.skip()
    s.skip()
    assert s.done and [p.question.id for p in s.skipped] == ["sigmoid", "dropout", "batchnorm"]


def test_hints_one_point_at_a_time_and_recorded_with_the_answer(rubric, scorer):
    s = Session(rubric.questions)
    first, second = s.hint(), s.hint()
    assert (first.key_point.id, first.text) == ("vanishing", "입력이 아주 클 때 미분값이 어떻게 되는지 생각해 보세요.")
    assert second.key_point.id == "not-zero-centered"
    assert s.hint() is None  # exp-cost has no hint
    turn = answer(s, scorer, VANISHING_ONLY)
    assert turn.hints == ("vanishing", "not-zero-centered")
    assert s.hint() is None  # follow-up 1's points have no hints
    s.skip()
    s.skip()
    assert s.current.question.id == "dropout" and s.hint().key_point.id == "random-drop"


def test_hint_on_a_retry_starts_with_what_was_missed(rubric, scorer):
    s = Session(rubric.questions, follow_ups=False)
    answer(s, scorer, VANISHING_ONLY)
    s.again()
    assert s.hint().key_point.id == "not-zero-centered"  # vanishing was covered last time


def test_model_answer_after_an_answer_is_for_that_question(rubric, scorer):
    s = Session(rubric.questions, follow_ups=False)
    answer(s, scorer, VANISHING_ONLY)
    assert s.model_target().question.id == "sigmoid"
    s.skip()  # now dropout is skipped; batchnorm is current and nothing was answered since
    assert s.model_target().question.id == "batchnorm"
    turn = answer(s, scorer, "미니배치의 평균과 분산으로 정규화합니다.")
    assert turn.model_shown is True


def test_result_for_another_question_is_refused(rubric, scorer):
    s = Session(rubric.questions)
    with pytest.raises(ValueError):
        s.answer("x", scorer.score(rubric.question("dropout"), "x"))


def test_session_over():
    with pytest.raises(InputError):
        Session([])


# --- commands ------------------------------------------------------------------------------


@pytest.mark.parametrize("line, command", [
    ("/hint", "hint"), ("  /HINT ", "hint"), ("/힌트", "hint"), ("/ㅗㅑㅜㅅ", "hint"),
    ("/skip", "skip"), ("/나ㅑㅔ", "skip"), ("/again", "again"), ("/다시", "again"),
    ("/model", "model"), ("/모범답안", "model"), ("/help", "help"), ("/?", "help"),
    ("/quit", "quit"), ("/벼ㅑㅅ", "quit"), ("/종료", "quit"), ("/q", "quit"),
    ("/nope", "?nope"), ("/", "?"),
    ("기울기 소실이요", None), ("", None), ("/hint\n둘째 줄", None), ("1/2 확률이에요", None),
])
def test_parse_command(line, command):
    assert parse_command(line) == command


def test_qwerty_undoes_the_korean_ime():
    assert qwerty("ㅗㅑㅜㅅ") == "hint"
    assert qwerty("벼ㅑㅅ") == "quit"
    assert qwerty("ㅡㅐㅇ디") == "model"


# --- the driver: transcript first, then feedback -----------------------------------------------


def make_practice(rubric, scorer, tmp_path, **kw):
    writer = TranscriptWriter.create(tmp_path, {"rubric": {"digest": rubric.digest}})
    session = Session(rubric.questions, follow_ups=kw.pop("follow_ups", True))
    return Practice(session, scorer=lambda: scorer, writer=writer, **kw)


def test_practice_answer_feedback_and_transcript(rubric, scorer, tmp_path):
    p = make_practice(rubric, scorer, tmp_path)
    path = p.writer.path
    assert "Q. 시그모이드 함수의 단점은 무엇인가요?" in p.opening()
    assert p.handle("/hint").text == "힌트: 입력이 아주 클 때 미분값이 어떻게 되는지 생각해 보세요."
    reply = p.handle("음 그러니까 " + VANISHING_ONLY)
    assert not reply.done
    assert '✓ 기울기 소실 — "기울기 소실"' in reply.text
    assert "✗ 출력의 중심이 0이 아님" in reply.text
    assert "추임새 2번: 음, 그러니까" in reply.text
    assert "↳ 꼬리질문 — '기울기 소실'을 말씀하셨는데…\nQ. 그럼 이를 완화하는 방법은 무엇인가요?" in reply.text
    status = p.status()
    assert (status.number, status.total, status.follow_up) == (1, 3, True)

    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert [r["type"] for r in records] == ["header", "answer"]
    rec = records[1]
    assert rec["question"] == "sigmoid" and rec["answer"] == "음 그러니까 " + VANISHING_ONLY
    assert rec["hints"] == ["vanishing"]
    assert rec["follow_ups_triggered"] == ["sigmoid/follow-up-1", "sigmoid/follow-up-2"]
    assert rec["result"]["key_points"][0]["covered"] is True
    assert rec["delivery"]["fillers"] == {"음": 1, "그러니까": 1}

    assert p.handle("/skip").text.startswith("건너뛰었어요.")
    reply = p.handle("/quit")
    assert reply.done and f"기록: {path}" in reply.text
    t = read_transcript(path)
    assert [r["type"] for r in t.records] == ["answer", "skip", "end"] and t.ended


def test_answer_is_on_disk_before_feedback_is_returned(rubric, scorer, tmp_path):
    p = make_practice(rubric, scorer, tmp_path)

    class FullDisk:
        path = tmp_path / "full"

        def append(self, record):
            raise TranscriptError(f"{self.path}: cannot write transcript: No space left on device")

    p.writer = FullDisk()
    with pytest.raises(TranscriptError):
        p.handle(VANISHING_ONLY)  # no feedback without a durable record


def test_empty_input_is_not_an_answer_and_unknown_commands_are_named(rubric, scorer, tmp_path):
    p = make_practice(rubric, scorer, tmp_path)
    assert p.handle("   ").text == ""
    assert p.handle("/nope").text == "알 수 없는 명령 /nope — /help 로 명령을 볼 수 있어요."
    assert p.session.turns == []


def test_session_that_recorded_nothing_leaves_no_file(rubric, scorer, tmp_path):
    p = make_practice(rubric, scorer, tmp_path)
    path = p.writer.path
    assert path.exists()
    assert "답변이 없어 기록을 남기지 않았어요." in p.quit()
    assert not path.exists()


def test_last_answer_ends_the_session(rubric, scorer, tmp_path):
    p = make_practice(rubric, scorer, tmp_path, follow_ups=False)
    p.handle("/skip")
    p.handle("/skip")
    reply = p.handle("미니배치의 평균과 분산으로 정규화합니다.")
    assert reply.done
    assert "연습 끝 — 답변 1개, 건너뜀 2개, 평균 점수 100%" in reply.text


@pytest.mark.parametrize("prompt, says", [
    ("XOR 문제를 말씀하셨는데, 은닉층이 하나 있는 신경망은 XOR을 어떻게 풀 수 있을까요?", True),
    ("미분 가능성을 언급하셨는데, 정확도는 어떻게 최적화하나요?", True),
    ("그럼 이를 완화하는 방법은 무엇인가요?", False),
    ("연산 비용 측면에서는 어떤가요? 앞에서 말씀하셨는데요", False),
])
def test_follow_up_reason_is_not_said_twice(prompt, says):
    from interviewer.session import states_its_reason

    assert states_its_reason(prompt) is says


def test_model_after_a_follow_up_shows_the_main_questions(rubric, scorer, tmp_path):
    p = make_practice(rubric, scorer, tmp_path)
    p.handle(VANISHING_ONLY)
    p.handle("ReLU를 씁니다.")
    assert p.handle("/model").text == (
        "꼬리질문에는 모범 답안이 없어 본 질문의 것을 보여 드려요.\n모범 답안 — sigmoid\n"
        + rubric.question("sigmoid").model_answer)
    p.handle("/skip")  # follow-up 2
    assert p.handle("/model").text == "'dropout'에는 모범 답안이 없어요."
