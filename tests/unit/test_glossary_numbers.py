"""A glossary term that Kiwi reads as a lone number stands for nothing: '셋' (a set) alone is
the native number three, and as a term of the 'set' group it made every 3 and '세 개' in an
answer or a phrase a set ('게이트 3개' lost its number). Real Kiwi, the bundled glossary."""

from __future__ import annotations

import pytest


def keys(scorer, text):
    return [u.key for u in scorer.glossary.canonical(scorer.analyze(text))]


@pytest.mark.parametrize("text", ["LSTM 게이트는 3개예요", "게이트가 세 개 있어요", "3x3 필터"])
def test_three_is_a_number_not_a_set(bank_scorer, text):
    assert "3" in keys(bank_scorer, text) and "@set" not in keys(bank_scorer, text)


@pytest.mark.parametrize("text, group", [("학습 셋으로 학습해요", "@train-set"), ("세트를 나눠요", "@set")])
def test_set_words_keep_their_groups(bank_scorer, text, group):
    assert group in keys(bank_scorer, text)


def test_the_number_term_is_reported_skipped(bank_scorer):
    assert ("set", "셋", "reads as the number 3") in bank_scorer.glossary.skipped
