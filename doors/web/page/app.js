// The chat page: logs in over a WebSocket (subprotocol chat.line, one line of
// docs/PROTOCOL.md per text frame), shows the server's lines by kind, keeps the user list,
// and reconnects with backoff. Everything shown goes through textContent, never as HTML.
"use strict";

const $ = (id) => document.getElementById(id);
const loginSection = $("login"), chatSection = $("chat");
const loginForm = $("login-form"), loginError = $("login-error");
const messages = $("messages"), usersList = $("users"), statusLine = $("status");
const sendForm = $("send-form"), input = $("line");

// Kept in memory only, to log in again after a reconnect; never stored.
let credentials = null;
let socket = null;
let phase = "offline"; // offline -> login -> chatting
let leaving = false; // the user asked to leave (@sair) or logging in failed: no reconnect
let everChatted = false;
let retryDelay = 1000;
let retryTimer = null;
const users = new Map(); // lower-case name -> name as written
const history = [];
let historyIndex = 0;

const TIMESTAMP = /^\[(\d\d:\d\d:\d\d)\] (.*)$/s;
const PRIVATE_FROM = /^\[private\] <([^>]+)> (.*)$/s;
const PRIVATE_TO = /^\[private to ([^\]]+)\] <([^>]+)> (.*)$/s;
const PUBLIC = /^<([^>]+)> (.*)$/s;
const ONLINE = /Online \((\d+)\): (.*)$/;
const JOINED = /^(\S+) joined the chat$/;
const GONE = /^(\S+) (?:left the chat|disconnected|was disconnected \(too slow\))$/;

function socketUrl() {
  return (location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/ws";
}

function setStatus(text) {
  statusLine.textContent = text;
}

function connect() {
  clearTimeout(retryTimer);
  phase = "login";
  setStatus(everChatted ? "Reconnecting…" : "Connecting…");
  socket = new WebSocket(socketUrl(), "chat.line");
  socket.addEventListener("message", (event) => {
    for (const line of String(event.data).split("\n")) if (line !== "") onLine(line.replace(/\r$/, ""));
  });
  socket.addEventListener("close", onClose);
}

function send(line) {
  if (socket && socket.readyState === WebSocket.OPEN) socket.send(line);
}

function onClose() {
  socket = null;
  const wasChatting = phase === "chatting";
  phase = "offline";
  if (leaving || !credentials) {
    showLogin();
    return;
  }
  if (!everChatted) {
    showLogin("Could not reach the chat server.");
    return;
  }
  const seconds = Math.round(retryDelay / 1000);
  addLine("notice", null, wasChatting ? `Connection lost; reconnecting in ${seconds} s.` : `Reconnecting in ${seconds} s.`);
  setStatus(`Disconnected. Reconnecting in ${seconds} s…`);
  // Exponential backoff with jitter, so a restarted server is not hit by every page at once.
  retryTimer = setTimeout(connect, retryDelay * (0.75 + Math.random() * 0.5));
  retryDelay = Math.min(retryDelay * 2, 30000);
}

function onLine(line) {
  if (phase === "login") return onLoginLine(line);
  const stamped = TIMESTAMP.exec(line);
  if (!stamped) return addLine(line.startsWith("! ") ? "error" : "notice", null, line.replace(/^[*!] /, ""));
  const [, time, rest] = stamped;
  let m;
  if ((m = PRIVATE_TO.exec(rest))) return addLine("private", time, m[3], m[2], `to ${m[1]}`);
  if ((m = PRIVATE_FROM.exec(rest))) return addLine("private", time, m[2], m[1], "private");
  if ((m = PUBLIC.exec(rest))) return addLine("public", time, m[2], m[1]);
  if (rest.startsWith("! ")) return addLine("error", time, rest.slice(2));
  const notice = rest.startsWith("* ") ? rest.slice(2) : rest;
  trackUsers(notice);
  addLine("notice", time, notice);
}

function onLoginLine(line) {
  if (line === "Password:") return send(credentials.password);
  if (line === "Username:") return send(credentials.name);
  if (line.startsWith("! ")) {
    // While reconnecting, a refusal is most likely passing (our old connection not yet seen
    // gone, so the name is taken; the server full or busy): try again later. A wrong
    // password, or one at the first login, needs the person.
    if (everChatted && !/Wrong password|failed attempts/.test(line)) {
      socket.close();
      return;
    }
    leaving = true;
    socket.close();
    showLogin(line.slice(2));
    return;
  }
  const stamped = TIMESTAMP.exec(line);
  if (stamped) {
    phase = "chatting";
    everChatted = true;
    retryDelay = 1000;
    showChat();
    setStatus(`Connected as ${credentials.name}.`);
    return onLine(line);
  }
  addLine("notice", null, line.replace(/^[*!] /, ""));
}

function trackUsers(notice) {
  let m;
  if ((m = ONLINE.exec(notice))) {
    let list = m[2];
    const more = / and \d+ more \(@usuarios lists all\)$/.exec(list);
    if (more) list = list.slice(0, more.index);
    users.clear();
    for (const name of list.split(", ")) if (name) users.set(name.toLowerCase(), name);
    renderUsers();
    if (more) send("@usuarios"); // the welcome lists at most 50; ask for everyone
  } else if ((m = JOINED.exec(notice))) {
    users.set(m[1].toLowerCase(), m[1]);
    renderUsers();
  } else if ((m = GONE.exec(notice))) {
    users.delete(m[1].toLowerCase());
    renderUsers();
  }
}

function nameButton(name) {
  const button = document.createElement("button");
  button.type = "button";
  button.textContent = name;
  button.title = `Write privately to ${name}`;
  button.addEventListener("click", () => startPrivate(name));
  return button;
}

function renderUsers() {
  const names = [...users.values()].sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase()));
  usersList.replaceChildren(...names.map((name) => {
    const item = document.createElement("li");
    item.append(nameButton(name));
    return item;
  }));
  $("users-title").textContent = `Online (${names.length})`;
}

function startPrivate(name) {
  input.value = `@privado:${name} `;
  input.focus();
}

function addLine(kind, time, text, who, tag) {
  const item = document.createElement("li");
  item.className = kind;
  if (time) {
    const stamp = document.createElement("span");
    stamp.className = "time";
    stamp.textContent = time;
    item.append(stamp);
  }
  if (tag) {
    const label = document.createElement("span");
    label.className = "tag";
    label.textContent = `[${tag}]`;
    item.append(label);
  }
  if (who) {
    const author = document.createElement("span");
    author.className = "who";
    if (kind === "self") author.textContent = who;
    else author.append(nameButton(who));
    item.append(author);
  }
  const body = document.createElement("span");
  body.className = "text";
  body.textContent = text;
  item.append(body);
  const atBottom = messages.scrollHeight - messages.scrollTop - messages.clientHeight < 40;
  messages.append(item);
  while (messages.childElementCount > 2000) messages.firstElementChild.remove();
  if (atBottom) messages.scrollTop = messages.scrollHeight;
}

// Without an error it keeps the one already shown (the close that follows a refusal).
function showLogin(error) {
  clearTimeout(retryTimer);
  chatSection.hidden = true;
  loginSection.hidden = false;
  if (error !== undefined) loginError.textContent = error;
  $("password").focus();
}

function showChat() {
  loginSection.hidden = true;
  chatSection.hidden = false;
  input.focus();
}

loginForm.addEventListener("submit", (event) => {
  event.preventDefault();
  credentials = { password: $("password").value, name: $("name").value.trim() };
  $("password").value = "";
  leaving = false;
  everChatted = false;
  retryDelay = 1000;
  messages.replaceChildren();
  users.clear();
  loginError.textContent = "";
  connect();
});

sendForm.addEventListener("submit", (event) => {
  event.preventDefault();
  // One frame is one line: a pasted line break would otherwise end the line early.
  const line = input.value.replace(/[\r\n]+/g, " ");
  if (line.trim() === "") return;
  if (!socket || phase !== "chatting") {
    setStatus("Not connected; the line was not sent.");
    return;
  }
  send(line);
  history.push(line);
  historyIndex = history.length;
  input.value = "";
  const command = line.trim().split(/\s/)[0].toLowerCase();
  if (command === "@sair" || command === "@quit") leaving = true;
  // The server sends a public line to everyone but its author: show our own here.
  if (!line.trimStart().startsWith("@")) {
    const now = new Date();
    const time = [now.getHours(), now.getMinutes(), now.getSeconds()].map((n) => String(n).padStart(2, "0")).join(":");
    addLine("self", time, line, credentials.name);
  }
});

input.addEventListener("keydown", (event) => {
  if (event.key === "ArrowUp" && historyIndex > 0) {
    historyIndex -= 1;
    input.value = history[historyIndex];
    event.preventDefault();
  } else if (event.key === "ArrowDown" && historyIndex < history.length) {
    historyIndex += 1;
    input.value = historyIndex < history.length ? history[historyIndex] : "";
    event.preventDefault();
  }
});
