"""The HTML report and the Markdown export, over the sample sessions. The HTML is parsed (not
string-matched): evidence marks at the recorded offsets, key point names, missed points with
hints, the model answer, inline SVG charts, and nothing fetched from the network."""

from __future__ import annotations

import datetime as dt
from html.parser import HTMLParser
from pathlib import Path

import pytest

from interviewer.history import load_history
from interviewer.progress import compute_stats
from interviewer.report import Mark, render_html, render_markdown, runs, segments
from interviewer.rubric import load_rubric

DATA = Path(__file__).resolve().parent.parent / "data"
KST = dt.timezone(dt.timedelta(hours=9))
NOW = dt.datetime(2025, 3, 15, 12, 0, tzinfo=KST)
VOID = {"meta", "br", "hr", "img", "input", "link", "source", "col", "area", "base", "embed", "param", "track", "wbr"}


class Page(HTMLParser):
    """Collects what the tests look at: marks, key point items, SVGs, every attribute and tag."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, dict]] = []
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str, str]] = []
        self.marks: list[dict] = []  # {"class", "kp", "title", "text", "sup"}
        self.items: list[dict] = []  # <li> of a key point list: {"class", "kp", "text"}
        self.articles: list[dict] = []
        self.svgs = 0
        self.models: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.append(tag)
        self.attrs += [(tag, k, v or "") for k, v in attrs]
        if tag == "svg":
            self.svgs += 1
        if tag == "mark":
            self.marks.append({"class": a.get("class"), "kp": a.get("data-kp"), "title": a.get("title"),
                               "text": "", "sup": ""})
        if tag == "li" and self._inside("ul", "points"):
            self.items.append({"class": a.get("class"), "kp": a.get("data-kp"), "text": ""})
        if tag == "article":
            self.articles.append({"id": a.get("id"), "class": a.get("class"), "text": ""})
        if tag == "details" and "model" in (a.get("class") or ""):
            self.models.append("")
        if tag not in VOID:
            self.stack.append((tag, a))

    def handle_endtag(self, tag):
        while self.stack:
            if self.stack.pop()[0] == tag:
                break

    def _inside(self, tag, cls=None):
        return any(t == tag and (cls is None or cls in (a.get("class") or "").split()) for t, a in self.stack)

    def handle_data(self, data):
        self.text.append(data)
        if self._inside("mark"):
            self.marks[-1]["sup" if self._inside("sup") else "text"] += data
        if self._inside("li") and self._inside("ul", "points"):
            self.items[-1]["text"] += data
        if self._inside("article"):
            self.articles[-1]["text"] += data
        if self._inside("details", "model") and not self._inside("summary"):
            self.models[-1] += data


@pytest.fixture(scope="module")
def history():
    return load_history(DATA / "transcripts")


@pytest.fixture(scope="module")
def questions():
    return {q.id: q for q in load_rubric(DATA / "review.yaml").questions}


@pytest.fixture(scope="module")
def stats(history, questions):
    return compute_stats(history, questions, NOW)


def parse(html: str) -> Page:
    page = Page()
    page.feed(html)
    page.close()
    return page


def test_one_session_page(history, questions, stats):
    session = history.session("2025-03-02_203013")
    page = parse(render_html(history, [session], questions, stats))
    assert page.tags[:3] == ["html", "head", "meta"]
    assert "".join(page.text).count("면접 연습 리포트") == 2  # <title> and <h1>
    # Every piece of evidence is marked, with its key point, in answer order.
    assert page.marks == [
        {"class": "covered", "kp": "vanishing", "title": "기울기 소실", "text": "기울기 소실", "sup": "1"},
        {"class": "contradicted", "kp": "not-zero-centered", "title": "출력의 중심이 0이 아님",
         "text": "출력이 0 중심", "sup": "2"},
        {"class": "covered", "kp": "vanishing", "title": "기울기 소실", "text": "기울기 소실", "sup": "1"},
        {"class": "covered", "kp": "not-zero-centered", "title": "출력의 중심이 0이 아님", "text": "출력이 항상 양수",
         "sup": "2"},
        {"class": "covered", "kp": "relu", "title": "ReLU 사용", "text": "ReLU", "sup": "1"},
        {"class": "covered", "kp": "init", "title": "가중치 초기화", "text": "He 초기화", "sup": "2"},
        {"class": "covered", "kp": "no-saturation", "title": "양수 구간에서 포화되지 않음",
         "text": "양수 구간에서 기울기가 1", "sup": "1"},
        {"class": "covered", "kp": "dying", "title": "죽은 뉴런 (dying ReLU)", "text": "죽은 뉴런", "sup": "2"},
        {"class": "covered", "kp": "random-drop", "title": "뉴런을 무작위로 끔", "text": "뉴런을 무작위로 끔", "sup": "1"},
    ]
    first = page.items[:3]
    assert [(i["class"], i["kp"]) for i in first] == [
        ("covered", "vanishing"), ("contradicted", "not-zero-centered"), ("missed", "exp-cost")]
    assert first[0]["text"] == "1 기울기 소실필수 기울기 소실"
    assert first[1]["text"] == ("2 출력의 중심이 0이 아님 — 반대로 말함: 출력이 0 중심"
                                "→ 시그모이드의 출력은 0과 1 사이라서 항상 양수이고, 0 중심이 아닙니다.")
    assert first[2]["text"] == "지수 연산 비용힌트: 함수 안에 들어 있는 연산을 떠올려 보세요."
    missed = [i for i in page.items if i["class"] == "missed"]
    assert [i["kp"] for i in missed] == ["exp-cost", "exp-cost", "ensemble"]
    assert missed[-1]["text"] == "앙상블 효과힌트: 매 스텝 다른 부분 네트워크가 학습된다는 점을 떠올려 보세요."
    # Model answers for the questions that have one (follow-ups have none), open where a point was missed.
    assert page.models == [questions["sigmoid"].model_answer] * 2 + [questions["relu"].model_answer,
                                                                     questions["dropout"].model_answer]
    assert [a["class"] for a in page.articles] == ["attempt", "attempt", "attempt follow-up", "attempt", "attempt"]
    relu = page.articles[3]["text"]
    assert "힌트 1개 · 모범 답안 보고 답함" in relu and "복습 평가 Hard" in relu
    assert "말하기 — 추임새 없음 · 44자 · 1문장 · 답변까지 1분 32초 · 두괄식 ✓ (양수 구간에서 포화되지 않음)" in relu


def test_progress_charts_are_inline_svg(history, questions, stats):
    page = parse(render_html(history, list(history.sessions), questions, stats))
    # sessions line, topics bars, 5 weakest-point strips, 4 question grids
    assert page.svgs == 2 + 5 + 4
    labels = [v for t, k, v in page.attrs if t == "svg" and k == "aria-label"]
    assert labels[:2] == ["세션별 평균 점수", "주제별 평균 점수"]
    assert labels[-4:] == ["핵심 포인트 × 답변"] * 4
    grids = [v for t, k, v in page.attrs if k == "data-question"]
    assert grids == ["sigmoid", "relu", "dropout", "batchnorm"]
    text = "".join(page.text)
    for label in ("세션 2025-03-01_210008", "세션 2025-03-08_194013", "앙상블 효과", "40%", "88%", "100%"):
        assert label in text


def test_nothing_is_fetched_from_the_network(history, questions, stats):
    html = render_html(history, list(history.sessions), questions, stats)
    page = parse(html)
    assert not {"script", "link", "img", "iframe", "object", "embed", "video", "audio"} & set(page.tags)
    assert [(t, k) for t, k, v in page.attrs if k in ("src", "href", "srcset", "xlink:href")] == []
    assert "http://" not in html and "https://" not in html and "url(" not in html and "@import" not in html


def test_markdown_export(history, questions, stats):
    md = render_markdown(history, [history.session("2")], questions, stats)
    assert md.startswith("# 면접 연습 리포트 — 세션 2025-03-02_203013\n\n"
                         "답변 5개 · 평균 75% · 연속 연습 0일 (최장 2일) · 오늘 복습할 질문 2개 · 오답노트 2개 · "
                         "기준 시각 2025-03-15 (토) 12:00\n")
    assert ("### 1. `sigmoid` · 50% · 복습 평가 Again\n\n"
            "**Q.** 시그모이드 함수의 단점은 무엇인가요?\n\n"
            "> **기울기 소실**¹이 생기고요, **출력이 0 중심**⚠²이라서 학습이 안정적이에요.\n\n"
            "- ✓¹ 기울기 소실 (필수) — \"기울기 소실\"\n"
            "- ⚠² 출력의 중심이 0이 아님 — 반대로 말함: \"출력이 0 중심\"\n"
            "  - → 시그모이드의 출력은 0과 1 사이라서 항상 양수이고, 0 중심이 아닙니다.\n"
            "- ✗ 지수 연산 비용 — 힌트: 함수 안에 들어 있는 연산을 떠올려 보세요.\n") in md
    assert "| 앙상블 효과 | `dropout` | 1/4 | ▁▁▁█ |" in md
    assert "### 4. `relu` · 100% · 힌트 1개 · 모범 답안 보고 답함 · 복습 평가 Hard" in md


def test_overlapping_evidence_is_marked_once():
    text = "기울기 소실 문제"
    a = Mark(0, 6, 1, "covered", "a", "A")
    b = Mark(4, 9, 2, "contradicted", "b", "B")
    assert segments(text, [a, b]) == [("기울기 ", (a,)), ("소실", (a, b)), (" 문제", (b,))]
    assert runs(text, [a, b]) == [("기울기 소실 문제", (a, b))]
    assert runs(text, []) == [(text, ())]
