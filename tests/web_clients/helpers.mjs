// What the web door's client scripts share: free loopback ports, chat-server started with
// its web door (and more) and stopped, a raw TCP line client that waits for a needle, and
// a deadline to race a promise against.
import { spawn } from "node:child_process";
import net from "node:net";

export const password = "s3cret";

export const deadline = (ms, what) =>
  new Promise((_, reject) => setTimeout(() => reject(new Error(`timed out: ${what}`)), ms).unref());

export function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

// chat-server on 127.0.0.1 with `args` (which must include --web-port); resolves with the
// child and the line door's port once the web page is announced. Rejects when the server
// exits first; `portTaken` on the error says it was because a port was in use.
export async function startServer(serverPath, args, linePort = 0) {
  const child = spawn(serverPath, ["--bind", "127.0.0.1", "--port", String(linePort), ...args], {
    env: { ...process.env, CHAT_PASSWORD: password },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let log = "";
  const port = await Promise.race([
    new Promise((resolve, reject) => {
      child.stderr.on("data", (d) => {
        log += d;
        const m = /listening on 127\.0\.0\.1:(\d+)/.exec(log);
        if (m && log.includes("web page on")) resolve(Number(m[1]));
      });
      child.on("exit", (code) => {
        const error = new Error(`the server exited with ${code} before listening:\n${log}`);
        error.portTaken = log.includes("Address already in use");
        reject(error);
      });
    }),
    deadline(10000, "server start"),
  ]);
  return { child, linePort: port };
}

// startServer with `count` free ports given to argsFor(ports): a port found free can be
// taken by another test before the server binds it, and then fresh ones are tried.
export async function startServerOnFreePorts(serverPath, count, argsFor) {
  for (let attempt = 1; ; attempt++) {
    const ports = [];
    for (let i = 0; i < count; i++) ports.push(await freePort());
    try {
      return { ports, ...(await startServer(serverPath, argsFor(ports))) };
    } catch (e) {
      if (!e.portTaken || attempt === 5) throw e;
    }
  }
}

export function stopServer(child) {
  return new Promise((resolve) => {
    child.on("exit", resolve);
    child.kill("SIGTERM");
  });
}

// A line client over TCP: send(line), expect(needle) (the first line holding it, and
// everything before it, are consumed), close().
export function lineClient(port) {
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
      Promise.race([
        new Promise((resolve) => {
          const check = () => {
            const at = buffer.indexOf(needle);
            if (at < 0) return;
            buffer = buffer.slice(buffer.indexOf("\n", at) + 1);
            waiters.splice(waiters.indexOf(check), 1);
            resolve();
          };
          waiters.push(check);
          check();
        }),
        deadline(10000, `line client: ${needle}`),
      ]),
    close: () => sock.destroy(),
  };
}
