"""``interviewer rescore TRANSCRIPTS --rubric NEW``: what an edited rubric would change in past
answers, answer by answer and key point by key point, before the author adopts it.

Both sides are scored today (the base rubric and the new one, same scorer), so what is listed
is the edit's effect alone; answers whose base score differs from what was recorded are counted
in a note. Wiring only: :mod:`interviewer.tuning` does the work.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from ..errors import InputError

HELP = "고친 루브릭으로 지난 답변을 다시 채점해 바뀌는 점을 보기 (rescore transcripts with an edited rubric)"


def add_parser(sub) -> None:
    p = sub.add_parser(
        "rescore",
        help=HELP,
        description=HELP + "\n\n"
        "예: interviewer rescore transcripts/ --rubric my-rubric/\n"
        "    interviewer rescore transcripts/2025-03-01_210405.jsonl --rubric my-rubric/ --base rubric/\n\n"
        "기준(base)은 --base, 없으면 그 세션이 쓴 루브릭(기록 헤더의 경로, 없으면 내장 질문 은행)입니다.\n"
        "두 루브릭 모두 지금의 채점기로 채점하므로 목록에 나오는 변화는 루브릭 편집 때문입니다.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("transcripts", nargs="+", metavar="TRANSCRIPT", help="기록 파일(.jsonl) 또는 기록 폴더")
    p.add_argument("--rubric", required=True, metavar="NEW", help="고친 루브릭 파일 또는 디렉터리")
    p.add_argument("--base", metavar="OLD", help="비교 기준 루브릭 (기본: 세션이 쓴 루브릭)")
    p.add_argument("--json", action="store_true", help="결과를 JSON 객체 하나로 출력")
    p.set_defaults(run=run)


def _analyzer():
    """The process's one Kiwi (tests may replace this)."""
    from ..scoring.analysis import default_analyzer

    return default_analyzer()


def base_path(items, option: str | None) -> str | None:
    """The rubric to compare against: ``--base``, else the one the sessions recorded."""
    if option:
        return option
    used = {it.rubric for it in items}
    if len(used) > 1:
        shown = ", ".join(sorted(str(u or "(bundled bank)") for u in used))
        raise InputError(f"the transcripts were recorded with different rubrics ({shown}); choose one with --base")
    path = used.pop() if used else None
    if path is not None and not Path(path).exists():
        raise InputError(f"{path}: the rubric these sessions used is not there any more; give --base PATH")
    return path


def run(args) -> int:
    from ..rubric import load_rubric
    from ..scoring.scorer import Scorer
    from ..tuning import render_rescore, rescore_diff, score_answers, transcript_answers, with_follow_ups

    items = transcript_answers(args.transcripts)
    new_rubric = with_follow_ups(load_rubric(args.rubric))  # fail on a broken edit before Kiwi loads
    base = base_path(items, args.base)
    base_rubric = with_follow_ups(load_rubric(base))
    analyzer = _analyzer()
    # One side at a time: a scorer teaches Kiwi its glossary's nouns, so the base answers are
    # analysed before the new rubric's glossary can change how they split.
    before = score_answers(items, Scorer(base_rubric, analyzer))
    after = score_answers(items, Scorer(new_rubric, analyzer))
    report = rescore_diff(items, before, after, base or "the bundled bank", args.rubric)
    if args.json:
        print(json.dumps(report.to_json(), ensure_ascii=False, indent=2))
    else:
        print(render_rescore(report))
    return 0
