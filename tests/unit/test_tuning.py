"""Rubric tuning on committed labeled data (tests/data/tuning/): eval numbers against a hand
computation, the sweep against a brute-force re-score, rescore's exact list of changes, and
suggestions that really credit the missed answers.

The fixture rubric uses words the bundled glossary does not know (see its header), and the
threshold is pinned at 0.8, so these numbers move only if matching itself changes.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from interviewer.evaluate import evaluate, load_labels, prediction_of
from interviewer.rubric import load_rubric
from interviewer.scoring.match import MatchSettings
from interviewer.scoring.scorer import Scorer
from interviewer.tuning import (
    best_threshold,
    rescore_diff,
    run_eval,
    score_answers,
    score_labels,
    suggest,
    sweep,
    transcript_answers,
    with_follow_ups,
)

DATA = Path(__file__).resolve().parent.parent / "data" / "tuning"
RUBRIC = DATA / "rubric.yaml"
EDITED = DATA / "edited.yaml"
LABELS = DATA / "labels.jsonl"
SESSION = DATA / "transcripts" / "2025-03-01_210405.jsonl"
T = 0.8


@pytest.fixture(scope="module")
def rubric():
    return with_follow_ups(load_rubric(RUBRIC))


@pytest.fixture(scope="module")
def scorer(rubric, analyzer):
    return Scorer(rubric, analyzer, MatchSettings(threshold=T))


@pytest.fixture(scope="module")
def labels(rubric):
    return load_labels([LABELS], rubric)


@pytest.fixture(scope="module")
def scored(labels, scorer):
    return score_labels(labels, scorer)


def src(line: int) -> str:
    return f"{LABELS}:{line}"


# What the scorer says for each labeled answer at 0.8 (C covered, X contradicted, - missed),
# next to the label; the hand computation below is read off this table.
#  line question        answer                                   machine                label
#   1   picnic  김밥 도시락이랑 돗자리 방석 담요를 … 데려가지 않아요  lunch C mat C no-cat C  covered all three
#   2   picnic  김밥 도시락 대신 빵을 사 가요.                        lunch C               lunch contradicted
#   3   picnic  돗자리랑 담요만 있으면 돼요.      mat - (near 0.67)                     mat covered
#   4   picnic  방석이랑 담요를 가져가요.         mat - (near 0.67)                     mat covered
#   5   picnic  돗자리 방석은 무거워서 안 가져가요. mat - (near 0.67)                   mat contradicted
#   6   picnic  고양이도 데려가요.                no-cat X                              no-cat contradicted
#   7   picnic  도시락을 싸요.                    lunch - (near 0.50)                   lunch covered
#   8   picnic  잘 모르겠어요.                    -                                     -
#   9   rain    우산과 장화를 챙겨요.             umbrella C                            umbrella covered
#  10   rain    노란 비옷을 입어요.               raincoat C                            raincoat covered
#  11   rain    장화만 신어요.                    umbrella - (near 0.50)                -
#  12   rain    비옷을 입고 우산은 안 써요.        raincoat - (near 0.50), umbrella - (conflict 0.50)
#                                                                                      raincoat covered, umbrella contradicted
#  13   rain    우산 장화 같은 건 잘 모르겠고 …    umbrella C                            -
#  14   follow-up-1 물병이랑 보온병이요.          water C                               water covered
#  15   follow-up-1 과자요.                       -                                     -
MACHINE = {
    1: ({"lunch", "mat", "no-cat"}, set()), 2: ({"lunch"}, set()), 3: (set(), set()), 4: (set(), set()),
    5: (set(), set()), 6: (set(), {"no-cat"}), 7: (set(), set()), 8: (set(), set()), 9: ({"umbrella"}, set()),
    10: ({"raincoat"}, set()), 11: (set(), set()), 12: (set(), set()), 13: ({"umbrella"}, set()),
    14: ({"water"}, set()), 15: (set(), set()),
}


def test_the_table_above_is_what_the_scorer_says(scored):
    got = {n: ({k.id for k in s.result.key_points if k.covered}, {k.id for k in s.result.key_points if k.contradicted})
           for n, s in enumerate(scored, 1)}
    assert got == MACHINE


def test_eval_numbers_equal_the_hand_computation(labels, scorer, scored):
    res = run_eval(labels, scorer, scored)
    per_kp = {(q.id, kp.id): (c.tp, c.fp, c.fn, c.contradicted, c.contradicted_credited, c.contradicted_flagged)
              for q, kp, c in res.key_points()}
    assert per_kp == {
        # lunch: TP line 1; FP line 2 (labeled contradicted, credited); FN line 7
        ("tune-picnic", "lunch"): (1, 1, 1, 1, 1, 0),
        # mat: TP line 1; FN lines 3, 4; line 5 labeled contradicted, not credited, not flagged
        ("tune-picnic", "mat"): (1, 0, 2, 1, 0, 0),
        # no-cat: TP line 1; line 6 labeled contradicted and flagged ⚠
        ("tune-picnic", "no-cat"): (1, 0, 0, 1, 0, 1),
        # umbrella: TP line 9; FP line 13; line 12 labeled contradicted (conflict 0.50 < 0.8: not flagged)
        ("tune-rain", "umbrella"): (1, 1, 0, 1, 0, 0),
        # raincoat: TP line 10; FN line 12
        ("tune-rain", "raincoat"): (1, 0, 1, 0, 0, 0),
        ("tune-picnic/follow-up-1", "water"): (1, 0, 0, 0, 0, 0),
    }
    f1 = {(q.id, kp.id): round(c.f1, 4) for q, kp, c in res.key_points()}
    assert f1 == {
        ("tune-picnic", "lunch"): 0.5,  # P 1/2, R 1/2
        ("tune-picnic", "mat"): 0.5,  # P 1/1, R 1/3: 2·1·(1/3) / (4/3) = 0.5
        ("tune-picnic", "no-cat"): 1.0,
        ("tune-rain", "umbrella"): 0.6667,  # P 1/2, R 1: 2·0.5 / 1.5
        ("tune-rain", "raincoat"): 0.6667,  # P 1, R 1/2
        ("tune-picnic/follow-up-1", "water"): 1.0,
    }
    o = res.report.overall
    # TP = 1+1+1+1+1+1 = 6; FP = 1 (lunch) + 1 (umbrella) = 2; FN = 1 (lunch) + 2 (mat) + 1 (raincoat) = 4
    assert (o.tp, o.fp, o.fn) == (6, 2, 4)
    assert o.precision == 0.75  # 6 / (6 + 2)
    assert o.recall == 0.6  # 6 / (6 + 4)
    assert round(o.f1, 4) == 0.6667  # 2·6 / (2·6 + 2 + 4) = 12/18
    # four labeled contradictions (lines 2, 5, 6, 12): line 2 credited, line 6 flagged
    assert (o.contradicted, o.contradicted_credited, o.contradicted_flagged) == (4, 1, 1)
    assert o.credited_rate == 0.25


def test_eval_agrees_with_the_bench_path(labels, rubric, scorer, scored):
    """bench/accuracy.py scores with score_many and counts with evaluate(); so does rubric eval."""
    results = list(scorer.score_many((lb.question, lb.answer) for lb in labels))
    bench = evaluate(labels, lambda lb: prediction_of(results[labels.index(lb)]), rubric)
    ours = run_eval(labels, scorer, scored).report
    assert ours.overall == bench.overall
    assert dict(ours.by_key_point) == dict(bench.by_key_point)


def test_eval_lists_every_false_positive_with_its_evidence(labels, scorer, scored):
    res = run_eval(labels, scorer, scored)
    got = [(d.source, d.key_point, d.human, d.window.text, d.window.phrase, round(d.window.score, 2))
           for d in res.false_positives]
    assert got == [
        (src(2), "lunch", "contradicted", "김밥 도시락", "김밥 도시락", 1.0),
        (src(13), "umbrella", "missed", "우산 장화", "우산 장화", 1.0),
    ]


def test_eval_lists_every_false_negative_with_its_near_miss(labels, scorer, scored):
    res = run_eval(labels, scorer, scored)
    got = [(d.source, d.key_point, d.machine, d.window.text, d.window.phrase, round(d.window.score, 2))
           for d in res.false_negatives]
    assert got == [
        (src(3), "mat", "missed", "돗자리랑 담요", "돗자리 방석 담요", 0.67),
        (src(4), "mat", "missed", "방석이랑 담요", "돗자리 방석 담요", 0.67),
        (src(7), "lunch", "missed", "도시락", "김밥 도시락", 0.5),
        (src(12), "raincoat", "missed", "비옷", "노란 비옷", 0.5),
    ]


def test_eval_json_shape(labels, scorer, scored):
    out = json.loads(json.dumps(run_eval(labels, scorer, scored).to_json(), ensure_ascii=False))
    assert out["overall"]["precision"] == 0.75 and out["overall"]["recall"] == 0.6
    assert len(out["key_points"]) == 6
    assert out["false_negatives"][0]["near_miss"]["phrase"] == "돗자리 방석 담요"
    assert out["false_positives"][0]["evidence"]["text"] == "김밥 도시락"


# --- sweep -------------------------------------------------------------------------------------

THRESHOLDS = (0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95, 1.0)


def test_sweep_hand_computed(scored, scorer):
    sw = sweep(scored, scorer)
    assert sw.thresholds == THRESHOLDS
    # Scores in play: 1.0, 0.67 (mat lines 3, 4, 5), 0.5 (lunch 7, umbrella 11, raincoat 12, umbrella
    # conflict 12). F1 = 2TP / (2TP + FP + FN).
    # t = 0.5:          TP 10 (lunch 1,7; mat 1,3,4; no-cat 1; umbrella 9; raincoat 10,12; water 14),
    #                   FP 4 (lunch 2; mat 5; umbrella 11, 13), FN 0   -> 20/24 = 0.8333
    # t in 0.55..0.65:  TP 8, FP 3 (lunch 2, mat 5, umbrella 13), FN 2 (lunch 7, raincoat 12) -> 16/21 = 0.7619
    # t >= 0.7:         TP 6, FP 2, FN 4 (as in eval)                         -> 12/18 = 0.6667
    assert [round(f, 4) for f in sw.overall.f1] == [0.8333, 0.7619, 0.7619, 0.7619] + [0.6667] * 7
    assert (sw.overall.best, round(sw.overall.best_f1, 4)) == (0.5, 0.8333)
    best = {(r.question, r.key_point): r.best for r in sw.rows}
    assert best == {
        ("tune-picnic", "lunch"): 0.5,  # 0.8 at 0.5 (TP 2, FP 1), else 0.5
        ("tune-picnic", "mat"): 0.65,  # 0.857 at 0.5..0.65 (TP 3, FP 1); ties go to the one nearest 0.8
        ("tune-picnic", "no-cat"): 0.8,  # 1.0 everywhere: stay
        ("tune-rain", "umbrella"): 0.8,  # 0.5 at 0.5 (FP line 11), 0.667 above: stay
        ("tune-rain", "raincoat"): 0.5,  # 1.0 at 0.5 (line 12 credited)
        ("tune-picnic/follow-up-1", "water"): 0.8,
    }


def test_sweep_runs_no_kiwi(scored, scorer):
    class NoKiwi:
        name = scorer.analyzer.name

        def morphemes(self, texts):
            raise AssertionError("the sweep ran Kiwi")

    import copy

    blind = copy.copy(scorer)  # the same compiled rubric, but any analysis would fail
    blind.analyzer = NoKiwi()
    assert sweep(scored, blind).overall.best == 0.5


def test_sweep_best_threshold_equals_a_brute_force_rescore(rubric, analyzer, labels, scored, scorer):
    """One full Scorer per threshold (Kiwi, match, aggregate) gives the same F1 table, so the
    same best thresholds."""
    sw = sweep(scored, scorer)
    brute_rows: dict[tuple[str, str], list[float]] = {}
    brute_overall = []
    for t in sw.thresholds:
        full = Scorer(rubric, analyzer, MatchSettings(threshold=t))
        results = list(full.score_many((lb.question, lb.answer) for lb in labels))
        rep = evaluate(labels, lambda lb: prediction_of(results[labels.index(lb)]), rubric)
        brute_overall.append(rep.overall.f1)
        for key, c in rep.by_key_point.items():
            brute_rows.setdefault(key, []).append(c.f1)
    assert list(sw.overall.f1) == brute_overall
    assert {(r.question, r.key_point): list(r.f1) for r in sw.rows} == brute_rows
    for r in sw.rows:
        assert r.best == best_threshold(brute_rows[(r.question, r.key_point)], sw.thresholds, T)[0]
    assert sw.overall.best == best_threshold(brute_overall, sw.thresholds, T)[0]


def test_best_threshold_ties():
    assert best_threshold([0.5, 0.9, 0.9, 0.9], [0.5, 0.6, 0.75, 0.95], 0.8) == (0.75, 0.9)  # nearest 0.8
    assert best_threshold([0.9, 0.9, 0.1], [0.7, 0.9, 0.8], 0.8) == (0.9, 0.9)  # equally near: the higher
    assert best_threshold([0.1, 0.2], [0.7, 0.9], 0.8) == (0.9, 0.2)


# --- rescore -----------------------------------------------------------------------------------


def test_rescore_lists_exactly_the_changed_points(analyzer):
    items = transcript_answers([SESSION])
    assert [it.turn for it in items] == [1, 2, 3, 4, 5, 6]
    before = score_answers(items, Scorer(with_follow_ups(load_rubric(RUBRIC)), analyzer, MatchSettings(threshold=T)))
    after = score_answers(items, Scorer(with_follow_ups(load_rubric(EDITED)), analyzer, MatchSettings(threshold=T)))
    rep = rescore_diff(items, before, after, "rubric.yaml", "edited.yaml")
    got = [(c.item.turn, c.item.question, [(p.key_point, p.before, p.after, p.evidence, p.phrase) for p in c.points],
            round(c.before, 4), round(c.after, 4)) for c in rep.changes]
    assert got == [
        # "돗자리 담요" (added) matches "돗자리랑 담요": mat 0 -> 1 of 3 points
        (1, "tune-picnic", [("mat", "missed", "covered", "돗자리랑 담요", "돗자리 담요")], 0.0, 0.3333),
        # "우산 장화 챙김" needs 챙기다, which this answer lacks: umbrella lost (evidence: the base match)
        (4, "tune-rain", [("umbrella", "covered", "missed", "우산 장화", "우산 장화")], 0.5, 0.0),
    ]
    assert rep.transitions() == {("missed", "covered"): 1, ("covered", "missed"): 1}
    assert rep.drift == 0  # recorded with this rubric at this threshold


def test_rescore_with_the_same_rubric_changes_nothing(analyzer):
    items = transcript_answers([SESSION.parent])  # a directory of transcripts
    s = Scorer(with_follow_ups(load_rubric(RUBRIC)), analyzer, MatchSettings(threshold=T))
    rep = rescore_diff(items, score_answers(items, s), score_answers(items, s))
    assert rep.answers == 6 and rep.changes == []


def test_rescore_question_missing_from_the_new_rubric(analyzer, tmp_path):
    items = transcript_answers([SESSION])
    only_rain = tmp_path / "rain.yaml"
    text = RUBRIC.read_text(encoding="utf-8")
    only_rain.write_text("questions:\n" + text[text.index("  - id: tune-rain"):], encoding="utf-8")
    before = score_answers(items, Scorer(with_follow_ups(load_rubric(RUBRIC)), analyzer, MatchSettings(threshold=T)))
    after = score_answers(items, Scorer(with_follow_ups(load_rubric(only_rain)), analyzer, MatchSettings(threshold=T)))
    rep = rescore_diff(items, before, after)
    gone = [(c.item.turn, c.after, [(p.key_point, p.before, p.after) for p in c.points]) for c in rep.changes]
    assert gone == [
        (1, None, [("lunch", "missed", None), ("mat", "missed", None), ("no-cat", "missed", None)]),
        (2, None, [("lunch", "missed", None), ("mat", "missed", None), ("no-cat", "missed", None)]),
        (5, None, [("lunch", "covered", None), ("mat", "covered", None), ("no-cat", "covered", None)]),
        (6, None, [("water", "covered", None)]),
    ]


# --- suggest -----------------------------------------------------------------------------------


def test_suggest_covers_every_missed_point(scored, scorer):
    out = suggest(scored, scorer)
    assert [(s.question, s.key_point, [m.source for m in s.misses]) for s in out] == [
        ("tune-picnic", "lunch", [src(7)]),
        ("tune-picnic", "mat", [src(3), src(4)]),
        ("tune-rain", "raincoat", [src(12)]),
    ]
    mat = out[1]
    phrases = {c.text: (c.fixes, c.breaks) for c in mat.candidates if c.kind == "phrase"}
    # cut from the answers' own words around the near miss
    assert phrases["돗자리랑 담요"] == ((src(3),), ())
    assert phrases["방석이랑 담요"] == ((src(4),), ())
    assert mat.where == f"{RUBRIC}:14"


def test_an_accepted_suggestion_credits_the_answer(scored, scorer, analyzer, tmp_path, labels):
    """Paste the first candidate for 'mat' into a copy of the rubric: the answer it came from is
    now credited, and nothing else changes for the worse."""
    cand = next(c for s in suggest(scored, scorer) if s.key_point == "mat" for c in s.candidates if c.kind == "phrase")
    copy = tmp_path / "rubric.yaml"
    text = RUBRIC.read_text(encoding="utf-8")
    copy.write_text(text.replace('phrases: ["돗자리 방석 담요"]', f'phrases: ["돗자리 방석 담요", "{cand.text}"]'),
                    encoding="utf-8")
    rubric2 = with_follow_ups(load_rubric(copy))
    s2 = Scorer(rubric2, analyzer, MatchSettings(threshold=T))
    res = run_eval(load_labels([LABELS], rubric2), s2)
    fixed = {d.source for d in res.false_negatives if d.key_point == "mat"}
    assert not set(cand.fixes) & fixed
    assert res.report.by_key_point[("tune-picnic", "mat")].fp == 0


def test_suggest_without_misses(labels, scorer, rubric):
    covered_only = [lb for lb in labels if lb.source in (src(1), src(9))]
    assert suggest(score_labels(covered_only, scorer), scorer) == []


def test_transcript_directory_without_transcripts(tmp_path):
    from interviewer.errors import InputError

    shutil.copy(LABELS, tmp_path / "x.labels.jsonl")
    with pytest.raises(InputError, match="no transcripts"):
        transcript_answers([tmp_path])


def test_labels_on_questions_the_rubric_lacks_are_an_error_unless_left_out(tmp_path, rubric):
    from interviewer.errors import InputError

    path = tmp_path / "labels.jsonl"
    first = LABELS.read_text(encoding="utf-8").splitlines()[0]
    other = json.dumps({"question": "nope", "answer": "x", "style": "textbook", "covered": [], "contradicted": []})
    path.write_text(f"{first}\n{other}\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"labels.jsonl:2: question: unknown question id 'nope'"):
        load_labels([path], rubric)
    assert [lb.question for lb in load_labels([path], rubric, only_rubric_questions=True)] == [json.loads(first)["question"]]
