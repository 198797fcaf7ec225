"""The fast ring (`bin/huiqi test --fast`): the domain and service tests, split across processes.

The tests run under eventlet, which pytest-xdist's workers cannot share a process with, and most
of a service test's time is spent waiting on the broker, not on the CPU. So the ring is cut into
groups by pytest-split, balanced by the durations recorded in `tests/.test_durations`, and each
group runs in a pytest process of its own, side by side. Every group takes its own vhosts and
databases (`tests/conftest.py` names them at random), so they never meet.

    python tests/fast_ring.py [pytest arguments]     # what `bin/huiqi test --fast` runs
    python tests/fast_ring.py --store-durations      # record the durations again, one process

HUIQI_TEST_PROCESSES sets the number of groups (3 by default; 1 runs the ring in this process's
child as plain pytest would). A test missing from the durations file counts as an average one,
so a new test needs no new record; record again when the groups drift apart.
"""
from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RING = "(domain or service) and not slow"
DURATIONS = ROOT / "tests" / ".test_durations"
# pytest's exit status when a group happens to collect nothing: not a failure of the ring.
NO_TESTS = 5


def _pytest(*args: str) -> list[str]:
    # tests/prompt_stop.py: a killed container's consumer stops at once, not a second later.
    return [sys.executable, "-m", "pytest", "-m", RING, "-p", "tests.prompt_stop",
            "--durations-path", str(DURATIONS), *args]


def _summary(log: str) -> str:
    """The log from its failures on, or else its last line (pytest's count of the outcomes)."""
    lines = log.rstrip().splitlines()
    for index, line in enumerate(lines):
        if line.startswith("=") and ("FAILURES" in line or "ERRORS" in line):
            return "\n".join(lines[index:])
    return lines[-1] if lines else "(no output)"


def main(argv: list[str]) -> int:
    if "--store-durations" in argv:
        return subprocess.call(_pytest(*argv), cwd=ROOT)
    groups = int(os.environ.get("HUIQI_TEST_PROCESSES", "3"))
    if groups <= 1:
        return subprocess.call(_pytest(*argv), cwd=ROOT)
    started = time.monotonic()
    logs = Path(tempfile.mkdtemp(prefix="huiqi-fast-ring-"))
    running = {}
    for group in range(1, groups + 1):
        log = logs / f"group-{group}.log"
        command = _pytest("--splits", str(groups), "--group", str(group),
                          "--splitting-algorithm", "least_duration", *argv)
        running[group] = (subprocess.Popen(command, cwd=ROOT, stdout=log.open("w"),
                                           stderr=subprocess.STDOUT), log)
    print(f"fast ring: {groups} groups side by side, logs in {logs}", flush=True)
    failed = []
    while running:
        for group, (process, log) in list(running.items()):
            status = process.poll()
            if status is None:
                continue
            del running[group]
            text = log.read_text(errors="replace")
            passed = status in (0, NO_TESTS)
            if not passed:
                failed.append(group)
            print(f"\n--- group {group} ({'passed' if passed else 'FAILED'}, "
                  f"{time.monotonic() - started:.0f} s) ---\n{_summary(text)}", flush=True)
        time.sleep(0.5)
    print(f"\nfast ring: {'FAILED in group ' + ', '.join(map(str, failed)) if failed else 'passed'}"
          f" in {time.monotonic() - started:.0f} s")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
