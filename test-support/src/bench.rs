//! Measuring for the benchmarks: nearest-rank percentiles of timed runs, and the CPU time
//! each run took in this process outside the stub server's threads.

use serde_json::Value;
use std::process::Output;
use std::time::{Duration, Instant};

/// The median and 99th percentile of some timed runs, and the CPU time each took.
pub struct Figures {
    /// The median.
    pub p50: Duration,
    /// The 99th percentile.
    pub p99: Duration,
    /// CPU time per run, every thread of the contender's process counted (for a run in this
    /// process: all its threads but the stub server's, [`stub_runtime`]); `None` where it
    /// was not measured (a limit, a child process).
    pub cpu: Option<Duration>,
}

/// Name prefix of the threads that serve the benchmark's stub endpoint: their CPU is the
/// endpoint's, not the contender's.
const STUB_THREADS: &str = "bench-stub";

/// The runtime the benchmark's stub server runs on (two threads named [`STUB_THREADS`]), apart
/// from the runtime native clients run on, so that [`cpu_outside_stub`] tells them apart.
#[must_use]
pub fn stub_runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name(STUB_THREADS)
        .enable_all()
        .build()
        .unwrap()
}

/// CPU time of a clock (nanosecond resolution); zero for a clock that is gone.
#[allow(unsafe_code)] // the one libc call: std has no CPU clock of another thread
fn clock(id: libc::clockid_t) -> Duration {
    let mut t = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `t` is a valid timespec for the call to write into.
    if unsafe { libc::clock_gettime(id, &raw mut t) } != 0 {
        return Duration::ZERO;
    }
    Duration::new(
        u64::try_from(t.tv_sec).unwrap_or(0),
        u32::try_from(t.tv_nsec).unwrap_or(0),
    )
}

/// CPU time this process has used (its ended threads included) less what its stub server's
/// threads used: Linux's per-thread CPU clocks, read for every thread named [`STUB_THREADS`].
#[must_use]
pub fn cpu_outside_stub() -> Duration {
    let process = clock(libc::CLOCK_PROCESS_CPUTIME_ID);
    let tasks = std::fs::read_dir("/proc/self/task").into_iter().flatten();
    let stub: Duration = tasks
        .flatten()
        .filter(|task| {
            std::fs::read_to_string(task.path().join("comm"))
                .is_ok_and(|name| name.starts_with(STUB_THREADS))
        })
        .filter_map(|task| task.file_name().to_str()?.parse::<libc::pid_t>().ok())
        // A thread's CPU clock: MAKE_THREAD_CPUCLOCK(tid, CPUCLOCK_SCHED) of linux/posix-timers.h.
        .map(|tid| clock(((!tid) << 3) | 6))
        .sum();
    process.saturating_sub(stub)
}

/// The figures of `samples`.
pub fn figures(mut samples: Vec<Duration>) -> Figures {
    samples.sort();
    // The nearest-rank percentile of at most a few thousand samples.
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let at = |q: f64| samples[((samples.len() as f64 - 1.0) * q).round() as usize];
    Figures {
        p50: at(0.50),
        p99: at(0.99),
        cpu: None,
    }
}

/// `iterations` timed runs of `f`, after a tenth as many untimed ones.
pub fn time(iterations: usize, mut f: impl FnMut()) -> Figures {
    for _ in 0..iterations.div_ceil(10) {
        f();
    }
    let cpu = cpu_outside_stub();
    let samples = (0..iterations)
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed()
        })
        .collect();
    let cpu =
        cpu_outside_stub().saturating_sub(cpu) / u32::try_from(iterations).unwrap_or(u32::MAX);
    Figures {
        cpu: Some(cpu),
        ..figures(samples)
    }
}

/// CPU milliseconds per run divided by `per` (1, or the requests a run sent), with three
/// decimals; `–` where not measured.
#[must_use]
pub fn cpu_ms(figures: &Figures, per: u32) -> String {
    figures.cpu.map_or_else(|| "–".into(), |cpu| ms(cpu / per))
}

/// Milliseconds with three decimals.
pub fn ms(d: Duration) -> String {
    format!("{:.3}", d.as_secs_f64() * 1000.0)
}

/// The figures a peer script (`scripts/peers`) printed, `{"p50_ms", "p99_ms"}`; the peer,
/// named `name` in the message, must have succeeded.
pub fn peer_figures(name: &str, output: std::io::Result<Output>) -> Figures {
    let output = output.unwrap();
    assert!(
        output.status.success(),
        "{name}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let figures: Value = serde_json::from_slice(&output.stdout).unwrap();
    let at = |k: &str| Some(Duration::from_secs_f64(figures[k].as_f64()? / 1000.0));
    Figures {
        p50: at("p50_ms").unwrap(),
        p99: at("p99_ms").unwrap(),
        cpu: at("cpu_ms"),
    }
}
