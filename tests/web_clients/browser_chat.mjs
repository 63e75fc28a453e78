// The real browser: headless Debian chromium driven by playwright-core opens the page twice
// beside a line client; they chat, privately both ways, the user list follows joins and
// departures, and a page logs in again by itself after the server restarts. Usage:
// node browser_chat.mjs PATH_TO_CHAT_SERVER [SCREENSHOT.png]. Exit 77 when chromium is missing.
import { existsSync } from "node:fs";
import { chromium } from "playwright-core";
import { lineClient, password, startServer, startServerOnFreePorts, stopServer } from "./helpers.mjs";

const [serverPath, screenshot] = process.argv.slice(2);
const chromiumPath = "/usr/bin/chromium";
if (!existsSync(chromiumPath)) {
  console.log("chromium not installed: skipped");
  process.exit(77);
}
const timeout = 10000;

const startChat = (linePort, webPort) =>
  startServer(serverPath, ["--web-port", String(webPort)], linePort).then((server) => server.child);

async function openPage(browser, url, name) {
  const page = await browser.newPage({ viewport: { width: 900, height: 560 } });
  page.setDefaultTimeout(timeout);
  await page.goto(url);
  await page.fill("#password", password);
  await page.fill("#name", name);
  await page.click("#login-form button[type=submit]");
  await page.waitForSelector("#chat:not([hidden])");
  await expectMessage(page, `Welcome, ${name}!`);
  return page;
}

// A shown line holding every one of `parts` (the page shows the author, a [private] tag and
// the text in spans of their own, not the line protocol's "<name>").
const expectMessage = (page, ...parts) =>
  parts
    .reduce((l, part) => l.filter({ hasText: part }), page.locator("#messages li"))
    .first()
    .waitFor();
const expectUser = (page, name) => page.locator("#users li", { hasText: name }).first().waitFor();
const expectNoUser = (page, name) =>
  page.locator("#users li", { hasText: name }).first().waitFor({ state: "detached" });
async function say(page, line) {
  await page.fill("#line", line);
  await page.press("#line", "Enter");
}

const first = await startServerOnFreePorts(serverPath, 2, ([linePort, webPort]) => ["--port", String(linePort), "--web-port", String(webPort)]);
const [linePort, webPort] = first.ports;
const url = `http://127.0.0.1:${webPort}/`;
let server = first.child;
const browser = await chromium.launch({ executablePath: chromiumPath, args: ["--no-sandbox"] });
let status = 0;
try {
  const ana = await openPage(browser, url, "ana");
  const bea = await openPage(browser, url, "bea");
  await expectUser(ana, "bea");
  const line = lineClient(linePort);
  line.send(password);
  line.send("carl");
  await line.expect("Welcome, carl!");
  await expectUser(ana, "carl");
  await expectUser(bea, "carl");

  await say(ana, "hello from a browser");
  await expectMessage(bea, "ana", "hello from a browser");
  await line.expect("<ana> hello from a browser");
  line.send("hello pages");
  await expectMessage(ana, "carl", "hello pages");
  await expectMessage(bea, "carl", "hello pages");
  await say(bea, "@privado:carl just you");
  await line.expect("[private] <bea> just you");
  line.send("@privado:ana psst ana");
  await expectMessage(ana, "[private]", "carl", "psst ana");
  await say(ana, "@privado:bea hi bea");
  await expectMessage(bea, "[private]", "ana", "hi bea");
  if (screenshot) await ana.screenshot({ path: screenshot });

  line.send("@sair");
  await expectNoUser(ana, "carl");
  line.close();

  // The server restarts: the pages log in again by themselves.
  await stopServer(server);
  server = await startChat(linePort, webPort);
  const back = lineClient(linePort);
  back.send(password);
  back.send("dora");
  await back.expect("Welcome, dora!");
  await back.expect("ana joined the chat");
  await expectUser(bea, "ana");
  await say(ana, "back again");
  await back.expect("<ana> back again");
  back.close();
  console.log("browser chat: ok");
} catch (e) {
  console.error(`browser chat: ${e.stack ?? e}`);
  status = 1;
}
await browser.close();
await stopServer(server);
process.exit(status);
