"""``interviewer rubric lint | test | list``: tools for rubric authors (docs/rubric-tools.md).

Each action parses, calls :mod:`interviewer.lint`, and renders the result; library errors
(a missing path, an unloadable rubric for ``test``/``list``) become ``Error: …`` and exit 2.
"""

from __future__ import annotations

import argparse
import json
import sys

HELP = "루브릭 점검·자체 시험·목록 (rubric lint / test / list)"

EPILOG = """\
종료 코드 (exit codes):
  0  문제 없음 (lint: 경고만 있어도 0)
  1  lint 오류, 또는 test 실패
  2  경로·파일을 읽을 수 없음, 잘못된 옵션"""


def add_parser(sub) -> None:
    p = sub.add_parser(
        "rubric",
        help=HELP,
        description=HELP + "\n\n예: interviewer rubric lint rubric/\n    interviewer rubric test rubric/ --cross\n"
        "    interviewer rubric list --json",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    actions = p.add_subparsers(dest="rubric_action", metavar="ACTION")
    p.set_defaults(run=lambda args: _usage(p, actions))

    lint = actions.add_parser(
        "lint",
        help="스키마·의미 점검: 중복 id, 겹치는 구, 너무 일반적인 구, 용어집 겹침 (check a rubric)",
        description="루브릭 파일이나 디렉터리를 점검합니다. 한 줄에 하나씩 "
        "'파일:줄: error|warning: 코드: 내용' 을 출력하고, 오류가 있으면 종료 코드 1입니다.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _path(lint)
    lint.add_argument("--json", action="store_true", help="결과를 JSON 객체 하나로 출력")
    lint.add_argument("--strict", action="store_true", help="경고도 오류처럼 종료 코드 1로 (warnings fail too)")
    lint.add_argument("--generic-share", type=_share, default=0.05, metavar="SHARE",
                      help="관련 없는 답변 중 이 비율(0–1)보다 많이 맞는 구를 generic-phrase 로 경고 (기본 0.05)")
    lint.set_defaults(run=run_lint)

    test = actions.add_parser(
        "test",
        help="핵심 포인트의 예문(examples)을 실제 채점기로 시험 (run every example through the scorer)",
        description="긍정 예문은 그 핵심 포인트를 '언급함'으로, 부정 예문은 '언급 안 함'으로 채점돼야 합니다. "
        "하나라도 어긋나면 종료 코드 1입니다.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _path(test)
    test.add_argument("--json", action="store_true", help="결과를 JSON 객체 하나로 출력")
    test.add_argument("--cross", action="store_true",
                      help="교차 오탐률도 측정: 각 질문의 긍정 예문을 같은 주제의 다른 질문으로 채점 "
                      "(cross-question false positives)")
    test.add_argument("--top", type=int, default=10, metavar="N", help="--cross 에서 보여 줄 최악 항목 수 (기본 10)")
    test.set_defaults(run=run_test)

    ls = actions.add_parser(
        "list",
        help="주제별 문항 수와 문항별 핵심 포인트·꼬리질문 수 (topics and questions)",
        description="주제(tags)별 문항 수와, 문항마다 id·난이도·핵심 포인트 수·꼬리질문 수를 보여 줍니다.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _path(ls)
    ls.add_argument("--tag", metavar="TAG", help="이 주제의 문항만")
    ls.add_argument("--json", action="store_true", help="결과를 JSON 객체 하나로 출력")
    ls.set_defaults(run=run_list)
    _add_tuning(actions)


def _path(p) -> None:
    p.add_argument("path", nargs="?", metavar="PATH", help="루브릭 파일 또는 디렉터리 (기본: 내장 질문 은행)")


def _share(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not 0.0 < value <= 1.0:
        raise argparse.ArgumentTypeError(f"{text} must be in (0, 1]")
    return value


def _usage(parser, actions) -> int:
    parser.print_usage(sys.stderr)
    names = list(actions.choices)
    choices = ", ".join(names[:-1]) + f" or {names[-1]}" if len(names) > 1 else names[0]
    print(f"Error: choose an action: {choices} (see interviewer rubric --help)", file=sys.stderr)
    return 2


def _analyzer():
    """The process's one Kiwi (tests replace this with their session analyzer)."""
    from ..scoring.analysis import default_analyzer

    return default_analyzer()


def _dump(obj) -> None:
    print(json.dumps(obj, ensure_ascii=False, indent=2))


# --- lint ------------------------------------------------------------------------------------


def run_lint(args) -> int:
    from ..lint import LintSettings, lint, load_sources

    sources = load_sources(args.path)
    needs = bool(sources.questions) or bool(sources.glossary_scope)
    report = lint(sources, _analyzer() if needs else None, LintSettings(generic_share=args.generic_share))
    failed = bool(report.errors) or (args.strict and bool(report.warnings))
    if args.json:
        _dump(report.to_json())
        return 1 if failed else 0
    for f in report.findings:
        print(f)
    for note in report.notes:
        print(f"note: {note}")
    print(lint_summary(report))
    return 1 if failed else 0


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def lint_summary(report) -> str:
    head = (f"lint: {_plural(report.files, 'file')}, {_plural(report.questions, 'question')}, "
            f"{_plural(report.key_points, 'key point')}: ")
    if not report.findings:
        return head + "no problems"
    counts = ", ".join(f"{code} {n}" for code, n in report.counts().items())
    return head + f"{_plural(len(report.errors), 'error')}, {_plural(len(report.warnings), 'warning')} ({counts})"


# --- test ------------------------------------------------------------------------------------


def run_test(args) -> int:
    from ..lint import check_examples, cross_question, load_sources
    from ..scoring.scorer import Scorer

    sources = load_sources(args.path)
    rubric = sources.strict()
    scorer = Scorer(rubric, _analyzer())
    report = check_examples(sources, scorer)
    cross = cross_question(rubric.questions, scorer) if args.cross else None
    code = 1 if report.failures else 0
    if args.json:
        out = report.to_json()
        if cross is not None:
            out["cross"] = cross.to_json()
        _dump(out)
        return code
    for c in report.failures:
        print(render_failure(c, report.threshold))
    print(test_summary(report))
    if cross is not None:
        print()
        print(render_cross(cross, args.top))
    return code


def render_failure(c, threshold: float) -> str:
    evidence = f'"{c.evidence}"' if c.evidence is not None else "none"
    relation = ">=" if c.similarity >= threshold else "<"
    best = f"'{c.phrase}' {c.similarity:.2f} {relation} {threshold:.2f}" if c.phrase else f"no phrase came near (0.00 < {threshold:.2f})"
    return "\n".join((
        f"{c.file}:{c.line}: fail: {c.question}/{c.key_point}: {c.problem}",
        f'    example:  "{c.text}"',
        f"    evidence: {evidence}",
        f"    best:     {best}",
    ))


def test_summary(report) -> str:
    pos, neg = report.count("positive"), report.count("negative")
    head = (f"test: {_plural(len(report.checks), 'example')} ({pos} positive, {neg} negative) "
            f"for {_plural(report.key_points, 'key point')}: ")
    failed = report.failures
    if failed:
        head += (f"{len(failed)} failed ({report.count('positive', False)} positive not covered, "
                 f"{report.count('negative', False)} negative covered)")
    else:
        head += "all passed"
    if report.without_examples:
        head += f"; {_plural(report.without_examples, 'key point')} without examples"
    return head


def _pct(n: int, d: int) -> str:
    return f"{n}/{d} ({(n / d if d else 0.0):.1%})"


def render_cross(cross, top: int = 10) -> str:
    lines = [
        "cross-question false positives (positive examples scored against the other questions of their topic):",
        f"  examples:            {cross.examples}",
        f"  pairs credited:      {_pct(cross.pairs_credited, cross.pairs)}  (example × other question, ≥ 1 key point credited)",
        f"  key points credited: {_pct(cross.key_points_credited, cross.key_points)}",
    ]
    if cross.by_tag:
        width = max(len(t.tag) for t in cross.by_tag)
        lines.append("  by topic:")
        for t in cross.by_tag:
            lines.append(f"    {t.tag:<{width}}  examples {t.examples:>4}  pairs {_pct(t.pairs_credited, t.pairs):>18}"
                         f"  key points {_pct(t.key_points_credited, t.key_points):>18}")
    worst = cross.worst_key_points(top)
    if worst:
        lines.append(f"  most credited key points (by other questions' examples), top {len(worst)}:")
        for target, n, h in worst:
            via = f" via '{h.phrase}'" if h.phrase else ""
            lines.append(f"    {target}  {n}×  e.g. {h.source}: \"{h.evidence}\"{via}")
    examples = cross.worst_examples(min(top, 5))
    if examples:
        lines.append(f"  examples crediting the most foreign key points, top {len(examples)}:")
        for source, text, n in examples:
            lines.append(f"    {source}  {n}×  \"{text}\"")
    return "\n".join(lines)


# --- list ------------------------------------------------------------------------------------


def run_list(args) -> int:
    from ..errors import InputError
    from ..lint import listing
    from ..rubric import load_rubric

    rubric = load_rubric(args.path)
    if args.tag is not None and args.tag not in rubric.tags():
        known = ", ".join(rubric.tags()) or "none"
        raise InputError(f"unknown tag {args.tag!r} (tags: {known})")
    result = listing(rubric, args.tag)
    if args.json:
        _dump(result.to_json())
        return 0
    print(render_listing(result))
    return 0


def render_listing(result) -> str:
    qs = result.questions
    lines = ["topics:"]
    width = max([len(t or "(no tag)") for t, _ in result.topics] + [5])
    for tag, n in result.topics:
        lines.append(f"  {tag or '(no tag)':<{width}}  {n:>4}")
    with_fu = sum(1 for q in qs if q.follow_ups)
    lines.append(f"  {'total':<{width}}  {len(qs):>4}  ({_plural(len(result.topics), 'topic')}, "
                 f"{_plural(sum(q.key_points for q in qs), 'key point')}, {with_fu} with follow-ups)")
    lines.append("")
    idw = max([len(q.id) for q in qs] + [2])
    lines.append(f"{'id':<{idw}}  {'level':<12}  {'kps':>3}  {'fu':>2}  tags")
    for q in qs:
        lines.append(f"{q.id:<{idw}}  {q.level or '-':<12}  {q.key_points:>3}  {q.follow_ups:>2}  {', '.join(q.tags) or '-'}")
    return "\n".join(lines)


# --- eval / suggest: where the scorer and human labels disagree (interviewer.tuning, docs/tuning.md)


def _add_tuning(actions) -> None:
    ev = actions.add_parser(
        "eval",
        help="사람 라벨과 비교: 핵심 포인트별 정밀도·재현율·F1, 오탐·놓침 근거 (precision/recall per key point)",
        description="라벨 파일(docs/labels.md)의 답변을 채점해 사람 판단과 비교합니다. 전체 수치는 "
        "bench/accuracy.py 와 같은 코드(interviewer/evaluate.py)로 셉니다. 오탐(FP)마다 근거와 그 구, "
        "놓침(FN)마다 가장 가까운 구와 유사도를 보여 줍니다.\n\n"
        "예: interviewer rubric eval --labels transcripts/2025-03-01_210405.labels.jsonl\n"
        "    interviewer rubric eval --rubric my-rubric/ --labels a.jsonl b.jsonl --sweep",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _tuning_inputs(ev)
    ev.add_argument("--sweep", action="store_true",
                    help="임계값별 F1과 가장 좋은 임계값 (Kiwi는 한 번만: 통계를 다시 집계만 함)")
    ev.set_defaults(run=run_eval)

    sg = actions.add_parser(
        "suggest",
        help="사람은 '언급함', 채점기는 놓친 답변에서 구·용어집 후보 제안 (candidate phrases from missed answers)",
        description="사람이 '언급함'으로 라벨링했지만 채점기가 놓친 답변마다, 가장 가까운 구 주변의 답변 "
        "낱말로 구 후보를 만들고 그 질문의 모든 라벨 답변에 맞춰 봅니다 (고쳐지는 놓침 수, 새 오탐 수). "
        "용어집 후보도 함께 보여 줍니다. 루브릭은 고치지 않습니다: 받아들일 후보를 직접 붙여 넣으세요.\n\n"
        "예: interviewer rubric suggest --labels transcripts/2025-03-01_210405.labels.jsonl",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _tuning_inputs(sg)
    sg.set_defaults(run=run_suggest)


def _tuning_inputs(p) -> None:
    p.add_argument("--rubric", metavar="PATH", help="루브릭 파일 또는 디렉터리 (기본: 내장 질문 은행)")
    p.add_argument("--labels", nargs="+", required=True, metavar="FILE", help="라벨 JSONL 파일 (여러 개 가능)")
    p.add_argument("--json", action="store_true", help="결과를 JSON 객체 하나로 출력")


def _labeled(args):
    from ..errors import InputError
    from ..evaluate import load_labels
    from ..rubric import load_rubric
    from ..scoring.scorer import Scorer
    from ..tuning import score_labels, with_follow_ups

    rubric = with_follow_ups(load_rubric(args.rubric))
    labels = load_labels(args.labels, rubric)
    if not labels:
        raise InputError(f"no labeled answers in {', '.join(args.labels)}")
    scorer = Scorer(rubric, _analyzer())
    return scorer, labels, score_labels(labels, scorer)


def run_eval(args) -> int:
    from ..tuning import render_eval, render_sweep, run_eval as evaluate_labels, sweep

    scorer, labels, scored = _labeled(args)
    result = evaluate_labels(labels, scorer, scored)
    swept = sweep(scored, scorer) if args.sweep else None
    if args.json:
        out = result.to_json()
        if swept is not None:
            out["sweep"] = swept.to_json()
        _dump(out)
        return 0
    print(render_eval(result))
    if swept is not None:
        print()
        print(render_sweep(swept))
    return 0


def run_suggest(args) -> int:
    from ..tuning import render_suggestions, suggest

    scorer, _, scored = _labeled(args)
    suggestions = suggest(scored, scorer)
    if args.json:
        _dump({"threshold": scorer.settings.threshold, "signature": scorer.signature,
               "suggestions": [s.to_json() for s in suggestions]})
        return 0
    print(render_suggestions(suggestions, scorer.settings.threshold))
    return 0
