//! The load driver: N workers, each sending its next request as soon as the
//! last one answered (closed loop, like `wrk`), for a fixed time.

use std::future::Future;
use std::time::{Duration, Instant};

use hdrhistogram::Histogram;

/// What one run measured.
#[derive(Debug)]
pub struct Outcome {
    /// Latencies of the answers that were right, in microseconds.
    pub latency: Histogram<u64>,
    /// Answers that were right.
    pub ok: u64,
    /// Answers with GraphQL errors, without the expected record, or failed.
    pub wrong: u64,
    /// The first wrong answer, to show.
    pub first_wrong: Option<String>,
    /// How long the run lasted.
    pub elapsed: Duration,
}

impl Outcome {
    /// Right answers per second.
    pub fn rate(&self) -> f64 {
        self.ok as f64 / self.elapsed.as_secs_f64()
    }

    /// A latency percentile, in milliseconds.
    pub fn ms(&self, percentile: f64) -> f64 {
        self.latency.value_at_percentile(percentile) as f64 / 1000.0
    }

    /// The slowest right answer, in milliseconds.
    pub fn max_ms(&self) -> f64 {
        self.latency.max() as f64 / 1000.0
    }
}

fn histogram() -> Histogram<u64> {
    // 1 µs to 60 s, 3 significant digits.
    Histogram::new_with_bounds(1, 60_000_000, 3)
        .unwrap_or_else(|_| Histogram::new(3).unwrap_or_else(|_| unreachable!()))
}

/// Runs `op` from `concurrency` workers for `duration`. `op` gets a number
/// unique to each call (to pick its key with) and says whether the answer was
/// right.
pub async fn drive<F, Fut>(concurrency: usize, duration: Duration, op: F) -> Outcome
where
    F: Fn(u64) -> Fut + Clone + Send + Sync + 'static,
    Fut: Future<Output = Result<(), String>> + Send,
{
    let started = Instant::now();
    let deadline = started + duration;
    let workers: Vec<_> = (0..concurrency as u64)
        .map(|w| {
            let op = op.clone();
            tokio::spawn(async move {
                let mut out =
                    Outcome { latency: histogram(), ok: 0, wrong: 0, first_wrong: None, elapsed: Duration::ZERO };
                let mut n = w;
                while Instant::now() < deadline {
                    let sent = Instant::now();
                    match op(n).await {
                        Ok(()) => {
                            out.ok += 1;
                            let _ = out.latency.record(sent.elapsed().as_micros() as u64);
                        }
                        Err(e) => {
                            out.wrong += 1;
                            out.first_wrong.get_or_insert(e);
                        }
                    }
                    n += concurrency as u64;
                }
                out
            })
        })
        .collect();
    let mut total = Outcome { latency: histogram(), ok: 0, wrong: 0, first_wrong: None, elapsed: Duration::ZERO };
    for w in workers {
        if let Ok(out) = w.await {
            total.ok += out.ok;
            total.wrong += out.wrong;
            let _ = total.latency.add(&out.latency);
            if total.first_wrong.is_none() {
                total.first_wrong = out.first_wrong;
            }
        }
    }
    total.elapsed = started.elapsed();
    total
}
