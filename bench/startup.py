"""Time to the first question of `interviewer practice`, over Kiwi-ready time, in one run.

    python bench/startup.py            # 3 runs on the bundled bank
    python bench/startup.py --runs 5 --rubric tests/data/practice.yaml

One run starts the real CLI as a child process (plain line mode, so no terminal is needed),
and measures from just before the child is spawned:
  first_question  when the first question's text (``Q. …``) arrives on the child's stdout
  kiwi_ready      when Kiwi finished loading in the child (reported by the child through
                  $INTERVIEWER_TIMINGS, on the same wall clock)
The child is then given one answer (scoring waits for Kiwi) and ``/quit``. Goal: ratio <= 0.25,
i.e. the question is on screen long before the analyzer it does not need is ready.

Unchanged rubric files come from the parse cache (interviewer/yamlfile.py): ``measure()`` primes it first,
as on every start but the first after a rubric edit; ``measure(cold=True)`` gives the child an
empty cache dir, as on a fresh machine. ``__main__`` prints both.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def measure(rubric: str | None = None, cold: bool = False) -> dict:
    """One run: {"first_question": s, "kiwi_ready": s}, both seconds from spawning the child."""
    rubric = str(Path(rubric).resolve()) if rubric else None  # the child runs in a temporary directory
    with tempfile.TemporaryDirectory() as tmp:
        timings = Path(tmp) / "timings.json"
        env = dict(os.environ, INTERVIEWER_TIMINGS=str(timings), NO_COLOR="1",
                   PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))
        if cold:
            env["XDG_CACHE_HOME"] = str(Path(tmp) / "cache")
        else:
            sys.path.insert(0, str(ROOT))
            from interviewer.rubric import load_rubric

            load_rubric(rubric)
        cmd = [sys.executable, "-m", "interviewer", "practice", "--plain", "--transcripts", str(Path(tmp) / "t")]
        if rubric:
            cmd += ["--rubric", rubric]
        t0 = time.time()
        child = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                 env=env, cwd=tmp, text=True, encoding="utf-8")
        first = None
        try:
            for line in child.stdout:
                if line.startswith("Q. "):
                    first = time.time() - t0
                    break
            if first is None:
                raise RuntimeError(f"no question shown; stderr: {child.stderr.read().strip()}")
            child.stdin.write("잘 모르겠습니다\n/quit\n")
            child.stdin.close()
            child.stdout.read()
            if child.wait(timeout=120) != 0:
                raise RuntimeError(f"practice exited {child.returncode}: {child.stderr.read().strip()}")
        finally:
            if child.poll() is None:
                child.kill()
                child.wait()
        reported = json.loads(timings.read_text(encoding="utf-8"))
        return {"first_question": first, "kiwi_ready": reported["kiwi_ready"] - t0}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--rubric", help="rubric file or directory (default: the bundled bank)")
    args = ap.parse_args(argv)
    results = {}
    for cold in (True, False):
        label = "cold cache" if cold else "warm cache"
        ratios = []
        for i in range(args.runs):
            m = measure(args.rubric, cold=cold)
            ratio = m["first_question"] / m["kiwi_ready"]
            ratios.append(ratio)
            print(f"{label} run {i + 1}: first question {m['first_question']:.3f} s, "
                  f"Kiwi ready {m['kiwi_ready']:.3f} s, ratio {ratio:.3f}")
        results[label] = statistics.median(ratios)
    print(f"first-question/kiwi-ready, cold cache (first start after a rubric edit): "
          f"{results['cold cache']:.3f}")
    print(f"first-question/kiwi-ready, warm cache (every other start): {results['warm cache']:.3f}"
          f"  (median of {args.runs}; goal <= 0.25)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
