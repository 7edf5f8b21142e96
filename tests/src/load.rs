//! Agents that keep asking while a test breaks something under them (a
//! replica stopped, a cluster node killed): the gateway must answer every
//! one of their requests right, not just the requests made after it noticed.

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use tokio::task::JoinHandle;

use crate::TestApp;

/// `n` agents asking at once, each in a loop until [`Agents::stop`].
pub struct Agents {
    stop: Arc<AtomicBool>,
    tasks: Vec<JoinHandle<usize>>,
}

impl Agents {
    /// Starts `n` agents; agent `k`'s `i`-th request is `ask(app, k + i)`,
    /// which asserts its answer.
    pub fn start<F, Fut>(app: &Arc<TestApp>, n: usize, ask: F) -> Agents
    where
        F: Fn(Arc<TestApp>, usize) -> Fut + Clone + Send + Sync + 'static,
        Fut: Future<Output = ()> + Send,
    {
        let stop = Arc::new(AtomicBool::new(false));
        let tasks = (0..n)
            .map(|k| {
                let (app, stop, ask) = (app.clone(), stop.clone(), ask.clone());
                tokio::spawn(async move {
                    let mut asked = 0;
                    while asked == 0 || !stop.load(Ordering::SeqCst) {
                        ask(app.clone(), k + asked).await;
                        asked += 1;
                    }
                    asked
                })
            })
            .collect();
        Agents { stop, tasks }
    }

    /// Stops them; returns how many requests they made (a failed assertion
    /// in any of them fails the test here).
    pub async fn stop(self) -> usize {
        self.stop.store(true, Ordering::SeqCst);
        let mut total = 0;
        for task in self.tasks {
            total += task.await.unwrap_or_else(|e| std::panic::resume_unwind(e.into_panic()));
        }
        total
    }
}
