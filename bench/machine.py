"""What the benchmark ran on: CPU, memory, library versions, BLAS, and the matrix-multiply peak."""

from __future__ import annotations

import importlib
import os
import platform
import sys
import time

import numpy as np

OPENBLAS_VARIABLES = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS")
LIBRARIES = ("numpy", "scipy", "numba", "torch", "sklearn", "threadpoolctl", "sigmoid")


def cpu_model() -> str:
    """The ``model name`` line of /proc/cpuinfo (or what ``platform`` knows elsewhere)."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def memory_gib() -> float | None:
    """Total memory from /proc/meminfo, in GiB."""
    try:
        with open("/proc/meminfo", encoding="utf-8") as meminfo:
            for line in meminfo:
                if line.startswith("MemTotal:"):
                    return int(line.split()[1]) / 2**20
    except OSError:
        pass
    return None


def versions() -> dict[str, str]:
    """Python and every library the benchmark may use: version, or 'not installed'."""
    found = {"python": sys.version.split()[0]}
    for name in LIBRARIES:
        try:
            found[name] = getattr(importlib.import_module(name), "__version__", "?")
        except ImportError:
            found[name] = "not installed"
    return found


def blas_info() -> list[str]:
    """One line per thread pool threadpoolctl sees (BLAS kernel, threads, library file)."""
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return ["threadpoolctl not installed"]
    lines = []
    for pool in threadpool_info():
        lines.append(
            f"{pool.get('internal_api')} {pool.get('version') or ''} "
            f"(kernel: {pool.get('architecture', 'n/a')}, threads: {pool.get('num_threads')}, "
            f"{os.path.basename(pool.get('filepath', ''))})"
        )
    return lines


def environment() -> dict[str, str]:
    """The BLAS/OpenMP environment variables that change speed, as set for this run."""
    return {name: os.environ.get(name, "(unset)") for name in OPENBLAS_VARIABLES}


def matmul_peak(n: int = 2048, repeats: int = 5) -> dict[str, float]:
    """Best GFLOP/s of ``A @ B`` for n×n matrices (2n³ FLOPs), float32 and float64."""
    rng = np.random.default_rng(0)
    peaks = {}
    for dtype in ("float32", "float64"):
        A = rng.standard_normal((n, n)).astype(dtype)
        B = rng.standard_normal((n, n)).astype(dtype)
        out = np.empty((n, n), dtype=dtype)
        np.matmul(A, B, out=out)  # warm-up
        best = float("inf")
        for _ in range(repeats):
            start = time.perf_counter()
            np.matmul(A, B, out=out)
            best = min(best, time.perf_counter() - start)
        peaks[dtype] = 2 * n**3 / best / 1e9
    return peaks


def describe() -> dict:
    """Everything about the machine and software that goes into the results' header."""
    return {
        "cpu": cpu_model(),
        "cores": os.cpu_count(),
        "usable_cores": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
        "memory_gib": memory_gib(),
        "platform": platform.platform(),
        "versions": versions(),
        "blas": blas_info(),
        "environment": environment(),
    }
