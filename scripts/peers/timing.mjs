// The peers' measuring: untimed warm-up runs, then timed ones, printed as the benchmarks
// read them: {"p50_ms", "p99_ms", "cpu_ms"} (nearest-rank percentiles, as test_support::bench,
// and the process's CPU time per timed run, every thread counted).

/** Await `run()` `warmups` times, then `iterations` times timed; print the figures. */
export async function measure(run, iterations, warmups = 1) {
  for (let i = 0; i < warmups; i++) await run();
  const samples = [];
  const cpu = process.cpuUsage();
  for (let i = 0; i < iterations; i++) {
    const started = process.hrtime.bigint();
    await run();
    samples.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  const used = process.cpuUsage(cpu);
  const cpuMs = (used.user + used.system) / 1000 / iterations;
  samples.sort((a, b) => a - b);
  const at = (q) => samples[Math.round((samples.length - 1) * q)];
  console.log(JSON.stringify({ p50_ms: at(0.5), p99_ms: at(0.99), cpu_ms: cpuMs }));
}
