"""Peak resident memory and wall time of one full, default ``sigmoid train`` run.

The run is a child process (``python -m sigmoid train``), started in an empty temporary folder so
whatever it writes is thrown away; ``os.wait4`` returns the child's own resource usage, whose
``ru_maxrss`` (KiB on Linux) is the peak resident set of that process.

It is started through a small launcher process. Linux carries the peak resident set of the
process image that ``exec`` replaces into the new program's ``ru_maxrss``; Python's ``subprocess``
starts children with ``vfork``, so a child started straight from the benchmark (over 1 GiB
resident by then) would report the benchmark's peak instead of its own. The launcher is small, so
what it hands down is a few MiB, far below what the training needs.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass

# Runs in a fresh, small interpreter: fork, exec the command, wait4, write the usage as JSON.
LAUNCHER = """
import json, os, sys, time
report, command = sys.argv[1], sys.argv[2:]
start = time.perf_counter()
pid = os.fork()
if pid == 0:
    try:
        os.execv(command[0], command)
    finally:
        os._exit(127)
_, status, usage = os.wait4(pid, 0)
seconds = time.perf_counter() - start
with open(report, "w") as out:
    json.dump({"seconds": seconds, "maxrss_kib": usage.ru_maxrss,
               "exit": os.waitstatus_to_exitcode(status)}, out)
"""


@dataclass
class FullTrain:
    """The outcome of the full run; ``note`` says why it was skipped or failed, else None."""

    command: list[str]
    seconds: float | None = None
    peak_mib: float | None = None
    accuracy: float | None = None
    best: str | None = None  # "95.29% in epoch 28", as printed
    note: str | None = None
    output_tail: str = ""


def command_exists(command: list[str]) -> bool:
    """Whether ``command --help`` succeeds (``sigmoid train`` may not be written yet)."""
    probe = subprocess.run([*command, "--help"], capture_output=True, text=True, timeout=120)
    return probe.returncode == 0


def run(extra_args: list[str] | None = None) -> FullTrain:
    """Run ``python -m sigmoid train`` with its defaults (plus ``extra_args``) and measure it."""
    command = [sys.executable, "-m", "sigmoid", "train", *(extra_args or [])]
    result = FullTrain(command=command)
    if not command_exists(command[:4]):
        result.note = "`sigmoid train` is not available yet (its --help failed); skipped"
        return result
    with tempfile.TemporaryDirectory(prefix="sigmoid-bench-") as folder:
        log_path = os.path.join(folder, "output.log")
        usage_path = os.path.join(folder, "usage.json")
        with open(log_path, "w", encoding="utf-8") as log:
            subprocess.run(
                [sys.executable, "-c", LAUNCHER, usage_path, *command],
                cwd=folder,
                stdout=log,
                stderr=subprocess.STDOUT,
                check=False,
            )
        with open(log_path, encoding="utf-8", errors="replace") as log:
            output = log.read()
        try:
            with open(usage_path, encoding="utf-8") as report:
                usage = json.load(report)
        except (OSError, ValueError):
            result.note = "the launcher did not report the child's usage"
            result.output_tail = output[-2000:]
            return result
    result.seconds, result.peak_mib = usage["seconds"], usage["maxrss_kib"] / 1024
    result.output_tail = output[-2000:]
    result.accuracy = last_accuracy(output)
    best = re.findall(r"best (\d{1,3}(?:\.\d+)?% in epoch \d+)", output)
    result.best = best[-1] if best else None
    if usage["exit"] != 0:
        result.note = f"`sigmoid train` exited with status {usage['exit']}"
    return result


def last_accuracy(output: str) -> float | None:
    """The final accuracy the run printed ("final test accuracy: 95.12%", else the last
    "9512/10000" or "95.12%"), as a fraction."""
    final = re.findall(r"final \w+ accuracy: (\d{1,3}(?:\.\d+)?)%", output)
    if final:
        return float(final[-1]) / 100
    counts = re.findall(r"(\d+)\s*/\s*(10000)\b", output)
    if counts:
        correct, total = counts[-1]
        return int(correct) / int(total)
    percents = re.findall(r"(\d{1,3}(?:\.\d+)?)\s*%", output)
    return float(percents[-1]) / 100 if percents else None
