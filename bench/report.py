"""The benchmark's Markdown report: machine, tables, and the issue's targets with PASS/FAIL."""

from __future__ import annotations

import datetime

FLOPS_PER_EXAMPLE = 95_880  # forward + backward of [784, 30, 10], 2 FLOPs per multiply-add
KEYS_IN_ORDER = ("ours", "ours-numpy", "reference", "torch", "sklearn")


def render(
    *,
    args,
    command,
    started: datetime.datetime,
    machine_info: dict,
    peak: dict,
    runs: list,
    full,
    notes: list[str],
    n_train: int,
    n_test: int,
    load: tuple,
    quiet,
) -> str:
    ours = {(r.batch_size, r.dtype): r for r in runs if r.key == "ours" and r.median}
    sections = [
        _header(command, started, n_train, n_test, args),
        _machine(machine_info, peak, load, quiet),
        _targets(runs, ours, full),
        _timings(runs, ours),
        _throughput(ours, peak, n_train),
        _full_train(full),
        _notes(args, runs, notes),
        _raw(runs),
    ]
    return "\n\n".join(s for s in sections if s) + "\n"


def _header(command, started, n_train, n_test, args) -> str:
    return "\n".join(
        [
            "# Benchmark results",
            "",
            f"- Date: {started:%Y-%m-%d %H:%M %Z}",
            f"- Command: `{command}`",
            f"- Network [784, 30, 10], sigmoid, quadratic cost, η = 3.0, N(0, 1) initial weights; "
            f"{n_train} training and {n_test} test examples of MNIST.",
            f"- Each run: 1 warm-up epoch, then {_epochs(args.epochs)} "
            f"({args.reference_epochs} for the per-example reference); contenders interleaved "
            f"epoch by epoch, with {args.pause} s of rest (not timed) before each epoch, longer "
            f"while other processes kept the CPUs busy (up to {args.max_wait:g} s).",
        ]
    )


def _epochs(count: int) -> str:
    return f"{count} timed epoch" + ("" if count == 1 else "s")


def _machine(info: dict, peak: dict, load: tuple, quiet) -> str:
    versions = ", ".join(f"{k} {v}" for k, v in info["versions"].items())
    memory = f"{info['memory_gib']:.1f} GiB" if info["memory_gib"] else "unknown"
    lines = [
        "## Machine",
        "",
        f"- CPU: {info['cpu']}; {info['cores']} cores ({info['usable_cores']} usable); "
        f"memory {memory}; {info['platform']}",
        f"- Versions: {versions}",
        "- BLAS / thread pools (threadpoolctl):",
        *[f"  - {line}" for line in info["blas"]],
        "- Environment: " + ", ".join(f"`{k}={v}`" for k, v in info["environment"].items()),
        f"- Matrix-multiply peak (2048×2048 `np.matmul`, best of 5): "
        f"{peak['float32']:.1f} GFLOP/s float32, {peak['float64']:.1f} GFLOP/s float64",
        "- Load average (1, 5, 15 min) before / after the timed epochs: "
        + " / ".join(", ".join(f"{x:.2f}" for x in triple) for triple in load)
        + " (other work on the machine inflates every contender's times)",
        f"- Waiting for a quiet machine: {quiet.waited:.0f} s in all; {quiet.busy_starts} "
        f"epochs began with others using more than {quiet.limit:.0%} of the CPUs after "
        f"{quiet.max_wait:g} s of waiting",
    ]
    return "\n".join(lines)


def _find(runs, key, batch_size, dtype):
    for run in runs:
        if (run.key, run.batch_size, run.dtype) == (key, batch_size, dtype) and run.median:
            return run
    return None


def _targets(runs, ours, full) -> str:
    rows = []
    mine10 = ours.get((10, "float32"))
    mine100 = ours.get((100, "float32"))
    rows.append(
        _check(
            "batch 10, float32: median ≤ 0.25 s", mine10 and mine10.median, lambda v: v <= 0.25, "{:.3f} s"
        )
    )
    for key, name, factor in (
        ("reference", "per-example reference", 20),
        ("torch", "PyTorch CPU", 12),
        ("sklearn", "scikit-learn", 8),
    ):
        peer = _find(runs, key, 10, "float32")
        ratio = peer.median / mine10.median if peer and mine10 else None
        rows.append(
            _check(
                f"batch 10, float32: ≥ {factor}× faster than {name}",
                ratio,
                lambda v, f=factor: v >= f,
                "{:.1f}×",
            )
        )
    rows.append(
        _check(
            "batch 100, float32: median ≤ 0.08 s", mine100 and mine100.median, lambda v: v <= 0.08, "{:.3f} s"
        )
    )
    peak = full.peak_mib if full and full.peak_mib and not full.note else None
    seconds = full.seconds if full and not full.note else None
    accuracy = full.accuracy if full and not full.note else None
    rows.append(_check("full `sigmoid train`: peak RSS ≤ 300 MiB", peak, lambda v: v <= 300, "{:.0f} MiB"))
    rows.append(_check("full `sigmoid train`: wall time < 15 s", seconds, lambda v: v < 15, "{:.1f} s"))
    best = f" (best {full.best})" if full and full.best else ""
    rows.append(
        _check(
            "full `sigmoid train`: final test accuracy ≥ 95%", accuracy, lambda v: v >= 0.95, "{:.2%}" + best
        )
    )
    return "\n".join(["## Targets (issue 4)", "", "| target | measured | result |", "|---|---|---|", *rows])


def _check(what, value, passes, fmt) -> str:
    if value is None:
        return f"| {what} | not measured | n/a |"
    return f"| {what} | {fmt.format(value)} | {'PASS' if passes(value) else 'FAIL'} |"


def _timings(runs, ours) -> str:
    lines = [
        "## Seconds per training epoch",
        "",
        "`× ours` is the contender's median divided by ours at the same batch size and dtype "
        "(how many times slower than ours). Ours is timed from the start to the end of the epoch "
        "inside `train` (what each epoch of a 30-epoch run costs); `call s` is the median of the "
        "whole one-epoch `train(...)` call, which adds `train`'s one-off setup. Accuracy is on the "
        "test set after all of the run's epochs (warm-up included).",
        "",
        "| contender | batch | dtype | median s | min s | max s | call s | timed epochs "
        "| test accuracy | × ours |",
        "|---|---:|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    order = sorted(runs, key=lambda r: (r.batch_size, r.dtype, KEYS_IN_ORDER.index(r.key)))
    for run in order:
        name = run.contender.name
        if run.error or not run.median:
            lines.append(
                f"| {name} | {run.batch_size} | {run.dtype} | failed: "
                f"{(run.error or 'no timed epoch')[:80]} | | | | | | |"
            )
            continue
        mine = ours.get((run.batch_size, run.dtype))
        ratio = f"{run.median / mine.median:.1f}" if mine else "n/a"
        accuracy = f"{run.accuracy:.2%}" if run.accuracy is not None else "n/a"
        call = f"{run.call_median:.3f}" if run.call_seconds != run.seconds else "same"
        lines.append(
            f"| {name} | {run.batch_size} | {run.dtype} | {run.median:.3f} | {min(run.timed):.3f} "
            f"| {max(run.timed):.3f} | {call} | {len(run.timed)} | {accuracy} | {ratio} |"
        )
    return "\n".join(lines)


def _throughput(ours, peak, n_train) -> str:
    if not ours:
        return ""
    lines = [
        "## Our throughput",
        "",
        f"{FLOPS_PER_EXAMPLE:,} FLOPs per example (forward + backward, 2 per multiply-add) × "
        f"{n_train:,} examples per epoch, divided by the median epoch time. This counts the dense "
        "work; our compiled kernel skips the zero pixels (about 80%), so for it the rate is a "
        "dense-equivalent one, and can exceed what the arithmetic units do.",
        "",
        "| batch | dtype | median s | GFLOP/s | matmul peak GFLOP/s | share of peak |",
        "|---:|---|---:|---:|---:|---:|",
    ]
    for (batch_size, dtype), run in sorted(ours.items()):
        rate = FLOPS_PER_EXAMPLE * n_train / run.median / 1e9
        lines.append(
            f"| {batch_size} | {dtype} | {run.median:.3f} | {rate:.1f} | "
            f"{peak[dtype]:.1f} | {rate / peak[dtype]:.1%} |"
        )
    return "\n".join(lines)


def _full_train(full) -> str:
    if full is None:
        return "## Full `sigmoid train`\n\nNot run (--no-full-train or --quick)."
    lines = [
        "## Full `sigmoid train`",
        "",
        f"- Command: `python {' '.join(full.command[1:])}` "
        "(run as a child process in an empty temporary folder)",
    ]
    if full.seconds is not None:
        lines.append(f"- Wall time: {full.seconds:.1f} s (process start to exit)")
    if full.peak_mib is not None:
        lines.append(f"- Peak resident memory (child's `ru_maxrss`): {full.peak_mib:.0f} MiB")
    if full.accuracy is not None:
        best = f" (best: {full.best})" if full.best else ""
        lines.append(f"- Final test accuracy printed: {full.accuracy:.2%}{best}")
    if full.note:
        lines.append(f"- Note: {full.note}")
    if full.output_tail:
        lines += [
            "",
            "Last lines of its output:",
            "",
            "```",
            *full.output_tail.strip().splitlines()[-8:],
            "```",
        ]
    return "\n".join(lines)


def _notes(args, runs, notes) -> str:
    lines = [
        "## Notes",
        "",
        "- The per-example reference (a Python loop over each mini-batch's examples, column "
        "vectors, the book's algorithm written in `bench/contenders/reference.py`) runs only at "
        f"batch sizes {args.reference_batch_sizes}, with {_epochs(args.reference_epochs)}.",
        "- PyTorch: `nn.Sequential` + autograd + `optim.SGD`, `torch.set_num_threads(2)`, our "
        "initial weights copied in, batches gathered by index in the same order as ours.",
        f"- scikit-learn's `MLPClassifier` has a softmax output and the log-loss cost (not "
        f"quadratic); so its learning rate is its own, {args.sklearn_learning_rate}, and its "
        "initial weights and shuffling are its own. One `partial_fit` call = one epoch.",
        *[f"- {note}" for note in notes],
    ]
    return "\n".join(lines)


def _raw(runs) -> str:
    lines = ["## Every epoch (seconds; the first is the warm-up; whole call in brackets)", ""]
    for run in runs:
        times = ", ".join(
            f"{s:.3f}" if s == c else f"{s:.3f} ({c:.3f})"
            for s, c in zip(run.seconds, run.call_seconds, strict=True)
        )
        lines.append(f"- {run.contender.name}, batch {run.batch_size}, {run.dtype}: {times}")
    return "\n".join(lines)
