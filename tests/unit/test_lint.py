"""Rubric lint, example self-tests, cross-question false positives and listing (interviewer.lint).

The fixtures under tests/data/lint/ are about cooking on purpose: none of their words is in the
bundled DL glossary, so the findings below do not move when the bank's glossary does.
"""

from pathlib import Path

import pytest

from interviewer.errors import RubricError
from interviewer.lint import (
    CODES,
    Finding,
    LintSettings,
    check_examples,
    cross_question,
    lint,
    listing,
    load_sources,
    phrase_reach,
    unrelated,
    unrelated_corpus,
)
from interviewer.rubric import load_rubric
from interviewer.scoring.match import MatchSettings

LINT = Path(__file__).resolve().parents[1] / "data" / "lint"
DEFECTS = LINT / "defects"
T = MatchSettings().threshold


def lines(report) -> list[str]:
    return [str(f) for f in report.findings]


@pytest.fixture(scope="module")
def defects_report(analyzer):
    return lint(load_sources(DEFECTS), analyzer)


def test_each_defect_is_one_exact_finding(defects_report):
    d = DEFECTS
    assert lines(defects_report) == [
        f"{d}/bad-yaml.yaml:19: error: yaml: expected ',' or ']', but got '<scalar>'",
        f"{d}/duplicate-key-point.yaml:16: error: duplicate-id: key point id 'lactic' of 'duplicate-key-point' "
        "is used twice (also at line 9)",
        f"{d}/duplicate-question.yaml:23: error: duplicate-id: question id 'duplicate-question' is used twice "
        "(also at line 3)",
        f"{d}/empty-phrase.yaml:18: error: empty-phrase: phrase '그리고' of key point 'salt' of 'empty-phrase' "
        "has no content words after analysis; it never matches",
        f"{d}/like-reading.yaml:18: warning: like-reading: phrase '배추 포기 같은 양념' of key point 'even' of "
        "'like-reading': '포기 같-' reads as 'like 포기' and drops '같-'; for 'the same' write '동일'",
        f"{d}/long-phrase.yaml:11: warning: long-phrase: phrase '배추 속 유산균이 당을 분해해 젖산을 만들어 시큼해짐' "
        "of key point 'lactic' of 'long-phrase' has 7 content words (at most 5); an answer must say nearly all "
        "of them close together",
        f"{d}/quality.yaml:3: warning: incomplete-question: question 'quality' has no level",
        f"{d}/quality.yaml:8: warning: no-hint: key point 'quality/lactic' has no hint",
        f"{d}/quality.yaml:10: warning: few-phrases: key point 'quality/lactic' has 1 phrase (at least 2)",
        f"{d}/quality.yaml:14: warning: no-examples: key point 'quality/salt' has no negative example",
        f"{d}/redundant-phrase.yaml:11: warning: redundant-phrase: phrase '유산균이 발효됨' of key point 'lactic' "
        "of 'redundant-phrase' has the same content words as '유산균 발효' [유산균 발효]; the scorer keeps one",
        f"{d}/schema.yaml:4: error: schema: questions[0].promt: unknown field (known fields: id, prompt, tags, "
        "level, model_answer, key_points, misconceptions, follow_ups) (+1 more)",
        f"{d}/shared-misconception.yaml:25: error: shared-phrase: misconception 'salt-only' and key point 'salt' "
        "of 'shared-misconception' share 1 normalised phrase: '소금에 절였음' ~ '소금에 절임' [소금 절이]",
        f"{d}/shared-phrase.yaml:18: error: shared-phrase: key point 'salt' and key point 'lactic' of "
        "'shared-phrase' share 1 normalised phrase: '유산균의 발효' ~ '유산균 발효' [유산균 발효]",
        f"{d}/unknown-contradicts.yaml:27: error: unknown-contradicts: misconception 'salt-for-color' of "
        "'unknown-contradicts' contradicts unknown key point 'salting' (key points: lactic, salt)",
        f"{d}/unknown-follow-up.yaml:24: error: unknown-key-point: follow-up 1 of 'unknown-follow-up' names "
        "unknown key point 'sour' (key points: lactic, salt)",
    ]
    # All defect questions share one tag, so there is no unrelated text to measure phrases on.
    assert defects_report.notes == (
        "generic-phrase not measured for 8 questions with fewer than 10 unrelated answers: duplicate-question, "
        "empty-phrase, like-reading, long-phrase, quality, … (+3)",
    )
    assert (len(defects_report.errors), len(defects_report.warnings)) == (9, 7)
    assert (defects_report.files, defects_report.questions, defects_report.key_points) == (13, 8, 16)


def test_every_code_has_a_fixture(defects_report, analyzer):
    glossary = lint(load_sources(LINT / "glossary"), analyzer)
    generic = lint(load_sources(LINT / "generic.yaml"), analyzer)
    seen = {f.code for r in (defects_report, glossary, generic) for f in r.findings}
    assert seen | {"key-point-count"} == set(CODES)  # key-point-count: test_key_point_count


def test_clean_rubric_has_no_findings(analyzer):
    report = lint(load_sources(LINT / "clean.yaml"), analyzer)
    assert report.findings == ()
    assert report.notes == ()  # 10 unrelated answers per question: the generic check ran
    # The misconception '소금에 절이지 않음' is the negated twin of the key point's '소금에 절임':
    # opposite polarity, so not a shared phrase.


def test_key_point_count(tmp_path):
    text = (LINT / "clean.yaml").read_text(encoding="utf-8")
    start = text.index("      - id: aging")
    end = text.index("  - id: bread")
    path = tmp_path / "one-key-point.yaml"
    path.write_text(text[:start] + "\n" + text[end:], encoding="utf-8")
    # Only the quality checks: they need no analyzer.
    from interviewer.lint import _quality_checks

    found = [str(f) for f in _quality_checks(load_sources(path), LintSettings())]
    assert found == [f"{path}:50: warning: key-point-count: question 'doenjang' has 1 key point (bank questions have 2–6)"]


@pytest.fixture(scope="module")
def generic(analyzer):
    from interviewer.scoring.scorer import Scorer

    sources = load_sources(LINT / "generic.yaml")
    return sources, Scorer(sources.rubric, analyzer)


def test_generic_phrase_is_measured_on_unrelated_answers(generic, analyzer):
    sources, _ = generic
    report = lint(sources, analyzer)
    assert lines(report) == [
        f"{LINT}/generic.yaml:24: warning: generic-phrase: phrase '방법' of key point 'salt' of 'g-kimchi' "
        "matches 20% (2/10) of unrelated answers (limit 5%), e.g. \"방법\"",
    ]
    # 2 of 10 is not more than a 20% limit.
    assert lint(sources, analyzer, LintSettings(generic_share=0.2)).findings == ()


def test_phrase_reach_equals_scoring_every_pair(generic):
    """The fast path (bound, then small questions) gives what Scorer.match gives pair by pair."""
    sources, scorer = generic
    questions = sources.all_questions()
    corpus = unrelated_corpus(sources)
    fast = phrase_reach(sources, scorer, questions, corpus)
    analyses = list(scorer.analyze_many(c.text for c in corpus))
    for q in questions:
        place = sources.place(q)
        slow = [0] * len(scorer.compiled(q).targets)
        for c, a in zip(corpus, analyses):
            if not unrelated(place.root, place.tags, c):
                continue
            for ti, st in enumerate(scorer.match(q, a).stats):
                slow[ti] += any(s is not None and s.score >= T for s in (st.support, st.conflict))
        assert [r.hits for r in fast[q.id]] == slow, q.id
        assert {r.total for r in fast[q.id]} <= {10}


def test_glossary_overlaps_and_empty_terms(analyzer):
    g = LINT / "glossary" / "glossary.yaml"
    report = lint(load_sources(LINT / "glossary"), analyzer)
    assert lines(report) == [
        f"{g}:8: error: glossary-overlap: term 'the 배추' of group 'napa' normalises like '배추' of group "
        "'cabbage' (line 6) as [배추]; a term belongs to one group",
        f"{g}:10: error: glossary-empty-term: term 'of the' of group 'stop-words' has no content words after "
        "analysis; it never matches",
        f"{g}:15: error: glossary-overlap: phrase '소금에 절인다' of concept 'seasoning' normalises like "
        "'소금에 절임' of concept 'salting' as [소금 절이]; only the first concept is used",
    ]


def test_glossary_is_linted_only_when_named_or_contained(analyzer):
    # Linting a rubric file uses the glossary beside it but does not report the glossary's problems.
    sources = load_sources(LINT / "glossary" / "rubric.yaml")
    assert sources.glossary_scope == ()
    assert [f for f in lint(sources, analyzer).findings if "glossary" in f.code] == []
    only = load_sources(LINT / "glossary" / "glossary.yaml")
    assert only.files == () and only.glossary_scope == (LINT / "glossary" / "glossary.yaml",)


def test_python_object_tag_is_a_finding_and_never_runs(tmp_path):
    marker = tmp_path / "pwned"
    path = tmp_path / "evil.yaml"
    path.write_text(
        "questions:\n"
        "  - id: q\n"
        f"    prompt: !!python/object/apply:os.system [\"touch {marker}\"]\n"
        "    key_points:\n"
        "      - id: k\n"
        "        label: l\n"
        "        phrases: [a, b]\n",
        encoding="utf-8",
    )
    report = lint(load_sources(path), analyzer=None)  # nothing loaded, so nothing to analyse
    assert not marker.exists()
    assert lines(report) == [
        f"{path}:3: error: yaml: tag !!python/object/apply:os.system is not allowed; "
        "rubric files are plain data"
    ]


def test_sources_agree_with_load_rubric():
    sources = load_sources(LINT / "clean.yaml")
    rubric = load_rubric(LINT / "clean.yaml")
    assert sources.strict().digest == rubric.digest
    assert [q.id for q in sources.questions] == [q.id for q in rubric.questions]
    assert sources.place("kimchi/follow-up-1").line("key_points", 0) == 39


def test_strict_refuses_what_load_rubric_refuses():
    with pytest.raises(RubricError) as err:
        load_sources(DEFECTS).strict()
    assert str(err.value) == (
        f"{DEFECTS}/bad-yaml.yaml:19: YAML: expected ',' or ']', but got '<scalar>' "
        "(+5 more; run `interviewer rubric lint` to see all)"
    )


def test_missing_path_is_an_error():
    with pytest.raises(RubricError, match="no such file or directory"):
        load_sources(LINT / "nope.yaml")


def test_finding_is_validated():
    f = Finding("r.yaml", 3, "error", "schema", "bad")
    assert str(f) == "r.yaml:3: error: schema: bad"
    with pytest.raises(ValueError):
        Finding("r.yaml", 3, "fatal", "schema", "bad")
    with pytest.raises(ValueError):
        Finding("r.yaml", 0, "error", "schema", "bad")
    with pytest.raises(ValueError):
        Finding("r.yaml", 1, "error", "schema", "")
    with pytest.raises(ValueError):
        LintSettings(generic_share=0)


def test_examples_through_the_scorer(analyzer):
    from interviewer.scoring.scorer import Scorer

    sources = load_sources(LINT / "examples-fail.yaml")
    report = check_examples(sources, Scorer(sources.strict(), analyzer))
    got = [(c.line, c.question, c.key_point, c.problem, c.evidence, c.phrase) for c in report.failures]
    assert got == [
        (14, "fail-kimchi", "lactic", "positive example not covered", None, None),
        (15, "fail-kimchi", "lactic", "negative example covered", "유산균 발효", "유산균 발효"),
        (21, "fail-kimchi", "salt", "positive example contradicted", "소금에 절이", "소금에 절임"),
    ]
    assert (len(report.checks), report.count("positive"), report.count("negative")) == (5, 3, 2)
    assert report.threshold == T and report.key_points == 2 and report.without_examples == 0


def test_cross_question_false_positives(analyzer):
    from interviewer.scoring.scorer import Scorer

    sources = load_sources(LINT / "cross.yaml")
    scorer = Scorer(sources.strict(), analyzer)
    assert check_examples(sources, scorer).failures == ()
    cross = cross_question(sources.questions, scorer)
    # 2 kimchi questions x 2 positive examples each, scored against the other one; bread has no pair.
    assert (cross.examples, cross.pairs, cross.pairs_credited, cross.key_points, cross.key_points_credited) == (
        6, 4, 2, 8, 2)
    assert cross.pair_rate == 0.5 and cross.key_point_rate == 0.25
    assert [(t.tag, t.examples, t.pairs, t.pairs_credited) for t in cross.by_tag] == [
        ("bread", 2, 0, 0), ("kimchi", 4, 4, 2)]
    assert [(h.source, h.target, h.phrase) for h in cross.hits] == [
        ("x-kimchi/lactic", "x-storage/ferment", "유산균 발효"),
        ("x-storage/ferment", "x-kimchi/lactic", "유산균 발효"),
    ]
    assert [(t, n) for t, n, _ in cross.worst_key_points()] == [("x-kimchi/lactic", 1), ("x-storage/ferment", 1)]


def test_listing():
    result = listing(load_rubric(LINT / "clean.yaml"))
    assert result.topics == (("bread", 1), ("jang", 1), ("kimchi", 1))
    assert [(q.id, q.level, q.key_points, q.follow_ups) for q in result.questions] == [
        ("kimchi", "basic", 2, 1), ("doenjang", "intermediate", 2, 0), ("bread", "basic", 2, 0)]
    assert [q.id for q in listing(load_rubric(LINT / "clean.yaml"), tag="jang").questions] == ["doenjang"]
