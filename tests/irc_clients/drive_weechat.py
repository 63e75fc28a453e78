#!/usr/bin/env python3
"""weechat-headless: configured by --run-command (server, nick, password, the fifo and logger
plugins), then driven through its fifo ("irc.server.test */msg #chat text", "... */msg peer text");
what it received is read from the logger's files (logs/irc.test.#chat.weechatlog and the
query's irc.test.peer.weechatlog), flushed at once."""

import os
import shutil
import stat
import sys

import irc_harness as h


def drive(ctx):
    if not shutil.which("weechat-headless"):
        raise SystemExit(77)
    home = os.path.join(ctx.workdir, "weechat")
    logs = os.path.join(home, "logs")
    fifo = os.path.join(home, "fifo")
    os.makedirs(home)
    commands = [
        f"/set fifo.file.path {fifo}",
        "/set fifo.file.enabled on",
        f"/set logger.file.path {logs}",
        "/set logger.file.flush_delay 0",
        f"/server add test 127.0.0.1/{ctx.port}",
        f"/set irc.server.test.nicks {h.CLIENT_NICK}",
        f"/set irc.server.test.username {h.CLIENT_NICK}",
        f"/set irc.server.test.autojoin {h.CHANNEL}",
    ]
    if ctx.args.password:
        commands.append(f"/set irc.server.test.password {ctx.args.password}")
    commands.append("/connect test")
    out = os.path.join(ctx.workdir, "weechat.out")
    log = open(out, "w")
    argv = ["weechat-headless", "--stdout", "--dir", home, "--no-script", "--plugins", "irc,fifo,logger",
            "--run-command", ";".join(commands)]
    ctx.procs.start(argv, stdout=log, stderr=log)
    channel_log = os.path.join(logs, f"irc.test.{h.CHANNEL}.weechatlog")
    query_log = os.path.join(logs, f"irc.test.{h.PEER_NICK}.weechatlog")
    ctx.diagnostics["weechat output"] = lambda: h.read_text(out)[-2000:]
    ctx.diagnostics["weechat #chat log"] = lambda: h.read_text(channel_log)

    def send(buffer, text):
        h.wait_until(f"weechat's fifo {fifo}", lambda: os.path.exists(fifo) and stat.S_ISFIFO(os.stat(fifo).st_mode))
        fd = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
        try:
            os.write(fd, f"{buffer} *{text}\n".encode())
        finally:
            os.close(fd)

    def shows(where, text):
        # A logger line is "date<TAB>nick<TAB>message"; the nick may carry its channel prefix.
        path = channel_log if where == "public" else query_log
        for line in h.read_text(path).splitlines():
            fields = line.split("\t")
            if len(fields) >= 3 and fields[1].lstrip("@+%&~") == h.PEER_NICK and fields[2] == text:
                return True
        return False

    # /msg on the server buffer, not text in the channel's: that buffer refuses text ("not a
    # channel") until weechat has read the server's JOIN back, which the peer may see first.
    h.exchange(ctx, lambda text: send("irc.server.test", f"/msg {h.CHANNEL} {text}"),
               lambda nick, text: send("irc.server.test", f"/msg {nick} {text}"), shows,
               joined=lambda: f"{h.CLIENT_NICK} (" in h.read_text(channel_log))
    send("core.weechat", "/quit bye")
    ctx.peer.expect("weechat quitting", lambda m: m.command == "QUIT" and m.nick == h.CLIENT_NICK)


if __name__ == "__main__":
    sys.exit(h.run(__doc__, drive))
