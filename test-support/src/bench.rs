//! Measuring for the benchmarks: nearest-rank percentiles of timed runs.

use serde_json::Value;
use std::process::Output;
use std::time::{Duration, Instant};

/// The median and 99th percentile of some timed runs.
pub struct Figures {
    /// The median.
    pub p50: Duration,
    /// The 99th percentile.
    pub p99: Duration,
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
    }
}

/// `iterations` timed runs of `f`, after a tenth as many untimed ones.
pub fn time(iterations: usize, mut f: impl FnMut()) -> Figures {
    for _ in 0..iterations.div_ceil(10) {
        f();
    }
    figures(
        (0..iterations)
            .map(|_| {
                let start = Instant::now();
                f();
                start.elapsed()
            })
            .collect(),
    )
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
    let at = |k: &str| Duration::from_secs_f64(figures[k].as_f64().unwrap() / 1000.0);
    Figures {
        p50: at("p50_ms"),
        p99: at("p99_ms"),
    }
}
