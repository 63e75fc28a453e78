// The real browser: headless Debian chromium driven by playwright-core opens the page twice
// beside a line client; they chat, privately both ways, the user list follows joins and
// departures, and a page logs in again by itself after the server restarts. Usage:
// node browser_chat.mjs PATH_TO_CHAT_SERVER [SCREENSHOT.png]. Exit 77 when chromium is missing.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import net from "node:net";
import { chromium } from "playwright-core";

const [serverPath, screenshot] = process.argv.slice(2);
const chromiumPath = "/usr/bin/chromium";
if (!existsSync(chromiumPath)) {
  console.log("chromium not installed: skipped");
  process.exit(77);
}
const password = "s3cret";
const timeout = 10000;

function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

function startServer(linePort, webPort) {
  const child = spawn(
    serverPath,
    ["--bind", "127.0.0.1", "--port", String(linePort), "--web-port", String(webPort)],
    { env: { ...process.env, CHAT_PASSWORD: password }, stdio: ["ignore", "ignore", "pipe"] },
  );
  let log = "";
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("server start")), timeout);
    child.stderr.on("data", (d) => {
      log += d;
      if (log.includes("web page on")) {
        clearTimeout(timer);
        resolve(child);
      }
    });
  });
}

function stopServer(child) {
  return new Promise((resolve) => {
    child.on("exit", resolve);
    child.kill("SIGTERM");
  });
}

function lineClient(port) {
  const sock = net.connect(port, "127.0.0.1");
  let buffer = "";
  const waiters = [];
  sock.on("data", (d) => {
    buffer += d;
    for (const w of [...waiters]) w();
  });
  return {
    send: (line) => sock.write(line + "\n"),
    expect: (needle) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`line client: ${needle}`)), timeout);
        const check = () => {
          const at = buffer.indexOf(needle);
          if (at < 0) return;
          buffer = buffer.slice(buffer.indexOf("\n", at) + 1);
          waiters.splice(waiters.indexOf(check), 1);
          clearTimeout(timer);
          resolve();
        };
        waiters.push(check);
        check();
      }),
    close: () => sock.destroy(),
  };
}

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

const linePort = await freePort();
const webPort = await freePort();
const url = `http://127.0.0.1:${webPort}/`;
let server = await startServer(linePort, webPort);
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
  server = await startServer(linePort, webPort);
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
