"""The speed benchmark: ``python bench/run.py`` (see bench/README.md).

Trains the chapter-1 network [784, 30, 10] (sigmoid, quadratic cost, η = 3.0, N(0, 1) weights) on
MNIST with every contender × mini-batch size × dtype, interleaved epoch by epoch (round robin:
epoch 1 of every run, then epoch 2 of every run, ...) so that machine noise hits all alike; then
measures the matrix-multiply peak and one full ``sigmoid train`` run, and writes a Markdown report.
"""

from __future__ import annotations

import argparse
import datetime
import os
import shlex
import statistics
import sys
import time
from dataclasses import dataclass, field

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import fulltrain  # noqa: E402
import machine  # noqa: E402
import report  # noqa: E402
from contenders import Data, Setup, Unavailable  # noqa: E402
from contenders.ours import Ours, OursNumPy, start_our_threads, starting_point  # noqa: E402
from contenders.reference import Reference  # noqa: E402
from contenders.sklearn_mlp import SklearnMLP  # noqa: E402
from contenders.torch_cpu import TorchCPU  # noqa: E402

CONTENDERS = {
    "ours": Ours,
    "ours-numpy": OursNumPy,
    "reference": Reference,
    "torch": TorchCPU,
    "sklearn": SklearnMLP,
}
WARMUP_EPOCHS = 1
QUICK_TRAINING, QUICK_TEST = 5000, 2000
DEFAULT_OUTPUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "RESULTS.md")


@dataclass
class Run:
    """One contender at one batch size and dtype, with its timings so far."""

    key: str
    contender: object
    batch_size: int
    dtype: str
    epochs: int  # warm-up included
    seconds: list[float] = field(default_factory=list)  # every epoch, warm-up first
    call_seconds: list[float] = field(default_factory=list)  # the whole train_epoch call
    accuracy: float | None = None
    error: str | None = None

    @property
    def timed(self) -> list[float]:
        return self.seconds[WARMUP_EPOCHS:]

    @property
    def median(self) -> float | None:
        return statistics.median(self.timed) if self.timed else None

    @property
    def call_median(self) -> float | None:
        timed = self.call_seconds[WARMUP_EPOCHS:]
        return statistics.median(timed) if timed else None


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--epochs", type=int, default=5, help="timed epochs after 1 warm-up")
    parser.add_argument("--batch-sizes", type=int, nargs="+", default=[10, 100, 1000])
    parser.add_argument("--dtypes", nargs="+", default=["float32", "float64"], choices=["float32", "float64"])
    parser.add_argument("--contenders", nargs="+", default=list(CONTENDERS), choices=list(CONTENDERS))
    parser.add_argument(
        "--reference-epochs",
        type=int,
        default=2,
        help="timed epochs of the slow per-example reference (after 1 warm-up)",
    )
    parser.add_argument(
        "--reference-batch-sizes",
        type=int,
        nargs="+",
        default=[10],
        help="batch sizes at which the reference runs",
    )
    parser.add_argument(
        "--sklearn-learning-rate",
        type=float,
        default=0.5,
        help="scikit-learn's own rate (its cost is log-loss, not quadratic)",
    )
    parser.add_argument(
        "--pause",
        type=float,
        default=0.2,
        help="seconds of rest (not timed) before each epoch, so the worker "
        "threads of the previous library stop spinning",
    )
    parser.add_argument(
        "--max-wait",
        type=float,
        default=10.0,
        help="before each epoch, wait up to this many seconds for the other "
        "processes on the machine to use less than --busy-limit of the CPUs",
    )
    parser.add_argument(
        "--busy-limit",
        type=float,
        default=0.25,
        help="fraction of all CPUs others may use when an epoch starts",
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--data-dir", default=None, help="MNIST folder (default: the cache)")
    parser.add_argument(
        "--no-full-train", action="store_true", help="skip the full `sigmoid train` memory/time run"
    )
    parser.add_argument(
        "--train-args", default="", help="extra arguments for the full `sigmoid train` run (one string)"
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help=f"smoke run: {QUICK_TRAINING} training and {QUICK_TEST} test "
        "examples, 1 timed epoch, no full train, report printed, not written "
        "unless --output is given",
    )
    parser.add_argument("--output", default=None, help=f"report path (default {DEFAULT_OUTPUT})")
    args = parser.parse_args(argv)
    for name in ("epochs", "reference_epochs"):
        if getattr(args, name) < 1:
            parser.error(f"--{name.replace('_', '-')} must be >= 1, got {getattr(args, name)}")
    if any(m < 1 for m in args.batch_sizes + args.reference_batch_sizes):
        parser.error(f"batch sizes must be >= 1, got {args.batch_sizes}")
    if args.quick:
        args.epochs, args.reference_epochs, args.no_full_train = 1, 1, True
    if args.output is None and not args.quick:
        args.output = DEFAULT_OUTPUT
    return args


def load_data(args: argparse.Namespace) -> Data:
    """MNIST's 50,000 training and 10,000 test examples (a slice of each with --quick)."""
    from sigmoid.datasets import load_mnist

    mnist = load_mnist(args.data_dir)
    (X, y), (X_test, y_test) = mnist.training, mnist.test
    if args.quick:
        X, y = X[:QUICK_TRAINING], y[:QUICK_TRAINING]
        X_test, y_test = X_test[:QUICK_TEST], y_test[:QUICK_TEST]
    return Data(X=X, y=y, X_test=X_test, y_test=y_test)


def build_runs(args: argparse.Namespace, data: Data, notes: list[str]) -> list[Run]:
    """Every contender × batch size × dtype that can run here, set up from the same start."""
    runs = []
    for dtype in args.dtypes:
        weights, biases = starting_point(args.seed, dtype)
        for batch_size in args.batch_sizes:
            for key in args.contenders:
                is_reference = key == "reference"
                if is_reference and batch_size not in args.reference_batch_sizes:
                    continue
                setup = Setup(
                    data=data,
                    batch_size=batch_size,
                    dtype=dtype,
                    seed=args.seed,
                    weights=weights,
                    biases=biases,
                    sklearn_learning_rate=args.sklearn_learning_rate,
                )
                try:
                    contender = CONTENDERS[key](setup)
                except Unavailable as why:
                    note = f"{CONTENDERS[key].name}: skipped, {why}"
                    if note not in notes:
                        notes.append(note)
                    continue
                timed = args.reference_epochs if is_reference else args.epochs
                runs.append(Run(key, contender, batch_size, dtype, WARMUP_EPOCHS + timed))
    return runs


def cpu_busy(seconds: float) -> float | None:
    """Fraction of all CPUs busy during the next ``seconds`` (from /proc/stat); None elsewhere."""

    def ticks() -> tuple[int, int] | None:
        try:
            with open("/proc/stat", encoding="ascii") as stat:
                fields = [int(x) for x in stat.readline().split()[1:]]
        except (OSError, ValueError):
            return None
        idle = fields[3] + (fields[4] if len(fields) > 4 else 0)  # idle + iowait
        return sum(fields), idle

    before = ticks()
    time.sleep(seconds)
    after = ticks()
    if before is None or after is None or after[0] == before[0]:
        return None
    return 1 - (after[1] - before[1]) / (after[0] - before[0])


@dataclass
class Quiet:
    """Before each epoch: rest ``pause`` s, and keep resting (up to ``max_wait`` s) while the
    CPUs are more than ``limit`` busy with other work; counts the epochs that began busy."""

    pause: float
    max_wait: float
    limit: float
    busy_starts: int = 0
    waited: float = 0.0

    def wait(self) -> None:
        deadline = time.monotonic() + self.max_wait
        while True:
            busy = cpu_busy(self.pause)
            if busy is None or busy <= self.limit:
                return
            if time.monotonic() >= deadline:
                self.busy_starts += 1
                return
            self.waited += self.pause


def train_round_robin(runs: list[Run], seed: int, quiet: Quiet) -> None:
    """Epoch e of every run before epoch e + 1 of any; all runs see the same epoch seeds."""
    rounds = max((run.epochs for run in runs), default=0)
    for epoch in range(rounds):
        epoch_seed = seed * 1_000_003 + epoch + 1
        for run in runs:
            if epoch >= run.epochs or run.error:
                continue
            quiet.wait()
            start = time.perf_counter()
            try:
                proper = run.contender.train_epoch(epoch_seed)
            except Exception as error:  # a contender that breaks must not sink the others
                run.error = f"{type(error).__name__}: {error}"
                print(f"  {label(run)} failed: {run.error}", file=sys.stderr)
                continue
            run.call_seconds.append(time.perf_counter() - start)
            run.seconds.append(run.call_seconds[-1] if proper is None else proper)
            print(
                f"  epoch {epoch + 1}/{run.epochs} {label(run)}: {run.seconds[-1]:.3f} s "
                f"(call {run.call_seconds[-1]:.3f} s)",
                file=sys.stderr,
                flush=True,
            )


def label(run: Run) -> str:
    return f"{run.contender.name} m={run.batch_size} {run.dtype}"


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    started = datetime.datetime.now().astimezone()
    notes: list[str] = []
    print("loading MNIST ...", file=sys.stderr)
    data = load_data(args)
    if "ours" in args.contenders or "ours-numpy" in args.contenders:
        start_our_threads()
    runs = build_runs(args, data, notes)
    print(f"{len(runs)} runs, interleaved epoch by epoch", file=sys.stderr)
    load_before = os.getloadavg()
    quiet = Quiet(args.pause, args.max_wait, args.busy_limit)
    train_round_robin(runs, args.seed, quiet)
    load_after = os.getloadavg()
    for run in runs:
        if not run.error:
            run.accuracy = run.contender.accuracy()
    print("measuring the matrix-multiply peak ...", file=sys.stderr)
    peak = machine.matmul_peak()
    full = None
    if not args.no_full_train:
        print("running a full `sigmoid train` ...", file=sys.stderr)
        full = fulltrain.run(shlex.split(args.train_args))
    text = report.render(
        args=args,
        command=" ".join(shlex.quote(a) for a in [os.path.relpath(sys.argv[0])] + sys.argv[1:]),
        started=started,
        machine_info=machine.describe(),
        peak=peak,
        runs=runs,
        full=full,
        notes=notes,
        n_train=data.y.size,
        n_test=data.y_test.size,
        load=(load_before, load_after),
        quiet=quiet,
    )
    if args.output:
        tmp = args.output + ".tmp"
        with open(tmp, "w", encoding="utf-8") as out:
            out.write(text)
        os.replace(tmp, args.output)
        print(f"wrote {args.output}", file=sys.stderr)
    else:
        print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
