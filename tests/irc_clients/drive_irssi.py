#!/usr/bin/env python3
"""irssi in a private tmux server: a generated config (a chatnet "test" that autojoins
#chat, autolog on), the flood queue turned off and /connect typed at its prompt in its --home; keys typed with tmux send-keys; what it received
is read from its autolog files (logs/test/#chat.log, logs/test/peer.log), and the screen
(capture-pane) is shown when a check fails."""

import os
import re
import shutil
import subprocess
import sys

import irc_harness as h

CONFIG = """servers = (
  {{ address = "127.0.0.1"; chatnet = "test"; port = "{port}"; {password} autoconnect = "no"; }}
);
chatnets = {{ test = {{ type = "IRC"; }}; }};
channels = ( {{ name = "{channel}"; chatnet = "test"; autojoin = "yes"; }} );
settings = {{
  core = {{ real_name = "irssi tester"; user_name = "{nick}"; nick = "{nick}"; }};
  "fe-common/core" = {{ autolog = "yes"; autolog_path = "{logs}/$tag/$0.log"; autolog_level = "all"; }};
}};
"""


def drive(ctx):
    if not shutil.which("irssi") or not shutil.which("tmux"):
        raise SystemExit(77)
    home = os.path.join(ctx.workdir, "irssi")
    logs = os.path.join(ctx.workdir, "logs")
    os.makedirs(home)
    password = f'password = "{ctx.args.password}";' if ctx.args.password else ""
    with open(os.path.join(home, "config"), "w") as f:
        f.write(CONFIG.format(port=ctx.port, password=password, channel=h.CHANNEL, nick=h.CLIENT_NICK, logs=logs))
    sock = os.path.join(ctx.workdir, "tmux.sock")
    env = dict(os.environ, TERM="xterm-256color", HOME=ctx.workdir)
    tmux = ["tmux", "-S", sock]

    def run_tmux(*args):
        return subprocess.run(tmux + list(args), env=env, check=True, timeout=5, capture_output=True, text=True).stdout

    ctx.procs.cleanups.append(lambda: run_tmux("kill-server"))
    run_tmux("new-session", "-d", "-s", "irc", "-x", "160", "-y", "40", f"irssi --home={home}")
    ctx.diagnostics["irssi screen"] = lambda: run_tmux("capture-pane", "-p", "-t", "irc")

    def type_line(text):
        run_tmux("send-keys", "-t", "irc", "-l", text)
        run_tmux("send-keys", "-t", "irc", "Enter")

    def shows(where, text):
        name = h.CHANNEL if where == "public" else h.PEER_NICK
        log = h.read_text(os.path.join(logs, "test", f"{name}.log"))
        return re.search(rf"<[ @+%~&]?{h.PEER_NICK}> {re.escape(text)}$", log, re.MULTILINE) is not None

    # Set at the prompt before connecting: irssi's own flood queue (one command each 2.2 s
    # past a burst) would otherwise pace the script's lines.
    h.wait_until("irssi's screen", lambda: "[(status)]" in run_tmux("capture-pane", "-p", "-t", "irc"))
    type_line("/set cmd_queue_speed 0")
    type_line("/set cmds_max_at_once 100")
    type_line("/connect test")
    h.exchange(ctx, lambda text: type_line(f"/msg {h.CHANNEL} {text}"),
               lambda nick, text: type_line(f"/msg {nick} {text}"), shows)
    type_line("/quit bye")
    ctx.peer.expect("irssi quitting", lambda m: m.command == "QUIT" and m.nick == h.CLIENT_NICK)


if __name__ == "__main__":
    sys.exit(h.run(__doc__, drive))
