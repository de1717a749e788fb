"""Whole-process race: `python -m course_lib train cgan --steps N` against the seed-style script.

    COURSE_DATA_DIR=/work/shared/data python benchmarks/compare_cgan.py --steps 1500 --pairs 2

Each pair runs both commands as fresh processes, one after the other, swapping which goes first
from one pair to the next so that a change in background load hurts both sides alike. Every
wall time includes Python and TensorFlow start-up, data loading, tracing, the training steps and
(for course_lib) its checkpoints and sample images: what a learner waits for. Prints one JSON
object with the wall and CPU seconds of every run and the ratio of the medians (seed / ours;
above 1 means course_lib is faster).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def _timed(cmd: list[str], cwd: Path, env: dict) -> dict:
    """Run `cmd` to completion; wall seconds and the CPU seconds it (and its children) used."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} exited with {proc.returncode}:\n{proc.stdout[-3000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {"wall_s": round(wall, 2), "cpu_s": round(cpu, 2)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--steps", type=int, default=1500)
    parser.add_argument("--pairs", type=int, default=2)
    args = parser.parse_args()
    if not os.environ.get("COURSE_DATA_DIR"):
        print("set COURSE_DATA_DIR to the folder that holds mnist/*.gz", file=sys.stderr)
        return 2
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2",
               PYTHONPATH=os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")]))
    runs: dict[str, list[dict]] = {"seed": [], "course_lib": []}
    with tempfile.TemporaryDirectory(prefix="compare-cgan-") as tmp:
        for pair in range(args.pairs):
            order = ["course_lib", "seed"] if pair % 2 == 0 else ["seed", "course_lib"]
            for who in order:
                work = Path(tmp) / f"{who}-{pair}"
                work.mkdir()
                if who == "seed":
                    cmd = [sys.executable, str(REPO / "benchmarks" / "seed_cgan.py"),
                           "--steps", str(args.steps)]
                else:  # full mode, like a learner's run: COURSE_FAST must not leak in
                    cmd = [sys.executable, "-m", "course_lib", "train", "cgan", "--steps",
                           str(args.steps), "--checkpoint-dir", str(work / "ckpt"),
                           "--no-progress"]
                run_env = {k: v for k, v in env.items() if k != "COURSE_FAST"}
                result = _timed(cmd, work, run_env)
                runs[who].append(result)
                print(f"pair {pair + 1}: {who:<10} {result['wall_s']:7.1f} s wall "
                      f"{result['cpu_s']:7.1f} s CPU", file=sys.stderr, flush=True)
    seed = statistics.median(r["wall_s"] for r in runs["seed"])
    ours = statistics.median(r["wall_s"] for r in runs["course_lib"])
    print(json.dumps({"steps": args.steps, "runs": runs, "median_wall_s": {
        "seed": seed, "course_lib": ours}, "speedup": round(seed / ours, 3),
        "loadavg_after": [round(x, 2) for x in os.getloadavg()]}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
