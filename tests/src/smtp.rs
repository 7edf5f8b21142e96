//! A real SMTP server on loopback, for the tests of the email dispatcher.
//!
//! It speaks just enough SMTP for a relay conversation (greeting, EHLO, MAIL,
//! RCPT, DATA, QUIT) and hands every accepted message to the test.

use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;
use tokio::sync::mpsc;

/// A message the server accepted.
#[derive(Debug, Clone)]
pub struct Mail {
    pub from: String,
    pub to: Vec<String>,
    /// The message as sent after DATA (headers and body).
    pub data: String,
}

impl Mail {
    /// The value of the Subject header.
    pub fn subject(&self) -> Option<&str> {
        self.data.lines().find_map(|l| l.strip_prefix("Subject: "))
    }

    /// The first run of exactly six digits in the body: the verification code.
    pub fn code(&self) -> Option<String> {
        let body = self.data.split_once("\r\n\r\n").map(|(_, b)| b).unwrap_or(&self.data);
        let chars: Vec<char> = body.chars().collect();
        (0..chars.len().saturating_sub(5)).find_map(|i| {
            let run: String = chars[i..i + 6].iter().collect();
            let bounded =
                (i == 0 || !chars[i - 1].is_ascii_digit()) && chars.get(i + 6).is_none_or(|c| !c.is_ascii_digit());
            (bounded && run.chars().all(|c| c.is_ascii_digit())).then_some(run)
        })
    }
}

/// The running server.
pub struct SmtpServer {
    pub port: u16,
    mails: mpsc::UnboundedReceiver<Mail>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// A free loopback port, for a relay that is "down" until a test starts it.
pub async fn free_port() -> u16 {
    let l = TcpListener::bind("127.0.0.1:0").await.unwrap();
    l.local_addr().unwrap().port()
}

impl SmtpServer {
    /// Starts on a free port.
    pub async fn start() -> SmtpServer {
        Self::start_on(0).await
    }

    /// Starts on `port`.
    pub async fn start_on(port: u16) -> SmtpServer {
        let listener = TcpListener::bind(("127.0.0.1", port)).await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let (tx, mails) = mpsc::unbounded_channel();
        let task = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let tx = tx.clone();
                tokio::spawn(async move {
                    let _ = converse(stream, tx).await;
                });
            }
        });
        SmtpServer { port, mails, task }
    }

    /// The `smtp://` URL of this server.
    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// The next message, or a panic after 30 seconds.
    pub async fn next_mail(&mut self) -> Mail {
        tokio::time::timeout(Duration::from_secs(30), self.mails.recv())
            .await
            .expect("an email reached the SMTP server within 30 s")
            .expect("the SMTP server is running")
    }
}

async fn converse(stream: tokio::net::TcpStream, tx: mpsc::UnboundedSender<Mail>) -> std::io::Result<()> {
    let (read, mut write) = stream.into_split();
    let mut lines = BufReader::new(read).lines();
    write.write_all(b"220 test.local ESMTP ready\r\n").await?;
    let (mut from, mut to) = (String::new(), Vec::new());
    while let Some(line) = lines.next_line().await? {
        let upper = line.to_ascii_uppercase();
        if upper.starts_with("EHLO") || upper.starts_with("HELO") {
            write.write_all(b"250-test.local\r\n250 8BITMIME\r\n").await?;
        } else if upper.starts_with("MAIL FROM:") {
            from = line[10..].trim().trim_matches(['<', '>']).to_string();
            write.write_all(b"250 OK\r\n").await?;
        } else if upper.starts_with("RCPT TO:") {
            to.push(line[8..].trim().trim_matches(['<', '>']).to_string());
            write.write_all(b"250 OK\r\n").await?;
        } else if upper == "DATA" {
            write.write_all(b"354 end with <CRLF>.<CRLF>\r\n").await?;
            let mut data = String::new();
            while let Some(l) = lines.next_line().await? {
                if l == "." {
                    break;
                }
                data.push_str(l.strip_prefix('.').unwrap_or(&l));
                data.push_str("\r\n");
            }
            let _ = tx.send(Mail { from: std::mem::take(&mut from), to: std::mem::take(&mut to), data });
            write.write_all(b"250 OK queued\r\n").await?;
        } else if upper == "QUIT" {
            write.write_all(b"221 bye\r\n").await?;
            break;
        } else {
            write.write_all(b"250 OK\r\n").await?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_code_is_the_six_digit_run_of_the_body() {
        let mail = Mail {
            from: String::new(),
            to: vec![],
            data: "Subject: x 2026\r\n\r\nYour code is 012345.\r\nCall +12124567890".into(),
        };
        assert_eq!(mail.code().as_deref(), Some("012345"));
        assert_eq!(mail.subject(), Some("x 2026"));
    }
}
