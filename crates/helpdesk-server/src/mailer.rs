//! The email dispatcher: sends what the outbox holds.
//!
//! Emails are queued in the database in the same transaction as what caused
//! them (a verification code), so none is lost when the relay is down or the
//! gateway restarts. This task claims due messages, sends each through the
//! SMTP relay of the configuration (or, with none — the embedded default —
//! writes it as an `.eml` file), and records the outcome: accepted, deferred
//! with back-off (relay down or a 4xx reply), or refused for good (5xx).

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use helpdesk_domain::Clock;
use helpdesk_domain::model::OutgoingEmail;
use helpdesk_store::{Delivery, Store};
use lettre::message::header::ContentType;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use tokio::sync::watch;

/// Where emails go.
#[derive(Debug, Clone)]
pub enum Transport {
    /// An SMTP relay, spoken to in plain SMTP (a relay on the local network).
    Smtp { host: String, port: u16 },
    /// A folder: each message becomes an `.eml` file (no relay configured).
    Folder(PathBuf),
}

impl Transport {
    /// `smtp://host:port` (port 25 by default), or a folder when there is no URL.
    pub fn from_config(smtp_url: Option<&str>, folder: PathBuf) -> Result<Transport, String> {
        let Some(url) = smtp_url else {
            return Ok(Transport::Folder(folder));
        };
        let rest = url
            .strip_prefix("smtp://")
            .ok_or_else(|| format!("SMTP_URL must look like smtp://host:port, not {url:?}"))?;
        let rest = rest.trim_end_matches('/');
        let (host, port) = match rest.rsplit_once(':') {
            Some((h, p)) => (h, p.parse::<u16>().map_err(|_| format!("bad port in SMTP_URL {url:?}"))?),
            None => (rest, 25),
        };
        if host.is_empty() {
            return Err(format!("no host in SMTP_URL {url:?}"));
        }
        Ok(Transport::Smtp { host: host.to_string(), port })
    }
}

/// How the dispatcher behaves.
#[derive(Debug, Clone)]
pub struct MailerConfig {
    pub transport: Transport,
    /// The sender, `Help desk <no-reply@example.com>`.
    pub from: String,
    /// The first retry waits this long; each next one twice as long, up to 5 minutes.
    pub retry_base: Duration,
    /// How often to look for due messages when nothing wakes the dispatcher.
    pub poll: Duration,
    /// The gateway's clock: when a message is due, when it was sent.
    pub clock: Arc<dyn Clock>,
}

/// The running dispatcher.
pub struct Mailer {
    stop: watch::Sender<bool>,
    task: tokio::task::JoinHandle<()>,
}

impl Mailer {
    /// Starts the dispatcher on `store`.
    pub fn start(store: Store, config: MailerConfig) -> Mailer {
        let (stop, mut stopped) = watch::channel(false);
        let task = tokio::spawn(async move {
            loop {
                let sent = match run_once(&store, &config).await {
                    Ok(n) => n,
                    Err(e) => {
                        tracing::warn!(error = %e, "email dispatcher could not read the outbox");
                        0
                    }
                };
                if sent > 0 {
                    continue;
                }
                tokio::select! {
                    _ = store.outbox_waker().notified() => {}
                    _ = tokio::time::sleep(config.poll) => {}
                    _ = stopped.changed() => break,
                }
            }
        });
        Mailer { stop, task }
    }

    /// Stops after the message being sent, if any.
    pub async fn stop(self) {
        let _ = self.stop.send(true);
        let _ = self.task.await;
    }
}

/// Sends every due message once; returns how many were tried.
async fn run_once(store: &Store, config: &MailerConfig) -> Result<usize, helpdesk_store::StoreError> {
    let due = store.claim_due_emails(config.clock.now(), 20).await?;
    for email in &due {
        let outcome = deliver(email, config).await;
        match &outcome {
            Delivery::Accepted => tracing::info!(to = %email.to.masked(), "email sent"),
            Delivery::Deferred { reply, retry_at } => {
                tracing::warn!(to = %email.to.masked(), %reply, %retry_at, "email deferred")
            }
            Delivery::Refused { reply } => tracing::warn!(to = %email.to.masked(), %reply, "email refused"),
        }
        store.record_delivery(email, outcome, config.clock.now()).await?;
    }
    Ok(due.len())
}

fn backoff(config: &MailerConfig, attempts: i32) -> chrono::Duration {
    let factor = 2u32.saturating_pow(attempts.clamp(0, 16) as u32);
    let wait = config.retry_base.saturating_mul(factor).min(Duration::from_secs(300));
    chrono::Duration::from_std(wait).unwrap_or_else(|_| chrono::Duration::minutes(5))
}

async fn deliver(email: &OutgoingEmail, config: &MailerConfig) -> Delivery {
    let message = match build(email, &config.from) {
        Ok(m) => m,
        Err(e) => return Delivery::Refused { reply: format!("message could not be built: {e}") },
    };
    match &config.transport {
        Transport::Smtp { host, port } => {
            let transport = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host.as_str())
                .port(*port)
                .timeout(Some(Duration::from_secs(10)))
                .build();
            match transport.send(message).await {
                Ok(_) => Delivery::Accepted,
                Err(e) if e.is_permanent() => Delivery::Refused { reply: e.to_string() },
                Err(e) => Delivery::Deferred {
                    reply: e.to_string(),
                    retry_at: config.clock.now() + backoff(config, email.attempts),
                },
            }
        }
        Transport::Folder(dir) => {
            let path = dir.join(format!("{}.eml", email.id));
            let written = async {
                tokio::fs::create_dir_all(dir).await?;
                tokio::fs::write(&path, message.formatted()).await
            };
            match written.await {
                Ok(()) => {
                    tracing::info!(path = %path.display(), "no SMTP relay configured: email written to a file");
                    Delivery::Accepted
                }
                Err(e) => Delivery::Deferred {
                    reply: format!("writing {}: {e}", path.display()),
                    retry_at: config.clock.now() + backoff(config, email.attempts),
                },
            }
        }
    }
}

fn build(email: &OutgoingEmail, from: &str) -> Result<Message, String> {
    Message::builder()
        .from(from.parse().map_err(|e| format!("sender {from:?}: {e}"))?)
        .to(email.to.as_str().parse().map_err(|e| format!("recipient: {e}"))?)
        .subject(email.subject.clone())
        .header(ContentType::TEXT_PLAIN)
        .body(email.body.clone())
        .map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_smtp_url_names_host_and_port() {
        match Transport::from_config(Some("smtp://127.0.0.1:2525"), PathBuf::new()).unwrap() {
            Transport::Smtp { host, port } => assert_eq!((host.as_str(), port), ("127.0.0.1", 2525)),
            other => panic!("{other:?}"),
        }
        assert!(Transport::from_config(Some("http://x"), PathBuf::new()).is_err());
        assert!(matches!(Transport::from_config(None, PathBuf::from("mail")).unwrap(), Transport::Folder(_)));
    }
}
