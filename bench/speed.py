"""Speed and memory of scoring, as ratios measured in one run (no absolute targets: machines differ).

    python bench/speed.py            # 2100 answers
    python bench/speed.py --answers 4000

Prints:
  batch/kiwi time     `score --batch` work on N answers (Kiwi + normalisation + matching + JSON)
                      over Kiwi tokenizing the same answers alone, both in this process with
                      the same Kiwi object, after a warm-up; goal <= 1.5
  batch/kiwi memory   peak RSS of `interviewer score --batch` (a child process, the real CLI)
                      over peak RSS of a child that only builds Kiwi and tokenizes the same
                      answers; goal <= 1.12
  first-question      time to the first question of `interviewer practice` over Kiwi-ready
                      time, measured in one run (bench/startup.py); goal <= 0.25
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

KIWI_ALONE = """
import json, resource, sys
from kiwipiepy import Kiwi
kiwi = Kiwi(num_workers=-1)
answers = [json.loads(l)["answer"] for l in open(sys.argv[1], encoding="utf-8")]
for _ in kiwi.tokenize(answers):
    pass
"""


def answers(n: int) -> list[dict]:
    """N (question, answer) items cycled from the labeled dev set."""
    items = []
    for f in sorted((HERE / "data").glob("dev-*.jsonl")):
        for line in f.read_text(encoding="utf-8").splitlines():
            o = json.loads(line)
            items.append({"question": o["question"], "answer": o["answer"]})
    return [items[i % len(items)] for i in range(n)]


def peak_rss_mib(cmd: list[str], stdin_path: str | None = None) -> tuple[float, float]:
    """Run a child; return (its peak RSS in MiB, wall seconds)."""
    stdin = open(stdin_path, "rb") if stdin_path else subprocess.DEVNULL
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdin=stdin, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            env=dict(os.environ, PYTHONPATH=str(ROOT)))
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    if status != 0:
        raise SystemExit(f"child failed: {' '.join(cmd)}: {proc.stderr.read().decode()[-500:]}")
    return usage.ru_maxrss / 1024, wall


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--answers", type=int, default=2100)
    ap.add_argument("--repeats", type=int, default=5, help="interleaved rounds of each timing (best kept)")
    ap.add_argument("--skip-startup", action="store_true", help="skip the time-to-first-question run")
    args = ap.parse_args(argv)

    from interviewer.rubric import load_rubric
    from interviewer.scoring.analysis import KiwiAnalyzer
    from interviewer.scoring.scorer import Scorer, glossary_nouns

    items = answers(args.answers)
    texts = [it["answer"] for it in items]

    # Memory first, in children forked before this process loads Kiwi: a forked child's peak
    # RSS counts the parent's pages it started with.
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False, encoding="utf-8") as f:
        for it in items:
            f.write(json.dumps(it, ensure_ascii=False) + "\n")
        path = f.name
    try:
        kiwi_rss, kiwi_wall = peak_rss_mib([sys.executable, "-c", KIWI_ALONE, path])
        cli_rss, cli_wall = peak_rss_mib([sys.executable, "-m", "interviewer", "score", "--batch", path])
    finally:
        os.unlink(path)
    print(f"peak RSS kiwi alone : {kiwi_rss:7.1f} MiB  (whole process {kiwi_wall:.1f} s)")
    print(f"peak RSS score CLI  : {cli_rss:7.1f} MiB  (whole process {cli_wall:.1f} s)")
    print(f"batch/kiwi memory   : {cli_rss / kiwi_rss:.3f}  (goal <= 1.12)")


    rubric = load_rubric()
    scorer = Scorer(rubric, KiwiAnalyzer())
    # Kiwi alone has a Kiwi of its own with the same words: scoring lowers its own Kiwi's worker
    # priority (analysis.WORKER_NICE), which would slow Kiwi alone when the machine is busy.
    alone = KiwiAnalyzer()
    alone.add_words(glossary_nouns(rubric.glossary))
    kiwi = alone.kiwi

    # Warm-up both paths (compiles every question once, as a long batch would anyway).
    for _ in scorer.score_many((it["question"], it["answer"]) for it in items[:400]):
        pass
    for _ in kiwi.tokenize(texts[:400]):
        pass

    def time_kiwi() -> float:
        t0 = time.perf_counter()
        for _ in kiwi.tokenize(texts):
            pass
        return time.perf_counter() - t0

    def time_batch() -> float:
        t0 = time.perf_counter()
        for r in scorer.score_many((it["question"], it["answer"]) for it in items):
            json.dumps(r.to_json(), ensure_ascii=False)
        return time.perf_counter() - t0

    # Interleave repeats and keep the best of each: the machine is shared and noisy, and a load
    # that comes and goes then falls on both sides alike.
    kiwi_ts, batch_ts = [], []
    for _ in range(args.repeats):
        kiwi_ts.append(time_kiwi())
        batch_ts.append(time_batch())
    kiwi_t, batch_t = min(kiwi_ts), min(batch_ts)
    print(f"answers: {len(items)} ({sum(map(len, texts)) / len(texts):.0f} characters on average)")
    print(f"kiwi tokenize alone : {kiwi_t:7.3f} s  ({kiwi_t / len(items) * 1e3:.2f} ms/answer)")
    print(f"score --batch work  : {batch_t:7.3f} s  ({batch_t / len(items) * 1e3:.2f} ms/answer)")
    print(f"batch/kiwi time     : {batch_t / kiwi_t:.2f}   (goal <= 1.5; per round "
          f"{min(b / k for k, b in zip(kiwi_ts, batch_ts)):.2f}-{max(b / k for k, b in zip(kiwi_ts, batch_ts)):.2f})")

    if not args.skip_startup:
        try:
            import startup  # bench/startup.py
        except ImportError:
            print("first-question      : bench/startup.py not present")
        else:
            m = startup.measure()
            print(f"first question      : {m['first_question']:.3f} s; Kiwi ready {m['kiwi_ready']:.3f} s")
            print(f"first-question/kiwi : {m['first_question'] / m['kiwi_ready']:.3f}  (goal <= 0.25)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
