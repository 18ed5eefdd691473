"""Time to build the stats and the review schedule from 10,000 answers, over reading the files alone.

    python bench/stats_speed.py                 # 10,000 answers, best of 5
    python bench/stats_speed.py --answers 50000 --runs 3

The answers are real transcript lines: the sessions under ``tests/data/transcripts/`` (written by
``interviewer practice``) are replicated into a temporary directory until there are N answers.
Each copy is moved a day later and its question ids get a suffix (``sigmoid-17``), so the history
spans months and about 200 questions, as a long-time user's would. In one run it then measures,
best of N:

  read   every file read and parsed (``transcript.read_transcript``): the floor
  cold   what ``interviewer stats`` does, with no schedule cache: load the history (that same
         reading, plus attempts), replay every answer through FSRS, compute topics, key points,
         streaks and what is due
  warm   the same with the card states cached by the previous run (``schedule.cache_file``): the
         usual case, since every run leaves the cache behind; ratings are still recomputed from the
         transcripts and checked against the cache, only the FSRS replay is skipped

and prints cold / read and warm / read. Goal: <= 3x. Both phases run the way the command does,
with the cyclic garbage collector paused (``history.collector_paused``). Rubric loading is left
out: it does not grow with answers, and unchanged files come from the parse cache.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import io
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "tests" / "data" / "transcripts"
QUESTION_VARIANTS = 50


def replicate(target: Path, answers: int, samples: Path = SAMPLES) -> tuple[int, int]:
    """Copy the sample sessions into ``target`` until it holds ``answers`` answers.
    Returns (files, answers) written."""
    sessions = [p.read_text(encoding="utf-8").splitlines() for p in sorted(samples.glob("*.jsonl"))]
    if not sessions:
        raise SystemExit(f"no sample transcripts in {samples}")
    written = files = 0
    copy = 0
    while written < answers:
        for lines in sessions:
            if written >= answers:
                break
            shift = _dt.timedelta(days=copy)
            suffix = f"-{copy % QUESTION_VARIANTS}"
            out = []
            for line in lines:
                r = json.loads(line)
                if r["type"] == "answer":
                    if written >= answers:
                        continue
                    written += 1
                out.append(json.dumps(_moved(r, shift, suffix), ensure_ascii=False, separators=(",", ":")))
            header = json.loads(out[0])
            (target / f"{header['session']}.jsonl").write_text("\n".join(out) + "\n", encoding="utf-8")
            files += 1
            copy += 1
    return files, written


def _moved(r: dict, shift: _dt.timedelta, suffix: str) -> dict:
    r = dict(r)
    for key in ("started_at", "asked_at", "answered_at", "ended_at", "skipped_at"):
        if isinstance(r.get(key), str):
            r[key] = (_dt.datetime.fromisoformat(r[key]) + shift).isoformat(timespec="milliseconds")
    if r["type"] == "header":
        start = _dt.datetime.fromisoformat(r["started_at"])
        r["session"] = start.strftime("%Y-%m-%d_%H%M%S") + suffix
        r["questions"] = [q + suffix for q in r.get("questions", [])]
    for key in ("question", "main"):
        if isinstance(r.get(key), str):
            main, sep, rest = r[key].partition("/follow-up-")
            r[key] = main + suffix + sep + rest
    if isinstance(r.get("result"), dict):
        r["result"] = {**r["result"], "question": r["question"]}
    return r


def measure(directory: Path, cache: Path) -> dict:
    """One run over ``directory``: seconds to read; to build stats and schedule with no cache
    (every card replayed through FSRS) and with the card-state cache of a previous run."""
    from interviewer.commands.stats import build_stats
    from interviewer.history import collector_paused, load_history
    from interviewer.schedule import cache_file
    from interviewer.transcript import list_transcripts, read_transcript

    quiet = io.StringIO()
    env = {"XDG_CACHE_HOME": str(cache)}
    out = {}
    for phase in ("read", "cold", "warm"):
        if phase == "cold":
            cache_file(directory, env).unlink(missing_ok=True)
        # Both timed as `interviewer stats` runs: with the cyclic collector paused (the one
        # collection after the pause happens once the output is printed, outside the timing).
        with collector_paused():
            t0 = time.perf_counter()
            if phase == "read":
                for path in list_transcripts(directory):
                    read_transcript(path, warn=quiet)
            else:
                stats = build_stats(load_history(directory, warn=quiet), {})
            out[phase] = time.perf_counter() - t0
    out["answers"] = stats.answers
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--answers", type=int, default=10_000)
    ap.add_argument("--runs", type=int, default=5, help="best of N (default 5)")
    args = ap.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    with tempfile.TemporaryDirectory() as tmp:
        data, cache = Path(tmp) / "transcripts", Path(tmp) / "cache"
        data.mkdir()
        files, answers = replicate(data, args.answers)
        os.environ["XDG_CACHE_HOME"] = str(cache)  # build_stats finds its cache there
        runs = [measure(data, cache) for _ in range(args.runs)]
    best = {k: min(r[k] for r in runs) for k in ("read", "cold", "warm")}
    print(f"{answers} answers in {files} transcript files (best of {args.runs} runs)")
    rows = [("read the files alone", best["read"]),
            ("stats + schedule, no cache (every card replayed)", best["cold"]),
            ("stats + schedule, card states cached by the last run", best["warm"])]
    for label, seconds in rows:
        ratio = seconds / best["read"]
        verdict = "" if label.startswith("read") else f"  {ratio:5.2f}x  {'ok' if ratio <= 3 else 'MISSED'} (goal <= 3x)"
        print(f"{label:<54}{seconds * 1000:8.1f} ms{verdict}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
