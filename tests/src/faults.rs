//! Dependencies that fail on demand: a private `redis-server` the test can
//! kill and restart, and a TCP proxy in front of PostgreSQL the test can cut.

use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Mutex;
use tokio::task::JoinHandle;

/// A `redis-server` of the test's own, on a free port.
pub struct PrivateRedis {
    pub port: u16,
    child: Option<Child>,
}

impl PrivateRedis {
    /// Starts one and waits until it answers.
    pub async fn start() -> PrivateRedis {
        let port = crate::smtp::free_port().await;
        let mut redis = PrivateRedis { port, child: None };
        redis.restart().await;
        redis
    }

    /// `redis://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}", self.port)
    }

    /// Kills it (SIGKILL: no goodbye to clients).
    pub fn kill(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }

    /// Starts it again on the same port (empty: it keeps nothing on disk).
    pub async fn restart(&mut self) {
        self.kill();
        let child = Command::new("redis-server")
            .args(["--port", &self.port.to_string(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("redis-server is installed");
        self.child = Some(child);
        crate::eventually("the private redis-server to answer", || async {
            TcpStream::connect(("127.0.0.1", self.port)).await.ok().map(|_| ())
        })
        .await;
    }
}

impl Drop for PrivateRedis {
    fn drop(&mut self) {
        self.kill();
    }
}

/// A TCP proxy to `target` that the test can cut (every connection dropped,
/// new ones refused), make hang (connections accepted, nothing ever answered:
/// a dependency that is slow rather than dead) and restore.
pub struct CuttableProxy {
    pub port: u16,
    cut: Arc<AtomicBool>,
    hang: Arc<AtomicBool>,
    links: Arc<Mutex<Vec<JoinHandle<()>>>>,
    accept: JoinHandle<()>,
}

impl CuttableProxy {
    /// Starts forwarding a free local port to `target` (`host:port`).
    pub async fn start(target: String) -> CuttableProxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let cut = Arc::new(AtomicBool::new(false));
        let hang = Arc::new(AtomicBool::new(false));
        let links: Arc<Mutex<Vec<JoinHandle<()>>>> = Arc::default();
        let (c, h, l) = (cut.clone(), hang.clone(), links.clone());
        let accept = tokio::spawn(async move {
            let mut held = Vec::new();
            while let Ok((mut inbound, _)) = listener.accept().await {
                if c.load(Ordering::SeqCst) {
                    drop(inbound); // cut: refuse
                    continue;
                }
                if h.load(Ordering::SeqCst) {
                    held.push(inbound); // hang: keep it open, never answer
                    continue;
                }
                let target = target.clone();
                let link = tokio::spawn(async move {
                    if let Ok(mut outbound) = TcpStream::connect(&target).await {
                        let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
                    }
                });
                l.lock().await.push(link);
            }
        });
        CuttableProxy { port, cut, hang, links, accept }
    }

    /// Drops every connection and refuses new ones.
    pub async fn cut(&self) {
        self.cut.store(true, Ordering::SeqCst);
        for link in self.links.lock().await.drain(..) {
            link.abort();
        }
        // Let the aborted tasks close their sockets.
        tokio::task::yield_now().await;
    }

    /// Drops every connection; new ones are accepted and never answered.
    pub async fn hang(&self) {
        self.hang.store(true, Ordering::SeqCst);
        for link in self.links.lock().await.drain(..) {
            link.abort();
        }
        tokio::task::yield_now().await;
    }

    /// Forwards again.
    pub fn restore(&self) {
        self.cut.store(false, Ordering::SeqCst);
        self.hang.store(false, Ordering::SeqCst);
    }
}

impl Drop for CuttableProxy {
    fn drop(&mut self) {
        self.accept.abort();
    }
}

/// How long tests let a cut dependency be noticed.
pub const FAULT_TIMEOUT: Duration = Duration::from_millis(500);

/// A gateway on PostgreSQL reached through a [`CuttableProxy`] the test
/// controls, its configuration adjusted by `adjust`; `None` (with a note)
/// when no PostgreSQL is configured.
pub async fn app_behind_a_proxy(
    adjust: impl FnOnce(&mut helpdesk_server::config::ServeConfig),
) -> Option<(crate::TestApp, CuttableProxy)> {
    if crate::skip_postgres() {
        return None;
    }
    let proxy = CuttableProxy::start("127.0.0.1:5432".into()).await;
    let port = proxy.port;
    let app = crate::spawn_app_configured(crate::Backend::Postgres, helpdesk_store::seed::Scale::Demo, |c| {
        c.database.database_url = c.database.database_url.replace("127.0.0.1:5432", &format!("127.0.0.1:{port}"));
        adjust(c);
    })
    .await;
    Some((app, proxy))
}

/// The settings of a gateway that must notice a dead database fast: a short
/// wait for a pooled connection, and no in-process cache to hide it.
pub fn fails_fast(c: &mut helpdesk_server::config::ServeConfig) {
    c.database.database_acquire_timeout_ms = 500;
    c.database.cache.cache_local_capacity = 0;
}
