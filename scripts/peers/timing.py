"""The peers' measuring: untimed warm-up runs, then timed ones, printed as the benchmarks
read them: {"p50_ms", "p99_ms", "cpu_ms"} (nearest-rank percentiles, as test_support::bench,
and the process's CPU time per timed run, every thread counted)."""

import json
import time


def measure(run, iterations, warmups=1):
    """Call `run` `warmups` times, then `iterations` times timed; print the figures."""
    for _ in range(warmups):
        run()
    samples = []
    cpu = time.process_time()
    for _ in range(iterations):
        started = time.perf_counter()
        run()
        samples.append((time.perf_counter() - started) * 1000)
    cpu_ms = (time.process_time() - cpu) * 1000 / iterations
    samples.sort()
    at = lambda q: samples[round((len(samples) - 1) * q)]
    print(json.dumps({"p50_ms": at(0.5), "p99_ms": at(0.99), "cpu_ms": cpu_ms}))
