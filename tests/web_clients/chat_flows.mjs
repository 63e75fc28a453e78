// Drives chat-server's web door with an independent WebSocket client (npm ws): a browser-like
// client and a raw TCP line client chat both ways, privately too, and the door's close codes
// reach a real client's close event. Usage: node chat_flows.mjs PATH_TO_CHAT_SERVER FLOW
import WebSocket from "ws";
import { deadline, lineClient, password, startServerOnFreePorts } from "./helpers.mjs";

const [serverPath, flow] = process.argv.slice(2);

// A ws client with the same expect(), over text messages.
function browser(port, origin) {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/ws`, "chat.line", {
    origin: origin ?? `http://127.0.0.1:${port}`,
  });
  let texts = [];
  const waiters = [];
  ws.on("message", (data) => {
    texts.push(...String(data).split("\n"));
    for (const w of [...waiters]) w();
  });
  const closed = new Promise((resolve) => ws.on("close", (code) => resolve(code)));
  const opened = Promise.race([
    new Promise((resolve, reject) => {
      ws.on("open", resolve);
      ws.on("unexpected-response", (_, res) => reject(new Error(`refused: ${res.statusCode}`)));
    }),
    deadline(10000, "ws open"),
  ]);
  return {
    ws,
    opened,
    closed,
    send: (text) => ws.send(text),
    expect: (needle) =>
      Promise.race([
        new Promise((resolve) => {
          const check = () => {
            const at = texts.findIndex((t) => t.includes(needle));
            if (at < 0) return;
            texts = texts.slice(at + 1);
            waiters.splice(waiters.indexOf(check), 1);
            resolve();
          };
          waiters.push(check);
          check();
        }),
        deadline(10000, `browser: ${needle}`),
      ]),
  };
}

async function login(b, name) {
  await b.opened;
  if (b.ws.protocol !== "chat.line") throw new Error(`subprotocol ${b.ws.protocol}`);
  await b.expect("Password:");
  b.send(password);
  await b.expect("Username:");
  b.send(name);
  await b.expect(`Welcome, ${name}!`);
}

const flows = {
  async chat({ webPort, linePort }) {
    const b = browser(webPort);
    await login(b, "webby");
    const l = lineClient(linePort);
    l.send(password);
    l.send("liney");
    await l.expect("Welcome, liney!");
    await b.expect("liney joined the chat");
    l.send("hello browser");
    await b.expect("<liney> hello browser");
    b.send("hello line");
    await l.expect("<webby> hello line");
    b.send("@privado:liney psst");
    await l.expect("[private] <webby> psst");
    l.send("@privado:webby back");
    await b.expect("[private] <liney> back");
    b.send("@sair");
    const code = await Promise.race([b.closed, deadline(10000, "close after @sair")]);
    if (code !== 1000) throw new Error(`@sair closed with ${code}`);
    await l.expect("webby");
    l.close();
  },
  async close_codes({ webPort }) {
    const b = browser(webPort);
    await login(b, "webby");
    b.send("x".repeat(5000)); // above the default --max-line 4096
    const code = await Promise.race([b.closed, deadline(10000, "1009")]);
    if (code !== 1009) throw new Error(`oversized message closed with ${code}, not 1009`);
    const c = browser(webPort);
    await login(c, "second");
    c.send("one\ntwo");
    const code2 = await Promise.race([c.closed, deadline(10000, "1008")]);
    if (code2 !== 1008) throw new Error(`two lines closed with ${code2}, not 1008`);
  },
  async origin({ webPort }) {
    const b = browser(webPort, "http://evil.example");
    try {
      await b.opened;
    } catch (e) {
      if (String(e).includes("403")) return;
      throw e;
    }
    throw new Error("a foreign origin was let in");
  },
};

const started = await startServerOnFreePorts(serverPath, 1, ([webPort]) => ["--web-port", String(webPort)]);
const server = { webPort: started.ports[0], ...started };
let status = 0;
try {
  if (!flows[flow]) throw new Error(`no flow ${flow}`);
  await flows[flow](server);
  console.log(`${flow}: ok`);
} catch (e) {
  console.error(`${flow}: ${e.stack ?? e}`);
  status = 1;
}
server.child.kill("SIGTERM");
process.exit(status);
