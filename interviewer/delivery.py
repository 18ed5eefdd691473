"""Delivery notes for a spoken answer: how it was said, not what it covered.

Filler words (음, 어, 그, 뭐, 약간, 이제, 그러니까 …) counted and named, hedges (~것 같아요,
아마, ~ㄹ 수도 있다 …), length and time, and whether the first sentence leads with a key point
(두괄식). Everything comes from the answer's Kiwi morphemes and its score; nothing here loads
Kiwi or prints.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .scoring.aggregate import ScoreResult
    from .scoring.analysis import AnswerAnalysis, Morph

# Outside these bounds the length note says the answer is short or long. A spoken interview
# answer of 30 s – 2 min is about 150–600 syllables; typed practice answers run shorter.
SHORT_CHARS = 60
LONG_CHARS = 700
# Conversational Korean is about 4–5 syllables a second; used only for the "말로 약 N초" estimate.
SYLLABLES_PER_SECOND = 4.5

# Words that are fillers whenever they stand alone as a word, whatever tag Kiwi gave them
# (Kiwi sometimes reads a lone 어 as a noun).
STANDALONE_FILLERS = {"음", "어", "엄", "아", "에", "흠", "저기", "뭐랄까"}
# In the scorer's filler list, but in an explanation they usually carry the logic.
CONNECTIVES = {"그래서"}
NOUN_TAGS = {"NNG", "NNP", "NNB", "NP", "NR", "SL", "SN", "SH", "XPN"}


@dataclass(frozen=True)
class Hedge:
    """A hedging pattern: a run of (lemma-or-form, tag-prefix) morphemes."""

    name: str
    pattern: tuple[tuple[str | None, str], ...]


# Matched on consecutive morphemes; ``None`` matches any form with that tag prefix.
HEDGES = (
    Hedge("~것 같다", (("것", "NNB"), ("같", "VA"))),
    Hedge("~것 같다", (("거", "NNB"), ("같", "VA"))),
    Hedge("~듯하다", (("듯", "NNB"), ("하", "X"))),
    Hedge("~듯하다", (("듯", "NNB"), ("하", "V"))),
    Hedge("~듯싶다", (("듯", "NNB"), ("싶", "V"))),
    Hedge("~지 않을까 싶다", (("을까", "E"), ("싶", "V"))),
    Hedge("~ㄹ까 싶다", (("ᆯ까", "E"), ("싶", "V"))),
    Hedge("~ㄹ 수도 있다", (("수", "NNB"), ("도", "JX"), ("있", "V"))),
    Hedge("~ㄹ걸요", (("거", "NNB"), ("ᆯ", "JKO"))),
    Hedge("아마", (("아마", "MAG"),)),
    Hedge("아마", (("아마도", "MAG"),)),
    Hedge("잘 모르겠다", (("모르", "VV"), ("겠", "EP"))),
    Hedge("확실하지 않다", (("확실", "XR"), ("하", "XSA"), ("지", "EC"))),
)
HEDGE_FORMS = {form for h in HEDGES for form, _ in h.pattern[:1] if len(h.pattern) == 1}


@dataclass(frozen=True)
class Delivery:
    fillers: tuple[tuple[str, int], ...]  # (word as said, count), most frequent first
    hedges: tuple[tuple[str, int], ...]  # (phrase as said, count), most frequent first
    chars: int  # characters without whitespace
    sentences: int
    seconds: float | None  # time from question shown to answer submitted
    first_sentence: str
    lead: str | None  # label of the key point said in the first sentence (두괄식), if any
    lead_judged: bool  # False when no key point was covered: nothing to lead with

    @property
    def filler_count(self) -> int:
        return sum(n for _, n in self.fillers)

    @property
    def hedge_count(self) -> int:
        return sum(n for _, n in self.hedges)

    @property
    def spoken_seconds(self) -> float:
        """Rough time to say the answer aloud."""
        return self.chars / SYLLABLES_PER_SECOND

    def to_json(self) -> dict:
        return {
            "fillers": {w: n for w, n in self.fillers},
            "hedges": {h: n for h, n in self.hedges},
            "chars": self.chars,
            "sentences": self.sentences,
            "seconds": None if self.seconds is None else round(self.seconds, 1),
            "first_sentence": self.first_sentence,
            "lead": self.lead,
            "lead_judged": self.lead_judged,
        }


_WORD = re.compile(r"\S*")


def _word_end(text: str, pos: int, punctuation: bool = False) -> int:
    """End of the whitespace-delimited word containing ``pos`` (with its trailing punctuation
    only if ``punctuation``)."""
    end = _WORD.match(text, pos).end()
    while not punctuation and end > pos and text[end - 1] in ".,!?…~":
        end -= 1
    return end


def filler_words(analysis: AnswerAnalysis) -> list[Morph]:
    """The analysis' fillers, minus words used with their ordinary meaning.

    The scorer's filler step is generous (it only drops words from matching). A delivery note
    names words to the user, so here a pronoun that takes a particle (제가, 뭐가) or a
    determiner before a noun (그 함수) is not a filler; a lone 음/어 is one whatever its tag.
    """
    morphs = analysis.morphs
    text = analysis.text
    marked = {(f.start, f.end, f.tag) for f in analysis.fillers}
    out = []
    for i, m in enumerate(morphs):
        if m.form in HEDGE_FORMS and m.tag == "MAG":
            continue  # 아마 is a hedge, named there
        nxt = morphs[i + 1] if i + 1 < len(morphs) else None
        adjacent = nxt is not None and nxt.start <= m.end  # 제 = 저 + 의 share one span
        if (m.start, m.end, m.tag) in marked and m.form not in CONNECTIVES:
            if m.tag == "NP" and adjacent and nxt.tag[0] in "JV":
                continue  # 제가, 뭐가, 뭐예요
            if m.tag == "MM" and nxt is not None and nxt.tag in NOUN_TAGS and not _standalone(text, nxt):
                continue  # 그 함수
            out.append(m)
        elif _standalone(text, m) and text[m.start:m.end] in STANDALONE_FILLERS:
            out.append(m)
    return out


def _standalone(text: str, m: Morph) -> bool:
    before = text[m.start - 1] if m.start > 0 else " "
    after = text[m.end] if m.end < len(text) else " "
    return (before.isspace() or before in ".,…") and (after.isspace() or after in ".,…~")


def hedges(analysis: AnswerAnalysis) -> list[str]:
    """Each hedge in the answer, as said (``것 같아요``), in order."""
    morphs, text = analysis.morphs, analysis.text
    found = []
    i = 0
    while i < len(morphs):
        for h in HEDGES:
            n = len(h.pattern)
            run = morphs[i:i + n]
            if len(run) == n and all(
                (form is None or m.form == form or m.lemma == form) and m.tag.startswith(tag)
                for m, (form, tag) in zip(run, h.pattern)
            ):
                found.append(text[run[0].start:_word_end(text, run[-1].end - 1)].strip())
                i += n - 1
                break
        i += 1
    return found


def sentence_ends(analysis: AnswerAnalysis) -> list[int]:
    """Character offsets where sentences end (final endings, final punctuation, line breaks)."""
    text = analysis.text
    ends: list[int] = []
    for i, m in enumerate(analysis.morphs):
        if m.tag == "EF" or (m.tag == "SF" and not (i and analysis.morphs[i - 1].tag in ("EF", "SF"))):
            ends.append(_word_end(text, m.end - 1, punctuation=True) if m.tag == "EF" else m.end)
    ends += [k.start() for k in re.finditer(r"\n", text)]
    return sorted(set(e for e in ends if text[:e].strip()))


def delivery_notes(analysis: AnswerAnalysis, result: ScoreResult | None = None,
                   seconds: float | None = None) -> Delivery:
    text = analysis.text
    fill = Counter(text[m.start:m.end] for m in filler_words(analysis))
    hedge = Counter(hedges(analysis))
    ends = sentence_ends(analysis)
    stripped = text.strip()
    tail = text[ends[-1]:].strip(" \n.?!") if ends else stripped
    sentences = len(ends) + (1 if tail else 0) if stripped else 0
    first_end = ends[0] if ends else len(text)
    first = text[:first_end].strip()
    lead = None
    judged = bool(result and result.covered)
    if judged:
        leading = [k for k in result.covered if k.evidence is not None and k.evidence.start < first_end]
        if leading:
            lead = min(leading, key=lambda k: k.evidence.start).label
    return Delivery(
        fillers=tuple(fill.most_common()),
        hedges=tuple(hedge.most_common()),
        chars=len(re.sub(r"\s", "", text)),
        sentences=sentences,
        seconds=seconds,
        first_sentence=first,
        lead=lead,
        lead_judged=judged,
    )


_DIGIT_CODA = {"0": True, "1": True, "2": False, "3": True, "4": False, "5": False, "6": True,
               "7": True, "8": True, "9": False}


def josa(word: str, pair: str) -> str:
    """The particle of ``pair`` that fits the last sound of ``word``: josa('기울기 소실', '을/를') -> '을'.

    A trailing parenthesis is skipped ('전체 (정칙화 포함)' reads as '전체'); after Latin letters
    both forms are given ('을(를)'), since the reading is unknown.
    """
    with_coda, without = pair.split("/")
    core = re.sub(r"\s*\([^()]*\)\s*$", "", word).rstrip() or word
    last = core[-1] if core else ""
    if "가" <= last <= "힣":
        coda = (ord(last) - 0xAC00) % 28 != 0
    elif last in _DIGIT_CODA:
        coda = _DIGIT_CODA[last]
    else:
        return f"{with_coda}({without})"
    return with_coda if coda else without


def format_seconds(seconds: float) -> str:
    s = int(round(seconds))
    return f"{s // 60}분 {s % 60}초" if s >= 60 else f"{s}초"


def render_delivery(d: Delivery, color: bool = False, follow_up: bool = False) -> str:
    """The '말하기' block of the feedback. A follow-up answer is short by nature: no '짧아요'."""
    from .feedback import Paint

    p = Paint(color)
    lines = [p("말하기", "bold")]
    if d.fillers:
        named = ", ".join(w + (f" ×{n}" if n > 1 else "") for w, n in d.fillers)
        lines.append(f"  추임새 {d.filler_count}번: {named}")
    else:
        lines.append("  추임새 없음")
    if d.hedges:
        named = ", ".join(f"'{h}'" + (f" ×{n}" if n > 1 else "") for h, n in d.hedges)
        lines.append(f"  얼버무림 {d.hedge_count}번: {named} — 아는 내용은 단정적으로 말해 보세요")
    length = f"  길이 {d.chars}자 · {d.sentences}문장 (말로 약 {format_seconds(d.spoken_seconds)})"
    if d.seconds is not None:
        length += f" · 답변까지 {format_seconds(d.seconds)}"
    if d.chars < SHORT_CHARS and not follow_up:
        length += p(" — 짧아요: 결론, 이유, 예시 순으로 3–5문장", "yellow")
    elif d.chars > LONG_CHARS:
        length += p(" — 길어요: 2분이 넘으면 요점이 흐려집니다", "yellow")
    lines.append(length)
    if d.lead_judged:
        if d.lead:
            lines.append(p("  두괄식 ✓", "green") + f" 첫 문장에서 '{d.lead}'{josa(d.lead, '을/를')} 먼저 말했어요")
        else:
            first = d.first_sentence if len(d.first_sentence) <= 40 else d.first_sentence[:39] + "…"
            lines.append(p("  두괄식 ✗", "yellow") + f" 첫 문장 \"{first}\"에 핵심이 없어요 — 결론부터 말해 보세요")
    return "\n".join(lines)
