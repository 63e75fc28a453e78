// Drives chat-server's web door with irc-framework (npm), the IRC library Kiwi IRC is built
// on, over its WebSocket transport and text.ircv3.net: a web IRC user registers, is put in
// the channel, chats with a raw TCP line user both ways and in private, sees the line user
// leave, and quits. Usage: node irc_framework.mjs PATH_TO_CHAT_SERVER
import IRC from "irc-framework";
import WebSocketTransport from "irc-framework/src/transports/websocket.js";
import WebSocket from "ws";
import { deadline, lineClient, password, startServerOnFreePorts } from "./helpers.mjs";

// irc-framework's transport is written for browsers, where WebSocket is a global.
globalThis.WebSocket = WebSocket;

const [serverPath] = process.argv.slice(2);

// Resolves with the first `event` of the client for which `match` holds.
function next(client, event, what, match = () => true) {
  return Promise.race([
    new Promise((resolve) => {
      const on = (e) => {
        if (!match(e)) return;
        client.removeListener(event, on);
        resolve(e);
      };
      client.on(event, on);
    }),
    deadline(10000, `irc-framework: ${what}`),
  ]);
}

async function flow({ webPort, linePort }) {
  const kiwi = new IRC.Client();
  const registered = next(kiwi, "registered", "registered");
  const joined = next(kiwi, "join", "own join", (e) => e.nick === "kiwi");
  kiwi.connect({
    host: "127.0.0.1",
    port: webPort,
    path: "/ws",
    nick: "kiwi",
    username: "kiwi",
    gecos: "Kiwi user",
    password,
    transport: WebSocketTransport,
    websocket_protocol: "text.ircv3.net",
    auto_reconnect: false,
  });
  await registered;
  const join = await joined;
  if (join.channel !== "#chat") throw new Error(`joined ${join.channel}, not #chat`);

  const line = lineClient(linePort);
  const lineJoined = next(kiwi, "join", "line user's join", (e) => e.nick === "liney");
  line.send(password);
  line.send("liney");
  await line.expect("Welcome, liney!");
  await lineJoined;

  const heard = next(kiwi, "privmsg", "public line", (e) => e.nick === "liney" && e.target === "#chat");
  line.send("hello kiwi");
  if ((await heard).message !== "hello kiwi") throw new Error("public line changed on the way");
  kiwi.say("#chat", "hello liney");
  await line.expect("<kiwi> hello liney");

  kiwi.say("liney", "psst");
  await line.expect("[private] <kiwi> psst");
  const whisper = next(kiwi, "privmsg", "private line", (e) => e.nick === "liney" && e.target === "kiwi");
  line.send("@privado:kiwi back");
  if ((await whisper).message !== "back") throw new Error("private line changed on the way");

  const quit = next(kiwi, "quit", "line user's quit", (e) => e.nick === "liney");
  line.send("@sair");
  await quit;
  line.close();

  const closed = next(kiwi, "close", "connection closed");
  kiwi.quit("bye");
  await closed;
}

const args = ([webPort, ircPort]) => ["--web-port", String(webPort), "--irc-port", String(ircPort), "--server-name", "irc.test"];
const started = await startServerOnFreePorts(serverPath, 2, args);
const server = { webPort: started.ports[0], ircPort: started.ports[1], ...started };
let status = 0;
try {
  await flow(server);
  console.log("irc_framework: ok");
} catch (e) {
  console.error(`irc_framework: ${e.stack ?? e}`);
  status = 1;
}
server.child.kill("SIGTERM");
process.exit(status);
