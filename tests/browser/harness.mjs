// What the browser tests run against: the real gateway binary in demo mode
// (its embedded console, demo data in a fresh SQLite file), mailing through a
// real SMTP server on loopback, and Debian's Chromium driven by Playwright.
import { spawn, execFileSync } from "node:child_process";
import { mkdtempSync, mkdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { SMTPServer } from "smtp-server";
import { chromium } from "playwright-core";

export const BINARY = resolve(process.env.HELPDESK_BIN ?? new URL("../../target/debug/helpdesk", import.meta.url).pathname);
export const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";
export const SCREENSHOTS = resolve(new URL("../../target/browser-screenshots", import.meta.url).pathname);

/** A loopback SMTP server that keeps every message it is given. */
export async function startSmtp() {
  const messages = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    onData(stream, session, done) {
      let raw = "";
      stream.on("data", (chunk) => (raw += chunk.toString("utf8")));
      stream.on("end", () => {
        messages.push({ to: session.envelope.rcptTo.map((r) => r.address), raw });
        done();
      });
    },
  });
  await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
  return { url: `smtp://127.0.0.1:${server.server.address().port}`, messages, close: () => server.close() };
}

/** The gateway in demo mode, in a folder of its own; resolves once it listens. */
export async function startGateway({ smtpUrl, extraArgs = [] }) {
  const work = mkdtempSync(join(tmpdir(), "helpdesk-browser-"));
  const child = spawn(
    BINARY,
    ["serve", "--demo", "--listen", "127.0.0.1:0", "--smtp-url", smtpUrl, "--mail-poll-ms", "100", ...extraArgs],
    { cwd: work, stdio: ["ignore", "pipe", "pipe"] },
  );
  let log = "";
  child.stderr.on("data", (d) => (log += d));
  const addr = await new Promise((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`the gateway did not start:\n${log}`)), 60_000);
    child.stdout.on("data", (d) => {
      log += d;
      const found = /help desk gateway on (\S+)/.exec(log);
      if (found) {
        clearTimeout(timer);
        ok(found[1]);
      }
    });
    child.on("exit", (code) => fail(new Error(`the gateway exited with ${code}:\n${log}`)));
  });
  return {
    url: `http://${addr}`,
    /** A token for an agent of the demo data, minted by the gateway's own CLI. */
    token: (agent) => execFileSync(BINARY, ["token", "--demo", "--agent", agent], { cwd: work }).toString().trim(),
    stop: () => {
      child.kill("SIGTERM");
      rmSync(work, { recursive: true, force: true });
    },
  };
}

/** Headless Chromium; a missing browser is a failure, never a skip. */
export async function startBrowser() {
  mkdirSync(SCREENSHOTS, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

/** A page that fails the test on any script error or Content-Security-Policy violation. */
export async function newPage(browser, problems) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  page.on("pageerror", (e) => problems.push(`page error at ${page.url()}: ${e.stack}`));
  page.on("console", (m) => {
    if (m.type() === "error" && !/Failed to load resource.*40[134]/.test(m.text())) problems.push(`console: ${m.text()}`);
  });
  return page;
}
