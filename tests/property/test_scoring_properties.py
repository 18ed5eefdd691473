"""Invariants over arbitrary text: scores stay in [0, 1], nothing raises, results are stable."""

from hypothesis import HealthCheck, given, settings, strategies as st

from interviewer.scoring.analysis import valid_text

KOREANISH = st.text(
    alphabet=st.one_of(
        st.characters(min_codepoint=0xAC00, max_codepoint=0xD7A3),  # Hangul syllables
        st.characters(min_codepoint=0x3131, max_codepoint=0x318E),  # jamo
        st.sampled_from(list(" ,.?!0123456789abcXYZ\n\t")),
        st.characters(),  # anything, incl. emoji and controls
        st.sampled_from(["\ud800", "\udcff"]),  # lone surrogates (a JSON '\\ud800' escape)
    ),
    max_size=120,
)
PHRASEY = st.lists(st.sampled_from(["기울기", "소실", "않", "아니", "없어요", "0", "중심", "exp", "연산", "음", "그러니까", " "]),
                   max_size=12).map(" ".join)

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@SETTINGS
@given(text=st.one_of(KOREANISH, PHRASEY))
def test_any_text_scores_in_unit_interval(mini_scorer, text):
    for qid in ("sigmoid-cons", "relu-cons"):
        r = mini_scorer.score(qid, text)
        assert 0.0 <= r.score <= 1.0
        for k in r.key_points:
            assert not (k.covered and k.contradicted)
            if k.evidence is not None:  # the answer as read: a lone surrogate is U+FFFD, one for one
                assert valid_text(text)[k.evidence.start:k.evidence.end] == k.evidence.text


@SETTINGS
@given(text=PHRASEY)
def test_whitespace_insensitive(mini_scorer, text):
    """Extra spaces between words never change the verdicts."""
    a = mini_scorer.score("sigmoid-cons", text)
    b = mini_scorer.score("sigmoid-cons", "  " + text.replace(" ", "   ") + "  ")
    assert [(k.covered, k.contradicted) for k in a.key_points] == [(k.covered, k.contradicted) for k in b.key_points]
