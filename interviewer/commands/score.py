"""``interviewer score``: score one answer, or a JSONL batch, against a rubric."""

from __future__ import annotations

import argparse
import json
import sys

from ..errors import InputError
from ..transcript import json_text, jsonl_lines

HELP = "답변 하나 또는 JSONL 묶음을 채점 (score an answer or a batch)"


def add_parser(sub) -> None:
    p = sub.add_parser(
        "score",
        help=HELP,
        description=HELP + "\n\n예: interviewer score --question seed-sigmoid \"기울기 소실이 생겨요\"\n"
        "    interviewer score --batch answers.jsonl > scores.jsonl",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("answer", nargs="?", help="답변 텍스트 (생략하면 표준 입력에서 읽음)")
    p.add_argument("--rubric", metavar="PATH", help="루브릭 파일 또는 디렉터리 (기본: 내장 질문 은행)")
    p.add_argument("--question", "-q", metavar="ID", help="질문 id (답변 하나를 채점할 때)")
    p.add_argument("--batch", metavar="IN.jsonl",
                   help='{"question": ID, "answer": TEXT} 줄들을 읽어 줄마다 JSON 결과 한 줄 출력 (- = 표준 입력)')
    p.add_argument("--json", action="store_true", help="결과를 JSON 객체 하나로 출력")
    p.add_argument("--explain", action="store_true", help="정규화 단계와 포인트별 판단 근거 출력")
    p.set_defaults(run=run)


def run(args) -> int:
    from ..rubric import load_rubric

    if args.batch is not None:
        if args.question or args.answer:
            raise InputError("--batch reads questions and answers from the file; drop --question and the answer")
        rubric = load_rubric(args.rubric)
        items = read_batch(args.batch, rubric)
        scorer = _scorer(rubric)
        out = sys.stdout
        for result in scorer.score_many(items):
            out.write(json_text(result.to_json()) + "\n")
        out.flush()
        return 0
    if not args.question:
        raise InputError("--question ID is required (or use --batch FILE)")
    answer = args.answer
    if answer is None:
        if sys.stdin.isatty():
            raise InputError("give the answer as an argument, or pipe it on standard input")
        answer = _decode(sys.stdin.buffer.read(), "<stdin>")
    else:
        answer = _decode(answer.encode("utf-8", "surrogateescape"), "the answer argument")
    rubric = load_rubric(args.rubric)
    question = rubric.question(args.question)
    scorer = _scorer(rubric)
    analysis = scorer.analyze(answer)
    match = scorer.match(question, analysis, prune=not args.explain)
    result = scorer.aggregate(match)
    if args.json:
        print(json_text(result.to_json()))
        return 0
    from ..feedback import render_result, use_color

    print(f"Q. {question.prompt}")
    print(render_result(result, question, color=use_color()))
    if args.explain:
        from ..explain import render_explain

        print()
        print(render_explain(scorer, analysis, match, result))
    return 0


def _scorer(rubric):
    from ..scoring.analysis import KiwiAnalyzer
    from ..scoring.scorer import Scorer

    return Scorer(rubric, KiwiAnalyzer())


def read_batch(source: str, rubric) -> list[tuple[str, str]]:
    """Read and check every line before scoring, so bad input never leaves half an output."""
    name = "<stdin>" if source == "-" else source
    try:
        if source == "-":
            lines = jsonl_lines(_decode(sys.stdin.buffer.read(), name))
        else:
            with open(source, encoding="utf-8") as f:
                lines = jsonl_lines(f.read())
    except FileNotFoundError:
        raise InputError(f"{name}: file not found") from None
    except UnicodeDecodeError as exc:
        raise InputError(f"{name}: not UTF-8 text (byte {exc.start})") from None
    except OSError as exc:
        raise InputError(f"{name}: cannot read: {exc.strerror}") from None
    items = []
    for no, line in enumerate(lines, 1):
        if not line.strip():
            continue  # blank lines carry no item
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(f"{name}:{no}: invalid JSON: {exc.msg} (column {exc.colno})") from None
        if not isinstance(obj, dict):
            raise InputError(f"{name}:{no}: expected a JSON object with \"question\" and \"answer\"")
        qid, answer = obj.get("question"), obj.get("answer")
        if not isinstance(qid, str):
            raise InputError(f"{name}:{no}: \"question\" must be a string (question id)")
        if qid not in rubric:
            raise InputError(f"{name}:{no}: unknown question id {qid!r}")
        if not isinstance(answer, str):
            raise InputError(f"{name}:{no}: \"answer\" must be a string")
        items.append((qid, answer))
    return items


def _decode(raw: bytes, name: str) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"{name}: not UTF-8 text (byte {exc.start}); save it as UTF-8") from None
