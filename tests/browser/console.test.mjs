// The console as an agent uses it, in headless Chromium against the real
// gateway with the demo data. The gateway runs with `--browser-free-text
// nobody`: a browser may send only trusted documents, so every path below
// also proves the console sends nothing but its own operations.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import AxeBuilder from "@axe-core/playwright";
import { SCREENSHOTS, newPage, startBrowser, startGateway, startSmtp } from "./harness.mjs";

const PARTNER_ADMIN = "admin@northwind-partners.com";
let smtp;
let gateway;
let browser;
let page;
const problems = [];

before(async () => {
  smtp = await startSmtp();
  gateway = await startGateway({ smtpUrl: smtp.url, extraArgs: ["--browser-free-text", "nobody"] });
  browser = await startBrowser();
  page = await newPage(browser, problems);
});

after(async () => {
  await browser?.close();
  gateway?.stop();
  smtp?.close();
  assert.deepEqual(problems, [], "no script errors and no Content-Security-Policy violations");
});

/** Fails on any serious or critical accessibility violation (axe-core). */
async function accessible(name) {
  const results = await new AxeBuilder({ page }).analyze();
  const serious = results.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id}: ${v.help} at ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
  assert.deepEqual(serious, [], `accessibility of ${name}`);
}

async function screenshot(name) {
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

/**
 * Waits until the console's own navigation (a history entry written by the
 * router, not a page load) reaches a URL matching `expected` (a RegExp or a
 * test of the URL). Playwright's waitForURL also waits for a "load" that such
 * a navigation does not always report, and then times out.
 */
async function waitForRoute(expected, timeout = 30_000) {
  const matches = typeof expected === "function" ? expected : (url) => expected.test(url.href);
  const deadline = Date.now() + timeout;
  for (;;) {
    const href = await page.evaluate(() => location.href);
    if (matches(new URL(href))) return;
    if (Date.now() > deadline) throw new Error(`the console stayed at ${href}`);
    await page.waitForTimeout(20);
  }
}

/**
 * Types into the focused search box and waits for the settled answer; with
 * `delay`, one key every `delay` ms (slower than the box waits before it
 * searches, so searches land while the agent is still typing).
 */
async function typeSearch(text, delay = 0) {
  // The page has settled (the signed-in agent is shown) before the agent types.
  await page.waitForSelector(".who span");
  await page.keyboard.type(text, { delay });
  await waitForRoute((url) => url.searchParams.get("q") === text);
  await page.waitForSelector("#result-0");
  await page.waitForFunction(() => !document.querySelector(".loading"));
}

const EXAMPLES = [
  { typed: "2C:54:91:88:C9:E3", path: "/devices/", heading: "Cisco Board Pro", readAs: "read as a MAC address" },
  { typed: "+1-212-456-7890", path: "/numbers/", heading: "+12124567890", readAs: "read as a phone number" },
  { typed: "sip:davis@nanpizza.cisco.com", path: "/devices/", heading: "Cisco Board Pro", readAs: "read as a SIP address" },
  { typed: "Davis Walker", path: "/users/", heading: "Davis Walker", readAs: "read as a name", delay: 250 },
  { typed: "nanpizza.com", path: "/customers/", heading: "Nan Pizza Group", readAs: "read as a domain" },
];

test("an agent finds and opens each seed example with the keyboard alone", async () => {
  for (const example of EXAMPLES) {
    await page.goto(`${gateway.url}/`);
    // The box has the focus on load: the agent just types.
    assert.equal(await page.evaluate(() => document.activeElement?.className), "search-box");
    await typeSearch(example.typed, example.delay);
    assert.match(await page.textContent(".read-as"), new RegExp(example.readAs));
    const matched = await page.textContent("#result-0 mark");
    assert.ok(matched && matched.length > 0, `the matched part is highlighted for ${example.typed}`);
    await page.keyboard.press("Enter");
    await waitForRoute((url) => url.pathname.startsWith(example.path));
    // The router changes the URL first and shows the record's page when it is ready.
    await page.waitForFunction((path) => location.pathname.startsWith(path) && !document.querySelector(".search-box"), example.path);
    await page.locator("h1").first().waitFor();
    assert.equal(await page.textContent("h1"), example.heading);
  }
});

test("results come grouped by kind, what matched highlighted, and pass an accessibility check", async () => {
  await page.goto(`${gateway.url}/`);
  await typeSearch("+1-212-456-7890");
  const groups = await page.locator(".group-title").allTextContents();
  assert.deepEqual(groups.map((g) => g.replace(/\s*\d+$/, "")), ["Phone numbers", "Devices"], "the number, then the device it rings");
  assert.deepEqual(await page.locator(".result mark").allTextContents(), ["12124567890", "12124567890"]);
  await screenshot("search-results");
  await accessible("search results");
});

test("the results scroll on through the connection", async () => {
  await page.goto(`${gateway.url}/?q=b`);
  await page.locator("[role=option]").nth(19).waitFor();
  assert.equal(await page.locator("[role=option]").count(), 20, "one page of 20 first");
  await page.locator(".sentinel").scrollIntoViewIfNeeded();
  await page.locator("[role=option]").nth(20).waitFor();
  await page.waitForFunction(() => !document.querySelector(".loading"));
  const rows = await page.locator("[role=option]").count();
  assert.ok(rows > 20 && rows <= 40, `the next page arrived, once: ${rows}`);
});

test("arrow keys choose a result, and / returns to the search box from any page", async () => {
  await page.goto(`${gateway.url}/?q=${encodeURIComponent("+1-212-456-7890")}`);
  await page.waitForSelector("#result-1");
  await page.keyboard.press("ArrowDown");
  assert.equal(await page.getAttribute("#result-1", "aria-selected"), "true");
  await page.keyboard.press("Enter");
  await waitForRoute(/\/devices\//);
  // The device page has replaced the search page (a "/" typed before that
  // lands in the search box, which still has the focus).
  await page.waitForFunction(() => !document.querySelector(".search-box") && document.querySelector("h1"));
  await page.keyboard.press("/");
  await waitForRoute((url) => url.pathname === "/");
  await page.waitForFunction(() => document.activeElement?.className === "search-box");
  // What the agent opened is among the recent searches, newest first.
  const recent = await page.getByRole("navigation", { name: "Recent searches" }).getByRole("button").allTextContents();
  assert.equal(recent[0], "+1-212-456-7890", `${recent}`);
  await accessible("device page (after navigating back)");
});

test("a search the gateway cannot read shows the gateway's message", async () => {
  await page.goto(`${gateway.url}/`);
  await page.keyboard.type("x".repeat(400));
  const alert = await page.waitForSelector("[role=alert]");
  const message = await alert.textContent();
  assert.ok(message && !/\{|\}|extensions/.test(message), `a sentence, not a payload: ${message}`);
});

test("a customer's users come ten at a time, the next ten on request", async () => {
  await page.goto(`${gateway.url}/?q=${encodeURIComponent("Summit Bakery Group")}`);
  await page.waitForSelector("#result-0");
  await page.keyboard.press("Enter");
  await waitForRoute(/\/customers\//);
  const users = page.locator("section", { has: page.getByRole("heading", { name: /^Users/ }) });
  await users.getByRole("listitem").nth(9).waitFor();
  const total = Number(await users.locator(".count").textContent());
  assert.ok(total > 10, `the demo's bakery has more than a page of users: ${total}`);
  assert.equal(await users.getByRole("listitem").count(), 10);
  await users.getByRole("button", { name: "Show more users" }).click();
  await users.getByRole("listitem").nth(total - 1).waitFor();
  assert.equal(await users.getByRole("listitem").count(), total, "every user once");
  assert.equal(await users.getByRole("button").count(), 0, "nothing more to show");
  await accessible("customer page");
});

test("a verification code sent to the user is checked", async () => {
  await page.goto(`${gateway.url}/?q=davis.walker%40nanpizza.com`);
  await page.waitForSelector("#result-0");
  await page.click("#result-0");
  await waitForRoute(/\/users\//);
  await page.getByRole("button", { name: "Send verification code" }).click();
  await page.getByText(/Code sent to/).waitFor();
  const mail = await waitFor(() => smtp.messages.find((m) => m.to.includes("davis.walker@nanpizza.com")));
  const code = /\b(\d{6})\b/.exec(mail.raw.split("\r\n\r\n").slice(1).join("\n"))?.[1];
  assert.ok(code, "the email carries a six-digit code");
  await page.getByLabel("Code the user reads out").fill(code);
  await page.getByRole("button", { name: "Check code" }).click();
  await page.getByText("Verified: the user owns this mailbox.").waitFor();
  await accessible("user page");
  // Three codes per quarter hour: the fourth is refused with the gateway's message.
  for (let sent = 1; sent < 4; sent++) {
    const answered = page.waitForResponse((r) => r.url().endsWith("/graphql") && r.request().method() === "POST");
    await page.getByRole("button", { name: "Send verification code" }).click();
    await answered;
  }
  const refused = await page.waitForSelector(".flow [role=alert]");
  assert.match(await refused.textContent(), /[a-z]{3,} .*[a-z]{3,}/);
});

test("an agent clears a suppressed address", async () => {
  await page.goto(`${gateway.url}/?q=jane.doe%40nanpizza.com`);
  await page.waitForSelector("#result-0");
  await page.keyboard.press("Enter");
  await waitForRoute(/\/users\//);
  await page.getByRole("button", { name: "Remove from the suppression list" }).click();
  await page.getByText("Removed from the suppression list").waitFor();
  await page.reload();
  await page.getByText("Not on the suppression list.").waitFor();
});

test("a read-only admin session sees its customer only, under a banner", async () => {
  // Another customer's page, to try to leave the session's customer later.
  await page.goto(`${gateway.url}/?q=${encodeURIComponent("Davis Walker")}`);
  await page.waitForSelector("#result-0");
  await page.goto(`${gateway.url}/?q=nanpizza.com`);
  await page.waitForSelector("#result-0");
  await page.keyboard.press("Enter");
  await waitForRoute(/\/customers\//);
  await page.getByLabel("Reason for the read-only session").fill("TICKET-4711 calendar sync");
  await page.getByRole("button", { name: "Start read-only session" }).click();
  const link = await page.getByRole("link", { name: "open the console as this customer" }).getAttribute("href");
  assert.match(link, /#token=.+&reason=/);

  const session = await newPage(browser, problems);
  await session.goto(link);
  const banner = session.getByRole("status", { name: "Read-only admin session" });
  await banner.getByText("Nan Pizza Group").waitFor();
  assert.match(await banner.textContent(), /TICKET-4711 calendar sync/);
  assert.match(await banner.textContent(), /left/);
  assert.ok(!(await session.locator("nav").getByText("Dashboard").count()), "no dashboard in a read-only session");
  // Searching another partner customer's domain finds nothing.
  await session.goto(`${gateway.url}/?q=globex`);
  await session.waitForFunction(() => !document.querySelector(".loading"));
  assert.equal(await session.locator("#result-0").count(), 0);
  // Opening another customer by URL shows nothing of it.
  await page.goto(`${gateway.url}/?q=bakery`);
  await page.waitForSelector("#result-0");
  await page.keyboard.press("Enter");
  await waitForRoute(/\/customers\//);
  const other = { id: (await page.evaluate(() => location.href)).split("/customers/")[1] };
  await session.goto(`${gateway.url}/customers/${other.id}`);
  await session.getByRole("heading", { name: /No such customer/ }).waitFor();
  await session.context().close();
});

test("the dashboard shows every widget, and each widget opens alone", async () => {
  await page.goto(`${gateway.url}/dashboard`);
  await page.waitForFunction(() => document.querySelectorAll(".widget").length === 8 && !document.querySelector(".widget .loading"));
  assert.equal(await page.locator(".widget [role=alert]").count(), 0, "no widget failed");
  assert.ok((await page.locator(".widget canvas").count()) >= 5, "charts, drawn");
  await screenshot("dashboard");
  await accessible("dashboard");
  for (const name of ["customers-by-status", "license-usage", "devices", "phone-numbers", "email-problems", "grants-ending", "searches-by-kind", "active-agents"]) {
    await page.goto(`${gateway.url}/widgets/${name}`);
    await page.waitForFunction(() => document.querySelector(".widget") && !document.querySelector(".widget .loading"));
    assert.equal(await page.locator(".widget [role=alert]").count(), 0, `${name} loads`);
    assert.equal(await page.locator("header nav").count(), 0, `${name} stands alone`);
  }
});

test("a partner admin gives and takes the Help Desk role", async () => {
  const admin = await newPage(browser, problems);
  await admin.goto(`${gateway.url}/admin/agents#token=${gateway.token(PARTNER_ADMIN)}`);
  // The console has taken the token from the link (and kept it for the tab) once it shows the admin.
  await admin.locator(".who span", { hasText: "Avery Admin" }).waitFor();
  await admin.goto(`${gateway.url}/admin/agents`);
  const give = admin.getByRole("button", { name: "Give Sam Sales the Help Desk role" });
  await give.click();
  const take = admin.getByRole("button", { name: "Revoke the Help Desk role from Sam Sales" });
  await take.waitFor();
  await admin.screenshot({ path: join(SCREENSHOTS, "agents.png") });
  await take.click();
  await give.waitFor();
  await admin.goto(`${gateway.url}/admin/audit?action=assign_help_desk_role`);
  await admin.getByRole("cell", { name: "assign help desk role" }).first().waitFor();
  page = admin;
  await accessible("audit log");
});

test("an agent signs in with a token, and a token the gateway refuses signs the console out", async () => {
  const tab = await newPage(browser, problems);
  await tab.goto(`${gateway.url}/`);
  await tab.getByRole("button", { name: "Sign out" }).click();
  const box = tab.getByLabel("Your access token");
  await box.waitFor();
  page = tab;
  await accessible("sign-in page");
  // A well-formed token the gateway did not sign: the first answer is UNAUTHENTICATED.
  const b64 = (o) => Buffer.from(JSON.stringify(o)).toString("base64url");
  const now = Math.floor(Date.now() / 1000);
  const forged = `${b64({ alg: "HS256", typ: "JWT" })}.${b64({ sub: "x", iss: "helpdesk-gateway", iat: now, exp: now + 3600 })}.AAAA`;
  await box.fill(forged);
  const refused = tab.waitForResponse((r) => r.url().endsWith("/graphql") && r.status() === 401);
  await tab.getByRole("button", { name: "Sign in" }).click();
  await refused;
  await box.waitFor();
  // The partner admin's real token signs in, for this tab only.
  await box.fill(gateway.token(PARTNER_ADMIN));
  await tab.getByRole("button", { name: "Sign in" }).click();
  await tab.getByRole("link", { name: "Agents" }).waitFor();
  assert.equal(await tab.textContent(".who span"), "Avery Admin");
  await tab.context().close();
});

/** Polls `find` until it returns something, for 15 s. */
async function waitFor(find) {
  for (let i = 0; i < 150; i++) {
    const found = find();
    if (found) return found;
    await new Promise((ok) => setTimeout(ok, 100));
  }
  throw new Error("not within 15 s");
}

test("GraphiQL opened from a launch URL starts under the page's policy and wipes the token from the address bar", async () => {
  const token = gateway.token("helpdesk@northwind-partners.com");
  const graphiql = await newPage(browser, problems);
  await graphiql.goto(`${gateway.url}/graphql#token=${encodeURIComponent(token)}`);
  await graphiql.locator(".graphiql-container").waitFor({ timeout: 30_000 });
  assert.ok(!graphiql.url().includes(token), `the token left the address bar: ${graphiql.url()}`);
  assert.ok(!graphiql.url().includes("#token"), graphiql.url());
  await graphiql.close();
});
