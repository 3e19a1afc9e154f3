"""What LibTorch's graph executor plan costs pinna's models, in one process
(docs/benchmarks.md, "Neural commands as whole processes").

    /usr/bin/python3 bench/executor_plan.py [RUNS]

pinna runs its TorchScript models with the executor's optimisation off (the plain plan;
src/neural/script_module.cpp). This script times the same calls both ways in one process,
one thread, the flag switched before each call (each executor keeps both plans): the first
two calls of a freshly loaded upsampler (what one CLI run pays), then RUNS (default 41)
calls of each model with both plans alternating, after warm-up calls of both. Prints the
medians, the median of the per-pair ratios plain / optimised, and the largest difference
between the two plans' outputs. Needs ../shared/datasets (one SONICOM subject).
"""
import os
import sys
import time

import numpy as np
import torch

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "models"))
import pinna_data as P  # noqa: E402

MODELS = os.path.join(ROOT, "models")


def set_plan(optimised):
    torch._C._set_graph_executor_optimize(optimised)


def first_calls(args, optimised):
    """Load + the first two calls of a fresh upsampler, ms."""
    set_plan(optimised)
    out = []
    t = time.perf_counter()
    m = torch.jit.load(os.path.join(MODELS, "upsampler.pt"))
    out.append(time.perf_counter() - t)
    for _ in range(2):
        t = time.perf_counter()
        m(*args)
        out.append(time.perf_counter() - t)
    return [1e3 * x for x in out]


def paired(name, f, runs):
    outs = {}
    for optimised in (True, True, True, False, False, False):
        set_plan(optimised)
        outs[optimised] = f()
    a, b = [], []
    for i in range(runs):
        for optimised in ((False, True) if i % 2 else (True, False)):
            set_plan(optimised)
            t = time.perf_counter()
            f()
            (a if optimised else b).append(time.perf_counter() - t)
    a, b = np.array(a), np.array(b)
    ya = outs[True] if isinstance(outs[True], tuple) else (outs[True],)
    yb = outs[False] if isinstance(outs[False], tuple) else (outs[False],)
    diff = max(float((x - y).abs().max()) for x, y in zip(ya, yb))
    print(f"| {name} | {1e3 * np.median(a):.2f} | {1e3 * np.median(b):.2f} | {np.median(b / a):.3f} | {diff:.1e} |",
          flush=True)


def main():
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 41
    torch.set_num_threads(1)
    son = P.load("sonicom")
    unit = torch.tensor(son["unit"], dtype=torch.float32)

    def upsample_args(count):
        S = P.lap_subset(son["az"], son["el"], count)
        return (unit[S], torch.tensor(son["db"][0][S]), torch.tensor(son["itd_frac"][0][S], dtype=torch.float32),
                unit)

    print(f"{torch.__version__}, {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.2f}, "
          f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}")
    with torch.no_grad():
        args = upsample_args(19)
        print("| upsampler, 19 -> 793, fresh | load (ms) | first call | second call |\n|---|---:|---:|---:|")
        for optimised in (True, False, True, False):
            t = first_calls(args, optimised)
            print(f"| {'optimised' if optimised else 'plain'} | {t[0]:.0f} | {t[1]:.0f} | {t[2]:.0f} |", flush=True)
        print(f"\n{runs} calls of each plan, alternating:\n")
        print("| call | optimised, median (ms) | plain, median (ms) | ratio plain / optimised (median) | "
              "largest difference |\n|---|---:|---:|---:|---:|")
        up = torch.jit.load(os.path.join(MODELS, "upsampler.pt"))
        for count in (100, 19, 3):
            a = upsample_args(count)
            paired(f"upsampler, {count} -> 793", lambda: up(*a), runs)
        codec = torch.jit.load(os.path.join(MODELS, "autoencoder.pt"))
        rows = torch.tensor(son["db"][0].reshape(-1, son["db"].shape[-1]))
        z = codec.encode(rows)
        paired(f"autoencoder, encode {rows.shape[0]}", lambda: codec.encode(rows), runs)
        paired(f"autoencoder, decode {rows.shape[0]}", lambda: codec.decode(z), runs)
        person = torch.jit.load(os.path.join(MODELS, "anthropometric.pt"))
        features = torch.zeros(1, person.n_features)  # the values do not change the work
        paired("anthropometric, one subject", lambda: person(features), runs)


if __name__ == "__main__":
    main()
