"""Review reports: a self-contained HTML page and a Markdown export of past sessions.

The page has no network assets (inline CSS, inline SVG charts, system fonts) so it opens the same
offline, attached to a mail, or years later. Each answer shows the evidence of every key point
highlighted at the offsets the scorer recorded, the missed points with their hints, corrections for
what was said the wrong way round, the model answer, and the delivery notes. Progress is drawn as
inline SVG: mean score per session, coverage per topic, and per question a grid of key points ×
attempts.

Everything is built from :mod:`interviewer.history` (the transcripts) plus the rubric for hints and
model answers; nothing is re-scored.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass
from html import escape
from typing import Mapping, Sequence

from .history import COVERED, CONTRADICTED, MISSED, FOLLOW_UP_SEP, Attempt, History, SessionRecord
from .progress import Stats

CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")
WEEKDAYS = "월화수목금토일"


# --- pieces shared by the text, Markdown and HTML views ------------------------------------------


@dataclass(frozen=True)
class Mark:
    """One highlighted piece of an answer: the evidence of key point ``number`` (1-based)."""

    start: int
    end: int
    number: int
    status: str  # COVERED | CONTRADICTED
    point: str  # key point id
    label: str


def marks(attempt: Attempt) -> list[Mark]:
    """The evidence of every covered or contradicted key point that can be located in the answer."""
    out = []
    for i, p in enumerate(attempt.points, 1):
        ev = p.evidence
        if p.status != MISSED and ev is not None and 0 <= ev.start < ev.end <= len(attempt.answer):
            out.append(Mark(ev.start, ev.end, i, p.status, p.id, p.label))
    return out


def segments(text: str, spans: Sequence[Mark]) -> list[tuple[str, tuple[Mark, ...]]]:
    """``text`` cut at every mark boundary; each piece with the marks covering it (overlaps kept)."""
    cuts = sorted({0, len(text), *(m.start for m in spans), *(m.end for m in spans)})
    out = []
    for a, b in zip(cuts, cuts[1:]):
        covering = tuple(sorted((m for m in spans if m.start <= a and b <= m.end), key=lambda m: m.number))
        out.append((text[a:b], covering))
    return out


def runs(text: str, spans: Sequence[Mark]) -> list[tuple[str, tuple[Mark, ...]]]:
    """Like :func:`segments`, but adjacent marked pieces merged into one run with the union of
    their marks (so overlapping evidence is bracketed once)."""
    out: list[tuple[str, tuple[Mark, ...]]] = []
    for piece, ms in segments(text, spans):
        if ms and out and out[-1][1]:
            prev_text, prev_ms = out[-1]
            out[-1] = (prev_text + piece, tuple(sorted(set(prev_ms) | set(ms), key=lambda m: m.number)))
        else:
            out.append((piece, ms))
    return out


def circled(n: int) -> str:
    return CIRCLED[n - 1] if 1 <= n <= len(CIRCLED) else f"({n})"


def rubric_question(questions: Mapping, attempt: Attempt):
    """The rubric question an attempt answered (a follow-up as a question of its own), or None."""
    q = questions.get(attempt.main)
    if q is None or not attempt.is_follow_up:
        return q
    try:
        index = int(attempt.question.split(FOLLOW_UP_SEP, 1)[1]) - 1
        return q.follow_up_question(index)
    except (IndexError, ValueError):
        return None


def point_hint(question, point_id: str) -> str | None:
    if question is None:
        return None
    for kp in question.key_points:
        if kp.id == point_id:
            return kp.hint
    return None


def when(t: _dt.datetime, seconds: bool = False) -> str:
    """``2025-03-02 (일) 20:30`` in the time zone the answer was given in."""
    return t.strftime("%Y-%m-%d") + f" ({WEEKDAYS[t.weekday()]}) " + t.strftime("%H:%M:%S" if seconds else "%H:%M")


def percent(x: float | None) -> str:
    return "—" if x is None else f"{x * 100:.0f}%"


def delivery_line(d: dict | None) -> str | None:
    """The delivery notes of one answer in one line."""
    if not d:
        return None
    from .delivery import format_seconds

    parts = []
    fillers = d.get("fillers") or {}
    parts.append(f"추임새 {sum(fillers.values())}번 ({', '.join(fillers)})" if fillers else "추임새 없음")
    hedges = d.get("hedges") or {}
    if hedges:
        parts.append(f"얼버무림 {sum(hedges.values())}번 ({', '.join(repr(h) for h in hedges)})")
    if d.get("chars") is not None:
        parts.append(f"{d['chars']}자 · {d.get('sentences', '?')}문장")
    if d.get("seconds") is not None:
        parts.append(f"답변까지 {format_seconds(d['seconds'])}")
    if d.get("lead_judged"):
        parts.append(f"두괄식 ✓ ({d['lead']})" if d.get("lead") else "두괄식 ✗")
    return " · ".join(parts)


def before_answering(attempt: Attempt) -> str | None:
    what = []
    if attempt.hints:
        what.append(f"힌트 {len(attempt.hints)}개")
    if attempt.model_shown:
        what.append("모범 답안")
    return " · ".join(what) + " 보고 답함" if what else None


def scope_title(sessions: Sequence[SessionRecord], history: History) -> str:
    if len(sessions) == 1:
        return f"세션 {sessions[0].name}"
    return f"전체 세션 {len(sessions)}개"


# --- HTML ---------------------------------------------------------------------------------------

CSS = """
:root { --ink:#1f2328; --muted:#656d76; --line:#d0d7de; --bg:#f6f8fa; --card:#ffffff;
  --ok:#1a7f37; --ok-bg:#dafbe1; --bad:#cf222e; --bad-bg:#ffebe9; --miss:#9a6700; --miss-bg:#fff8c5;
  --accent:#0969da; }
* { box-sizing: border-box; }
body { margin:0; background:var(--bg); color:var(--ink); line-height:1.6;
  font-family: "Pretendard", "Apple SD Gothic Neo", "Noto Sans KR", "Noto Sans CJK KR", "Malgun Gothic",
    "NanumGothic", system-ui, sans-serif; }
main { max-width: 980px; margin: 0 auto; padding: 32px 24px 64px; }
h1 { font-size: 28px; margin: 0 0 4px; }
h2 { font-size: 21px; margin: 40px 0 12px; padding-bottom: 6px; border-bottom: 1px solid var(--line); }
h3 { font-size: 16px; margin: 24px 0 8px; }
.sub, .muted { color: var(--muted); }
.tiles { display:grid; grid-template-columns: repeat(4, 1fr); gap:12px; margin:20px 0 8px; }
.tile { background:var(--card); border:1px solid var(--line); border-radius:10px; padding:12px 16px; }
.tile b { display:block; font-size:26px; line-height:1.3; }
.tile span { color:var(--muted); font-size:13px; }
.charts { display:grid; grid-template-columns: 1fr 1fr; gap:16px; align-items:start; }
figure { margin:0; background:var(--card); border:1px solid var(--line); border-radius:10px; padding:12px 16px; }
figcaption { font-weight:600; font-size:14px; margin-bottom:6px; }
svg text { font-family: inherit; }
table { border-collapse: collapse; width:100%; background:var(--card); border:1px solid var(--line);
  border-radius:10px; overflow:hidden; font-size:14px; }
th, td { text-align:left; padding:6px 12px; border-bottom:1px solid var(--line); vertical-align: middle; }
th { background:var(--bg); font-weight:600; }
td.num { text-align:right; font-variant-numeric: tabular-nums; }
.attempt { background:var(--card); border:1px solid var(--line); border-radius:12px; padding:16px 20px; margin:14px 0; }
.attempt.follow-up { margin-left: 32px; border-left: 4px solid var(--accent); }
.attempt-head { display:flex; flex-wrap:wrap; gap:8px; align-items:center; font-size:13px; color:var(--muted); }
.qid { font-family: ui-monospace, "DejaVu Sans Mono", monospace; color:var(--ink); font-weight:600; }
.score { margin-left:auto; font-size:15px; font-weight:700; padding:2px 10px; border-radius:999px; }
.score.high { background:var(--ok-bg); color:var(--ok); }
.score.mid { background:var(--miss-bg); color:var(--miss); }
.score.low { background:var(--bad-bg); color:var(--bad); }
.pill { border:1px solid var(--line); border-radius:999px; padding:0 8px; }
.prompt { font-weight:600; margin:8px 0; }
.answer { margin:8px 0 12px; padding:10px 14px; background:var(--bg); border-radius:8px; white-space:pre-wrap; }
mark { border-radius:4px; padding:1px 2px; color:inherit; }
mark.covered { background:var(--ok-bg); box-shadow: inset 0 -2px 0 var(--ok); }
mark.contradicted { background:var(--bad-bg); box-shadow: inset 0 -2px 0 var(--bad); }
mark sup { font-size:11px; font-weight:700; }
.points .n { display:inline-block; min-width:18px; height:18px; line-height:18px; border-radius:9px; padding:0 4px;
  text-align:center; color:#fff; font-size:11px; font-weight:700; margin-right:4px; vertical-align:1px; }
.points li.covered .n { background:var(--ok); } .points li.contradicted .n { background:var(--bad); }
mark.covered sup { color:var(--ok); } mark.contradicted sup { color:var(--bad); }
.points { list-style:none; padding:0; margin:0; }
.points li { padding:4px 0 4px 28px; position:relative; }
.points li::before { position:absolute; left:4px; font-weight:700; }
.points li.covered::before { content:"✓"; color:var(--ok); }
.points li.contradicted::before { content:"⚠"; color:var(--bad); }
.points li.missed::before { content:"✗"; color:var(--miss); }
.points q { color:var(--muted); }
.points .note { display:block; font-size:14px; color:var(--muted); }
.points .fix { display:block; font-size:14px; color:var(--bad); }
.req { font-size:11px; color:var(--bad); border:1px solid var(--bad); border-radius:4px; padding:0 4px; margin-left:4px; }
details.model { margin-top:10px; border-top:1px dashed var(--line); padding-top:8px; }
details.model summary { cursor:pointer; font-weight:600; color:var(--accent); }
.delivery { font-size:13px; color:var(--muted); margin-top:8px; }
.legend { font-size:13px; color:var(--muted); }
.legend i { display:inline-block; width:10px; height:10px; border-radius:2px; margin:0 4px 0 10px; }
@media (max-width: 760px) { .tiles { grid-template-columns: 1fr 1fr; } .charts { grid-template-columns: 1fr; } }
@media print { body { background:#fff; } .attempt { break-inside: avoid; } }
"""

COLORS = {COVERED: "#1a7f37", CONTRADICTED: "#cf222e", MISSED: "#d0d7de"}


def render_html(history: History, sessions: Sequence[SessionRecord], questions: Mapping, stats: Stats,
                schedule=None) -> str:
    """The whole report page for ``sessions`` (progress charts always cover the whole history)."""
    from .schedule import rate

    title = scope_title(sessions, history)
    answers = [a for s in sessions for a in s.attempts]
    mean = sum(a.score for a in answers) / len(answers) if answers else None
    h = [
        "<!doctype html>",
        '<html lang="ko">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<meta name="generator" content="interviewer review --html">',
        f"<title>면접 연습 리포트 — {escape(title)}</title>",
        f"<style>{CSS}</style>",
        "</head>",
        "<body><main>",
        "<header>",
        "<h1>면접 연습 리포트</h1>",
        f'<p class="sub">{escape(title)} · 답변 {len(answers)}개 · 기록 폴더 <code>{escape(str(history.directory))}</code>'
        f" · 기준 시각 {escape(when(stats.now))}</p>",
        '<div class="tiles">',
        _tile(percent(mean), "평균 점수 (이 리포트의 답변)"),
        _tile(f"{stats.current_streak}일", f"연속 연습 (최장 {stats.longest_streak}일)"),
        _tile(f"{len(stats.due_today)}개", "오늘 복습할 질문"),
        _tile(f"{len(stats.missed)}개", "오답노트 (2번 이상 놓친 포인트가 있는 질문)"),
        "</div>",
        "</header>",
        '<section id="progress">',
        "<h2>진척도</h2>",
        '<div class="charts">',
        f'<figure id="chart-sessions"><figcaption>세션별 평균 점수</figcaption>{session_chart(stats, sessions)}</figure>',
        f'<figure id="chart-topics"><figcaption>주제별 평균 점수</figcaption>{topic_chart(stats)}</figure>',
        "</div>",
    ]
    if stats.weakest:
        h += ["<h3>가장 약한 핵심 포인트</h3>", "<table><thead><tr><th>핵심 포인트</th><th>질문</th>"
              '<th class="num">짚음</th><th>답변마다</th></tr></thead><tbody>']
        for k in stats.weakest:
            h.append(f"<tr><td>{escape(k.label)}</td><td><span class=\"qid\">{escape(k.question)}</span></td>"
                     f'<td class="num">{k.covered}/{k.attempts}</td><td>{status_svg(k.statuses)}</td></tr>')
        h.append("</tbody></table>")
    h += _question_grids(history, sessions, questions)
    h.append("</section>")

    for s in sessions:
        h.append(f'<section class="session" id="session-{escape(s.name)}">')
        h.append(f"<h2>세션 {escape(s.name)}</h2>")
        h.append(f'<p class="sub">{escape(when(s.started_at))} · 질문 {len(s.questions)}개 · 답변 {len(s.attempts)}개'
                 + (f" · 건너뜀 {s.skipped}개" if s.skipped else "")
                 + f" · 평균 {percent(s.mean_score)}" + ("" if s.ended else " · 중간에 끊긴 세션") + "</p>")
        for a in s.attempts:
            h.append(attempt_html(a, rubric_question(questions, a), None if a.is_follow_up else rate(a).name))
        h.append("</section>")
    h += ["</main></body>", "</html>", ""]
    return "\n".join(h)


def _tile(value: str, label: str) -> str:
    return f'<div class="tile"><b>{escape(value)}</b><span>{escape(label)}</span></div>'


def _score_class(score: float) -> str:
    return "high" if score >= 0.75 else "mid" if score >= 0.5 else "low"


def answer_html(a: Attempt) -> str:
    out = []
    for piece, ms in runs(a.answer, marks(a)):
        if not ms:
            out.append(escape(piece))
            continue
        status = CONTRADICTED if any(m.status == CONTRADICTED for m in ms) else COVERED
        ids = " ".join(m.point for m in ms)
        labels = ", ".join(m.label for m in ms)
        nums = ",".join(str(m.number) for m in ms)
        out.append(f'<mark class="{status}" data-kp="{escape(ids)}" title="{escape(labels)}">'
                   f"{escape(piece)}<sup>{nums}</sup></mark>")
    return "".join(out)


def attempt_html(a: Attempt, question, rating: str | None) -> str:
    follow = " follow-up" if a.is_follow_up else ""
    head = [f'<span class="qid">{escape(a.question)}</span>']
    if a.is_follow_up:
        head.append('<span class="pill">꼬리질문</span>')
    if a.attempt > 1:
        head.append(f'<span class="pill">{a.attempt}번째 시도</span>')
    head.append(f"<span>{escape(a.answered_at.strftime('%H:%M'))}</span>")
    extra = before_answering(a)
    if extra:
        head.append(f'<span class="pill">{escape(extra)}</span>')
    if rating:
        head.append(f'<span class="pill" title="복습 일정(FSRS) 평가">복습 평가 {escape(rating)}</span>')
    head.append(f'<span class="score {_score_class(a.score)}">{percent(a.score)}</span>')
    h = [f'<article class="attempt{follow}" id="{escape(a.session)}-{a.line}">',
         f'<div class="attempt-head">{"".join(head)}</div>']
    if a.follow_up_reason:
        h.append(f'<p class="muted">꼬리질문 — {escape(a.follow_up_reason)}</p>')
    h.append(f'<p class="prompt">Q. {escape(a.prompt)}</p>')
    h.append(f'<div class="answer">{answer_html(a)}</div>')
    h.append('<ul class="points">')
    for i, p in enumerate(a.points, 1):
        req = '<span class="req">필수</span>' if p.required else ""
        if p.status == COVERED:
            quote = f" <q>{escape(p.evidence.text)}</q>" if p.evidence else ""
            h.append(f'<li class="covered" data-kp="{escape(p.id)}"><span class="n">{i}</span> '
                     f"{escape(p.label)}{req}{quote}</li>")
        elif p.status == CONTRADICTED:
            quote = f" — 반대로 말함: <q>{escape(p.evidence.text)}</q>" if p.evidence else " — 반대로 말함"
            fixes = "".join(f'<span class="fix">→ {escape(m.correction)}</span>'
                            for m in a.misconceptions if m.contradicts == p.id)
            h.append(f'<li class="contradicted" data-kp="{escape(p.id)}"><span class="n">{i}</span> '
                     f"{escape(p.label)}{req}{quote}{fixes}</li>")
        else:
            hint = point_hint(question, p.id)
            note = f'<span class="note">힌트: {escape(hint)}</span>' if hint else ""
            h.append(f'<li class="missed" data-kp="{escape(p.id)}">{escape(p.label)}{req}{note}</li>')
    for m in a.misconceptions:
        if m.contradicts is None:
            said = f"<q>{escape(m.evidence.text)}</q>" if m.evidence else ""
            h.append(f'<li class="contradicted">오개념 {said}<span class="fix">→ {escape(m.correction)}</span></li>')
    h.append("</ul>")
    model = getattr(question, "model_answer", None)
    if model:
        open_ = " open" if any(p.status != COVERED for p in a.points) else ""
        h.append(f'<details class="model"{open_}><summary>모범 답안</summary><p>{escape(model)}</p></details>')
    line = delivery_line(a.delivery)
    if line:
        h.append(f'<p class="delivery">말하기 — {escape(line)}</p>')
    h.append("</article>")
    return "\n".join(h)


def _question_grids(history: History, sessions: Sequence[SessionRecord], questions: Mapping) -> list[str]:
    shown = list(dict.fromkeys(a.main for s in sessions for a in s.attempts))
    if not shown:
        return []
    h = ["<h3>질문별 변화 (핵심 포인트 × 답변)</h3>",
         '<p class="legend">'
         f'<i style="background:{COLORS[COVERED]}"></i>짚음'
         f'<i style="background:{COLORS[MISSED]}"></i>놓침'
         f'<i style="background:{COLORS[CONTRADICTED]}"></i>반대로 말함</p>',
         '<div class="charts">']
    for qid in shown:
        attempts = [a for a in history.main_attempts() if a.main == qid]
        q = questions.get(qid)
        caption = f"{qid}" + (f" — {q.prompt}" if q is not None else "")
        h.append(f'<figure class="grid" data-question="{escape(qid)}"><figcaption>{escape(caption)}</figcaption>'
                 f"{grid_svg(attempts)}</figure>")
    h.append("</div>")
    return h


# --- inline SVG charts -----------------------------------------------------------------------------


def _svg(w: int, h: int, body: list[str], label: str) -> str:
    return (f'<svg width="100%" viewBox="0 0 {w} {h}" role="img" '
            f'aria-label="{escape(label)}">' + "".join(body) + "</svg>")


def session_chart(stats: Stats, highlight: Sequence[SessionRecord] = ()) -> str:
    """Mean score per session as a line over time (the sessions of this report in blue)."""
    pts = stats.session_means[-30:]
    w, h, left, right, top, bottom = 440, 200, 40, 24, 22, 36
    body = []
    for pct in (0, 50, 100):
        y = top + (h - top - bottom) * (1 - pct / 100)
        body.append(f'<line x1="{left}" y1="{y:.1f}" x2="{w - right}" y2="{y:.1f}" stroke="#d0d7de" stroke-width="1"/>')
        body.append(f'<text x="{left - 6}" y="{y + 4:.1f}" font-size="11" text-anchor="end" fill="#656d76">{pct}%</text>')
    if not pts:
        return _svg(w, h, body, "세션별 평균 점수: 기록 없음")
    span = max(1, len(pts) - 1)
    xy = []
    for i, (_, started, mean) in enumerate(pts):
        x = left + (w - left - right) * (i / span if len(pts) > 1 else 0.5)
        y = top + (h - top - bottom) * (1 - mean)
        xy.append((x, y))
    body.append('<polyline fill="none" stroke="#0969da" stroke-width="2" points="'
                + " ".join(f"{x:.1f},{y:.1f}" for x, y in xy) + '"/>')
    mine = {s.name for s in highlight}
    step = max(1, len(pts) // 8)
    for i, ((name, started, mean), (x, y)) in enumerate(zip(pts, xy)):
        fill = "#0969da" if name in mine or not mine else "#ffffff"
        body.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4.5" fill="{fill}" stroke="#0969da" stroke-width="2">'
                    f"<title>{escape(name)}: {percent(mean)}</title></circle>")
        body.append(f'<text x="{x:.1f}" y="{y - 9:.1f}" font-size="11" text-anchor="middle" fill="#1f2328">'
                    f"{percent(mean)}</text>")
        if i % step == 0 or i == len(pts) - 1:
            body.append(f'<text x="{x:.1f}" y="{h - 14}" font-size="11" text-anchor="middle" fill="#656d76">'
                        f"{started.strftime('%m-%d')}</text>")
    return _svg(w, h, body, "세션별 평균 점수")


def topic_chart(stats: Stats) -> str:
    """Mean score per topic as horizontal bars."""
    topics = stats.topics
    row, w, label_w, right = 26, 440, 130, 48
    h = max(row * len(topics) + 8, 40)
    body = []
    if not topics:
        return _svg(w, h, body, "주제별 평균 점수: 기록 없음")
    full = w - label_w - right
    for i, t in enumerate(topics):
        y = 4 + i * row
        name = t.topic if len(t.topic) <= 16 else t.topic[:15] + "…"
        body.append(f'<text x="{label_w - 8}" y="{y + 15}" font-size="12" text-anchor="end" fill="#1f2328">'
                    f"{escape(name)}</text>")
        body.append(f'<rect x="{label_w}" y="{y + 3}" width="{full}" height="16" rx="3" fill="#eaeef2"/>')
        color = "#1a7f37" if t.mean >= 0.75 else "#bf8700" if t.mean >= 0.5 else "#cf222e"
        body.append(f'<rect x="{label_w}" y="{y + 3}" width="{full * t.mean:.1f}" height="16" rx="3" fill="{color}">'
                    f"<title>{escape(t.topic)}: 답변 {t.attempts}개, 평균 {percent(t.mean)}</title></rect>")
        body.append(f'<text x="{label_w + full + 6}" y="{y + 15}" font-size="12" fill="#1f2328">{percent(t.mean)}</text>')
    return _svg(w, h, body, "주제별 평균 점수")


def status_svg(statuses: Sequence[str], size: int = 12) -> str:
    """A key point's answers as a row of squares."""
    statuses = list(statuses)[-20:]
    w = max(1, len(statuses)) * (size + 3)
    body = [f'<rect x="{i * (size + 3)}" y="0" width="{size}" height="{size}" rx="2" fill="{COLORS[s]}"/>'
            for i, s in enumerate(statuses)]
    return (f'<svg width="{w}" height="{size}" viewBox="0 0 {w} {size}" '
            f'role="img" aria-label="{escape(" ".join(statuses))}">' + "".join(body) + "</svg>")


def grid_svg(attempts: Sequence[Attempt]) -> str:
    """Key points (rows) × answers (columns), coloured by status, with each answer's date and score."""
    attempts = list(attempts)[-10:]
    labels: dict[str, str] = {}
    for a in attempts:
        for p in a.points:
            labels[p.id] = p.label
    cell, label_w, top = 34, 150, 34
    w = label_w + cell * max(1, len(attempts)) + 4
    h = top + cell * len(labels) + 4
    body = []
    for j, a in enumerate(attempts):
        x = label_w + j * cell + cell / 2
        body.append(f'<text x="{x:.1f}" y="12" font-size="11" text-anchor="middle" fill="#656d76">'
                    f"{a.answered_at.month}/{a.answered_at.day}</text>")
        body.append(f'<text x="{x:.1f}" y="27" font-size="11" text-anchor="middle" fill="#1f2328">'
                    f"{a.score * 100:.0f}%</text>")
    for i, (pid, label) in enumerate(labels.items()):
        y = top + i * cell
        name = label if len(label) <= 11 else label[:10] + "…"
        body.append(f'<text x="{label_w - 8}" y="{y + cell / 2 + 4:.1f}" font-size="12" text-anchor="end" '
                    f'fill="#1f2328"><title>{escape(label)}</title>{escape(name)}</text>')
        for j, a in enumerate(attempts):
            status = next((p.status for p in a.points if p.id == pid), None)
            fill = COLORS.get(status, "#ffffff")
            body.append(f'<rect x="{label_w + j * cell + 3}" y="{y + 3}" width="{cell - 6}" height="{cell - 6}" rx="4" '
                        f'fill="{fill}"><title>{escape(label)} · {a.answered_at.strftime("%m-%d %H:%M")} · '
                        f'{escape(status or "—")}</title></rect>')
    return (f'<svg width="{w}" height="{h}" viewBox="0 0 {w} {h}" style="max-width:100%;height:auto" role="img" '
            f'aria-label="핵심 포인트 × 답변">' + "".join(body) + "</svg>")


# --- Markdown ------------------------------------------------------------------------------------

_MD_SPECIAL = str.maketrans({c: "\\" + c for c in "\\`*_[]<>#|"})


def md_escape(text: str) -> str:
    return text.translate(_MD_SPECIAL)


def answer_markdown(a: Attempt) -> str:
    out = []
    for piece, ms in runs(a.answer, marks(a)):
        if not ms:
            out.append(md_escape(piece))
            continue
        sup = "".join(str(m.number) for m in ms).translate(SUPERSCRIPT)
        mark = "⚠" if any(m.status == CONTRADICTED for m in ms) else ""
        out.append(f"**{md_escape(piece)}**{mark}{sup}")
    return "".join(out)


def render_markdown(history: History, sessions: Sequence[SessionRecord], questions: Mapping, stats: Stats) -> str:
    from .progress import sparkline, status_strip
    from .schedule import rate

    title = scope_title(sessions, history)
    answers = [a for s in sessions for a in s.attempts]
    mean = sum(a.score for a in answers) / len(answers) if answers else None
    md = [f"# 면접 연습 리포트 — {title}", "",
          f"답변 {len(answers)}개 · 평균 {percent(mean)} · 연속 연습 {stats.current_streak}일 (최장 {stats.longest_streak}일) · "
          f"오늘 복습할 질문 {len(stats.due_today)}개 · 오답노트 {len(stats.missed)}개 · 기준 시각 {when(stats.now)}", ""]
    if stats.topics:
        md += ["## 진척도", "", "| 주제 | 답변 | 평균 | 추이 |", "|---|--:|--:|---|"]
        md += [f"| {md_escape(t.topic)} | {t.attempts} | {percent(t.mean)} | {sparkline(t.scores[-20:])} |"
               for t in stats.topics]
        md.append("")
    if stats.weakest:
        md += ["### 가장 약한 핵심 포인트", "", "| 핵심 포인트 | 질문 | 짚음 | 답변마다 |", "|---|---|--:|---|"]
        md += [f"| {md_escape(k.label)} | `{k.question}` | {k.covered}/{k.attempts} | {status_strip(k.statuses[-20:])} |"
               for k in stats.weakest]
        md.append("")
    for s in sessions:
        md += [f"## 세션 {s.name}", "",
               f"{when(s.started_at)} · 질문 {len(s.questions)}개 · 답변 {len(s.attempts)}개"
               + (f" · 건너뜀 {s.skipped}개" if s.skipped else "") + f" · 평균 {percent(s.mean_score)}", ""]
        for n, a in enumerate(s.attempts, 1):
            q = rubric_question(questions, a)
            meta = [f"`{a.question}`", percent(a.score)]
            if a.is_follow_up:
                meta.insert(1, "꼬리질문")
            if a.attempt > 1:
                meta.append(f"{a.attempt}번째 시도")
            extra = before_answering(a)
            if extra:
                meta.append(extra)
            if not a.is_follow_up:
                meta.append(f"복습 평가 {rate(a).name}")
            md += [f"### {n}. " + " · ".join(meta), "", f"**Q.** {md_escape(a.prompt)}", "",
                   "> " + answer_markdown(a).replace("\n", "\n> "), ""]
            for i, p in enumerate(a.points, 1):
                req = " (필수)" if p.required else ""
                if p.status == COVERED:
                    quote = f' — "{md_escape(p.evidence.text)}"' if p.evidence else ""
                    md.append(f"- ✓{str(i).translate(SUPERSCRIPT)} {md_escape(p.label)}{req}{quote}")
                elif p.status == CONTRADICTED:
                    quote = f': "{md_escape(p.evidence.text)}"' if p.evidence else ""
                    md.append(f"- ⚠{str(i).translate(SUPERSCRIPT)} {md_escape(p.label)}{req} — 반대로 말함{quote}")
                    md += [f"  - → {md_escape(m.correction)}" for m in a.misconceptions if m.contradicts == p.id]
                else:
                    hint = point_hint(q, p.id)
                    md.append(f"- ✗ {md_escape(p.label)}{req}" + (f" — 힌트: {md_escape(hint)}" if hint else ""))
            for m in a.misconceptions:
                if m.contradicts is None:
                    said = f' "{md_escape(m.evidence.text)}"' if m.evidence else ""
                    md.append(f"- ⚠ 오개념{said} → {md_escape(m.correction)}")
            model = getattr(q, "model_answer", None)
            if model:
                md += ["", f"**모범 답안:** {md_escape(model)}"]
            line = delivery_line(a.delivery)
            if line:
                md += ["", f"*말하기 — {md_escape(line)}*"]
            md.append("")
    return "\n".join(md).rstrip("\n") + "\n"
