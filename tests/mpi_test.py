#!/usr/bin/python3
"""goodsim under MPI (docs/mpi.md): the same results for any ranks x threads split.

usage: mpi_test.py GOODSIM MPIRUN CASE
       CASE: run, sweep, recommend, sweep-resume-after-kill

Each case runs goodsim alone (2 threads), then under `mpirun -n 1/2/3` (1 thread per rank),
and compares every dataset of the HDF5 files bit for bit (or the printed report, for
recommend). Attributes such as the creation time, the command line and the thread count
legitimately differ and are not compared. Exit code 77 (skipped) without mpirun or h5py.
"""

import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

try:
    import h5py
    import numpy as np
except ImportError:
    print("h5py or numpy missing: skipped")
    sys.exit(77)

GOODSIM = os.path.abspath(sys.argv[1])
MPIRUN = shutil.which(sys.argv[2])
CASE = sys.argv[3]
SOURCE = Path(__file__).resolve().parent.parent
QUICK = os.environ.get("GOODSIM_MPI_TEST_QUICK") == "1"  # the sanitizer build: 1 and 3 ranks
RANKS = (1, 3) if QUICK else (1, 2, 3)
if MPIRUN is None:
    print("mpirun missing: skipped")
    sys.exit(77)

# Small and fast: a few seconds for all runs of one case, also under the sanitizers.
SCENARIO = str(SOURCE / "scenarios/default.yaml")
SWEEP = [SCENARIO, "--set",
         "sweep={cluster.spares: [8, 16, 32], cluster.failure.node_mtbf: [6335h, 12000h]}"]


def mpirun(ranks):
    return [MPIRUN, "-n", str(ranks), "--oversubscribe", "--allow-run-as-root",
            "--mca", "btl", "self,vader"]


def run(cmd, **kw):
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=300, **kw)
    if p.returncode != 0:
        sys.exit(f"FAILED ({p.returncode}): {' '.join(cmd)}\n{p.stdout}\n{p.stderr}")
    return p


def datasets(path):
    out = {}

    def visit(name, obj):
        if isinstance(obj, h5py.Dataset):
            data = obj[()]
            out[name] = (obj.dtype.str if obj.dtype.names is None else str(obj.dtype),
                         data.shape if hasattr(data, "shape") else (),
                         data.tobytes() if hasattr(data, "tobytes") else repr(data))

    with h5py.File(path, "r") as f:
        f.visititems(visit)
    return out


def expect_same_datasets(reference, other):
    a, b = datasets(reference), datasets(other)
    if a.keys() != b.keys():
        sys.exit(f"{other}: datasets {sorted(set(a) ^ set(b))} differ from {reference}")
    for name in a:
        if a[name] != b[name]:
            sys.exit(f"{other}: dataset {name} differs from {reference}")
    print(f"{other}: {len(a)} datasets identical to {reference}")


def run_case(work, command, extra):
    work.mkdir()
    alone = work / "alone.h5"
    run([GOODSIM, command, *extra, "-o", str(alone), "--threads", "2", "--quiet"])
    for ranks in RANKS:
        out = work / f"ranks{ranks}.h5"
        p = run(mpirun(ranks) + [GOODSIM, command, *extra, "-o", str(out), "--threads", "1",
                                 "--quiet"])
        # Only the root prints: one report, not one per rank.
        if p.stdout.count("results    ") != 1:
            sys.exit(f"{ranks} ranks printed {p.stdout.count('results    ')} reports:\n{p.stdout}")
        expect_same_datasets(alone, out)


def recommend(work):
    base = ["recommend", SCENARIO, "--vary", "cluster.spares=8,16,32", "--quiet"]

    # The line with the threads, ranks and seconds differs; everything else is the answer.
    def answer(p):
        return [line for line in p.stdout.splitlines() if not re.search(r"thread|\d s\b", line)]

    for cmd in (base + ["--reps", "300"], base + ["--confidence", "0.9", "--indifference", "1e6"]):
        alone = answer(run([GOODSIM, *cmd, "--threads", "2"], cwd=work))
        for ranks in RANKS[1:]:
            got = answer(run(mpirun(ranks) + [GOODSIM, *cmd, "--threads", "1"], cwd=work))
            if got != alone:
                sys.exit(f"{' '.join(cmd)} on {ranks} ranks differs:\n" + "\n".join(got) +
                         "\n--- alone:\n" + "\n".join(alone))
            print(f"{' '.join(cmd[3:])} on {ranks} ranks: the same report")


def rank_pids(parent, rank):
    """The pids of goodsim processes under `parent` whose MPI rank is `rank`."""
    found = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            stat = (proc / "stat").read_text()
            ppid = int(stat[stat.rindex(")") + 2:].split()[1])
            env = (proc / "environ").read_bytes().split(b"\0")
        except (OSError, ValueError):
            continue
        if ppid == parent and f"OMPI_COMM_WORLD_RANK={rank}".encode() in env:
            found.append(int(proc.name))
    return found


def sweep_resume_after_kill(work):
    # Enough work that rank 1 dies mid-sweep: 6 points of 20,000 replications, ~0.5 s each
    # (a quarter as many under the sanitizers, which are as much slower).
    reps = "5000" if QUICK else "20000"
    extra = [*SWEEP, "--reps", reps]
    alone = work / "alone.h5"
    run([GOODSIM, "sweep", *extra, "-o", str(alone), "--threads", "2", "--quiet"])
    out = work / "killed.h5"
    parts = Path(str(out) + ".parts")
    job = subprocess.Popen(mpirun(2) + [GOODSIM, "sweep", *extra, "-o", str(out), "--threads",
                                        "1", "--quiet"],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    killed = False
    deadline = time.monotonic() + 120
    while job.poll() is None and time.monotonic() < deadline:
        if parts.is_dir() and any(p.suffix == ".h5" for p in parts.iterdir()):
            for pid in rank_pids(job.pid, 1):
                os.kill(pid, signal.SIGKILL)
                killed = True
            if killed:
                break
        time.sleep(0.01)
    log = job.communicate(timeout=120)[0]
    if not killed:
        sys.exit(f"the sweep finished before a rank could be killed; make it longer\n{log}")
    if job.returncode == 0:
        sys.exit(f"the sweep with a killed rank reported success\n{log}")
    kept = sorted(p.name for p in parts.iterdir() if p.suffix == ".h5")
    print(f"rank 1 killed; {len(kept)} complete points kept: {kept}")
    if not kept:
        sys.exit("no complete point survived the killed rank")
    run(mpirun(3) + [GOODSIM, "sweep", *extra, "-o", str(out), "--threads", "1", "--resume",
                     "--quiet"])
    if parts.exists():
        sys.exit("the parts directory is left after the resumed sweep")
    expect_same_datasets(alone, out)


def main():
    with tempfile.TemporaryDirectory(prefix="goodsim-mpi-") as tmp:
        work = Path(tmp)
        if CASE == "run":
            run_case(work / "fixed", "run", [SCENARIO, "--reps", "700", "--recovery-times"])
            run_case(work / "precision", "run", [SCENARIO, "--precision", "0.004"])
        elif CASE == "sweep":
            run_case(work / "fixed", "sweep", [*SWEEP, "--reps", "300", "--recovery-times"])
            run_case(work / "precision", "sweep", [*SWEEP, "--precision", "0.01"])
        elif CASE == "recommend":
            recommend(work)
        elif CASE == "sweep-resume-after-kill":
            sweep_resume_after_kill(work)
        else:
            sys.exit(f"unknown case {CASE}")


main()
