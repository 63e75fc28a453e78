#!/usr/bin/env python3
"""sic, the stdin/stdout client: commands (":j #chat", ":m target text") are written to its
standard input, everything it receives is printed to its standard output, each line led by
the message's target ("#chat : <time> <peer> text", "tester : <time> <peer> text")."""

import os
import shutil
import subprocess
import sys

import irc_harness as h


def drive(ctx):
    if not shutil.which("sic"):
        raise SystemExit(77)
    out_path = os.path.join(ctx.workdir, "sic.out")
    out = open(out_path, "w")
    argv = ["sic", "-h", "127.0.0.1", "-p", str(ctx.port), "-n", h.CLIENT_NICK]
    if ctx.args.password:
        argv += ["-k", ctx.args.password]
    sic = ctx.procs.start(argv, stdin=subprocess.PIPE, stdout=out, stderr=subprocess.STDOUT)
    ctx.diagnostics["sic output"] = lambda: h.read_text(out_path)[-2000:]

    def command(line):
        sic.stdin.write((line + "\n").encode())
        sic.stdin.flush()

    def lines():
        return h.read_text(out_path).splitlines()

    h.wait_until("sic to register (the end of the MOTD or 422)",
                 lambda: any(" 376 " in l or " 422 " in l or "End of MOTD" in l for l in lines()))

    def shows_join():
        return any(" JOIN " in l and h.CLIENT_NICK in l for l in lines())

    # sic reads standard input with stdio behind select(), so two commands written before it
    # wakes leave the second in stdio's buffer, unseen. Each command is written only once the
    # one before had its visible effect. A server that joins clients on registration (ours)
    # sends the JOIN right behind the end of the MOTD; one that does not needs ":j".
    try:
        h.wait_until("an automatic JOIN", shows_join, seconds=1.0)
    except h.Failure:
        command(f":j {h.CHANNEL}")
        h.wait_until("sic to show its JOIN", shows_join)

    def shows(where, text):
        # sic starts each line with the message's target: the channel, or its own nick.
        origin = h.CHANNEL if where == "public" else h.CLIENT_NICK
        return any(l.lower().startswith(origin.lower() + " ") and f"<{h.PEER_NICK}> {text}" in l for l in lines())

    h.exchange(ctx, lambda text: command(f":m {h.CHANNEL} {text}"),
               lambda nick, text: command(f":m {nick} {text}"), shows)
    command(":QUIT :bye")  # ":" and no one-letter command: sent raw to the server
    ctx.peer.expect("sic quitting", lambda m: m.command == "QUIT" and m.nick == h.CLIENT_NICK)


if __name__ == "__main__":
    sys.exit(h.run(__doc__, drive))
