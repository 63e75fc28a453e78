"""What every IRC client driver shares: a server to talk to (a private ngircd with a generated
configuration, or any command given with {port}), a raw-socket peer driven by the script,
bounded waits, and cleanup of every process started."""

import argparse
import os
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

CHANNEL = "#chat"
PEER_NICK = "peer"
CLIENT_NICK = "tester"
# Every wait is bounded; a whole driver stays well under ctest's 30 s timeout.
WAIT_SECONDS = 8.0


class Failure(Exception):
    """A check failed: the message says what was expected and what was seen."""


STARTED = time.monotonic()
VERBOSE = False


def trace(what):
    if VERBOSE:
        print(f"[{time.monotonic() - STARTED:6.2f}s] {what}", file=sys.stderr)


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until(what, predicate, seconds=WAIT_SECONDS, describe=lambda: ""):
    """Polls `predicate` (a file or a screen has no event to wait on) until it is true."""
    deadline = time.monotonic() + seconds
    while True:
        value = predicate()
        if value:
            trace(f"done waiting for {what}")
            return value
        if time.monotonic() > deadline:
            raise Failure(f"timed out after {seconds:.0f} s waiting for {what}\n{describe()}")
        time.sleep(0.05)


def read_text(path):
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            return f.read()
    except FileNotFoundError:
        return ""


class Processes:
    """Every process a driver starts, ended (by its own id) when the driver ends."""

    def __init__(self):
        self.started = []
        self.cleanups = []  # for what is not our child (a tmux server daemonizes)

    def start(self, argv, **kwargs):
        kwargs.setdefault("stdin", subprocess.DEVNULL)
        p = subprocess.Popen(argv, start_new_session=True, **kwargs)
        self.started.append(p)
        return p

    def stop_all(self):
        for cleanup in reversed(self.cleanups):
            try:
                cleanup()
            except (OSError, subprocess.SubprocessError):
                pass
        for p in reversed(self.started):
            if p.poll() is None:
                try:
                    os.killpg(p.pid, signal.SIGTERM)
                except ProcessLookupError:
                    pass
        for p in reversed(self.started):
            try:
                p.wait(timeout=3)
            except subprocess.TimeoutExpired:
                os.killpg(p.pid, signal.SIGKILL)
                p.wait(timeout=3)


NGIRCD_CONF = """[Global]
Name = irc.test
Info = IRC client driver test server
Listen = 127.0.0.1
Ports = {port}
MotdPhrase = client driver test
{password_line}
[Limits]
MaxNickLength = 24
PingTimeout = 120
PongTimeout = 20
ConnectRetry = 60
[Options]
DNS = no
Ident = no
PAM = no
IncludeDir = {dir}/conf.d
"""


def start_ngircd(procs, workdir, port, password):
    os.makedirs(os.path.join(workdir, "conf.d"), exist_ok=True)
    conf = os.path.join(workdir, "ngircd.conf")
    with open(conf, "w") as f:
        f.write(NGIRCD_CONF.format(port=port, dir=workdir,
                                   password_line=f"Password = {password}" if password else ""))
    log = open(os.path.join(workdir, "server.log"), "w")
    return procs.start(["ngircd", "--nodaemon", "--passive", "--config", conf], stdout=log, stderr=log)


def listening_socket_inodes(port):
    """The inodes of the sockets listening on TCP `port` (any address, IPv4 or IPv6)."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for row in read_text(table).splitlines()[1:]:
            fields = row.split()
            local_port = int(fields[1].rsplit(":", 1)[1], 16)
            if local_port == port and fields[3] == "0A":  # 0A: LISTEN
                inodes.add(fields[9])
    return inodes


def holds_socket(pid, inodes):
    fd_dir = f"/proc/{pid}/fd"
    try:
        links = [os.readlink(os.path.join(fd_dir, fd)) for fd in os.listdir(fd_dir)]
    except OSError:
        return False
    return any(link == f"socket:[{inode}]" for link in links for inode in inodes)


def wait_for_listener(port, server):
    """Waits until the server itself listens on the port: a connection that is accepted could
    be another program's listener, one that took the free port first."""
    def listening():
        if server.poll() is not None:
            raise Failure(f"the server exited with {server.returncode} before listening")
        return holds_socket(server.pid, listening_socket_inodes(port))
    wait_until(f"the server to listen on port {port}", listening)


PORT_ATTEMPTS = 5


def start_listening_server(args, workdir, procs):
    """Starts the server on args.port, or on a free port, and returns the port once it accepts.
    A free port can be taken by another test between free_port() and the server's bind: then
    the server exits with "Address already in use", and another free port is tried."""
    for attempt in range(1, PORT_ATTEMPTS + 1):
        port = args.port or free_port()
        if args.server_cmd == "ngircd":
            server = start_ngircd(procs, workdir, port, args.password)
        else:
            argv = [a.format(port=port, password=args.password) for a in shlex.split(args.server_cmd)]
            log = open(os.path.join(workdir, "server.log"), "w")
            server = procs.start(argv, stdout=log, stderr=log)
        try:
            wait_for_listener(port, server)
            return port
        except Failure:
            port_taken = "in use" in read_text(os.path.join(workdir, "server.log"))
            if args.port or not port_taken or attempt == PORT_ATTEMPTS:
                raise
            trace(f"port {port} was taken before the server bound it; trying another")
    raise AssertionError("unreachable")


class RawPeer:
    """The second IRC user, a plain socket the script drives and checks line by line."""

    def __init__(self, port, nick, password):
        self.nick = nick
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=WAIT_SECONDS)
        self.buffer = b""
        self.seen = []
        if password:
            self.send(f"PASS {password}")
        self.send(f"NICK {nick}")
        self.send(f"USER {nick} 0 * :Raw peer")
        self.expect("the welcome (001)", lambda m: m.command == "001")

    def send(self, line):
        self.sock.sendall(line.encode() + b"\r\n")

    def lines(self, deadline):
        while True:
            if b"\n" in self.buffer:
                line, self.buffer = self.buffer.split(b"\n", 1)
                text = line.rstrip(b"\r").decode("utf-8", errors="replace")
                self.seen.append(text)
                if text.startswith("PING"):
                    self.send("PONG" + text[4:])
                yield Line(text)
                continue
            left = deadline - time.monotonic()
            if left <= 0:
                return
            self.sock.settimeout(left)
            try:
                chunk = self.sock.recv(4096)
            except socket.timeout:
                return
            if not chunk:
                return
            self.buffer += chunk

    def expect(self, what, predicate, seconds=WAIT_SECONDS):
        for line in self.lines(time.monotonic() + seconds):
            if predicate(line):
                trace(f"peer received {what}")
                return line
        recent = "\n".join(self.seen[-15:])
        raise Failure(f"the raw peer did not receive {what} within {seconds:.0f} s; its last lines:\n{recent}")

    def join(self, channel):
        self.send(f"JOIN {channel}")
        self.expect(f"the end of NAMES for {channel}", lambda m: m.command == "366")

    def close(self):
        try:
            self.send("QUIT :done")
        except OSError:
            pass
        self.sock.close()


class Line:
    """One received line split the plain way: enough for the checks, independent of doors/irc."""

    def __init__(self, text):
        self.text = text
        rest = text
        self.source = ""
        if rest.startswith("@"):
            rest = rest.split(" ", 1)[1] if " " in rest else ""
        if rest.startswith(":"):
            self.source, _, rest = rest[1:].partition(" ")
        head, _, trailing = rest.partition(" :")
        words = head.split()
        self.command = words[0].upper() if words else ""
        self.params = words[1:] + ([trailing] if " :" in rest else [])
        self.nick = self.source.split("!", 1)[0]

    def is_message(self, command, sender, target, text):
        return (self.command == command and self.nick == sender and len(self.params) == 2
                and self.params[0].lower() == target.lower() and self.params[1] == text)


def arguments(description):
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--server-cmd", default="ngircd",
                        help="'ngircd' (a private one with a generated config) or a command line in which "
                             "{port} and {password} are replaced, e.g. 'chat-server --irc-port {port}'")
    parser.add_argument("--port", type=int, default=0, help="the port to use (default: a free one)")
    parser.add_argument("--password", default="", help="the server password (PASS); none by default")
    parser.add_argument("--keep", action="store_true", help="keep the work directory")
    parser.add_argument("--verbose", action="store_true", help="print when each step completes")
    return parser.parse_args()


def run(description, drive):
    """Starts the server, connects the raw peer, runs drive(ctx), and reports; exit 0 on success,
    1 on a failed check, 77 when the client program is not installed (ctest: skipped)."""
    global VERBOSE
    args = arguments(description)
    VERBOSE = args.verbose
    workdir = tempfile.mkdtemp(prefix="irc-client-")
    procs = Processes()
    ctx = Context(args, workdir, procs)
    try:
        if args.server_cmd == "ngircd" and not shutil.which("ngircd"):
            print("ngircd is not installed (.ci/install-deps)", file=sys.stderr)
            return 77
        ctx.port = start_listening_server(args, workdir, procs)
        ctx.peer = RawPeer(ctx.port, PEER_NICK, args.password)
        ctx.peer.join(CHANNEL)
        drive(ctx)
        print("ok")
        return 0
    except Failure as e:
        print(f"FAILED: {e}", file=sys.stderr)
        for name in ctx.diagnostics:
            print(f"--- {name}:\n{ctx.diagnostics[name]()}", file=sys.stderr)
        return 1
    finally:
        if ctx.peer:
            ctx.peer.close()
        procs.stop_all()
        if args.keep:
            print(f"work directory kept: {workdir}", file=sys.stderr)
        else:
            shutil.rmtree(workdir, ignore_errors=True)


class Context:
    def __init__(self, args, workdir, procs):
        self.args = args
        self.workdir = workdir
        self.procs = procs
        self.port = 0
        self.peer = None
        self.diagnostics = {"server log": lambda: read_text(os.path.join(workdir, "server.log"))[-2000:]}


def exchange(ctx, client_says, client_whispers, shows, joined=None):
    """The scenario every driver runs once its client is connected and asked to join:
    client_says(text) posts to the channel, client_whispers(nick, text) sends privately,
    shows(where, text) is true once the client's own output (file, screen, log) shows text
    where the client puts `where`'s messages: "public" (the channel) or "private" (from the peer)."""
    peer = ctx.peer
    peer.expect(f"{CLIENT_NICK} joining {CHANNEL}",
                lambda m: m.command == "JOIN" and m.nick == CLIENT_NICK and m.params[:1] == [CHANNEL])
    # A server that joins its clients on registration (ours) tells the peer before the client
    # has read its own welcome: wait for the client to know it is in, where it can say so.
    if joined:
        wait_until(f"the client to show it joined {CHANNEL}", joined)
    client_says("hello from the client")
    peer.expect("the client's public message",
                lambda m: m.is_message("PRIVMSG", CLIENT_NICK, CHANNEL, "hello from the client"))
    client_whispers(PEER_NICK, "psst from the client")
    peer.expect("the client's private message",
                lambda m: m.is_message("PRIVMSG", CLIENT_NICK, PEER_NICK, "psst from the client"))
    peer.send(f"PRIVMSG {CHANNEL} :hello from the peer")
    peer.send(f"PRIVMSG {CLIENT_NICK} :psst from the peer")
    wait_until("the client to show the peer's public message", lambda: shows("public", "hello from the peer"))
    wait_until("the client to show the peer's private message", lambda: shows("private", "psst from the peer"))
