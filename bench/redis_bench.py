"""A Redis of a bench's own and a blocking RESP client to it, for the Python benches that
measure Redis's own CPU (bench/append-script-cost.py, bench/redis-round-trip-floor.py)."""
import contextlib
import re
import socket
import subprocess
import sys
import tempfile
import time

SCRIPT_RE = re.compile(r'kAppendBatch = R"lua\((.*?)\)lua"', re.S)
EVENT = "k=m\nc=12\na=user%d\nx=" + "y" * 64  # cluster/log_event.cpp's one field of a line


def append_script(chat_log_source):
    """The append script (kAppendBatch) out of a bus/chat_log.cpp."""
    match = SCRIPT_RE.search(chat_log_source)
    if not match:
        sys.exit("no kAppendBatch in bus/chat_log.cpp")
    return match.group(1)


def prepare_append(redis, script):
    """An empty Redis holding node a's lease (fence 7) and the script; the script's sha."""
    redis.call("FLUSHALL")
    redis.call("SET", "node:a", "7")
    return redis.call("SCRIPT", "LOAD", script).decode()


def append_call(sha, first_seq, batch):
    """ChatLog::append_batch's EVALSHA of `batch` public lines from seq `first_seq` on."""
    args = ["EVALSHA", sha, 4, "log", "seen:a", "node:a", "log:count", "7", 100000, "a", int(time.time() * 1000),
            10000, batch]
    for seq in range(first_seq, first_seq + batch):
        args += [seq, 1, "e", EVENT % seq]
    return args


def encode(args):
    out = [b"*%d\r\n" % len(args)]
    for a in args:
        a = a if isinstance(a, bytes) else str(a).encode()
        out.append(b"$%d\r\n%s\r\n" % (len(a), a))
    return b"".join(out)


class Redis:
    def __init__(self, port):
        self.sock = socket.create_connection(("127.0.0.1", port))
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.file = self.sock.makefile("rb")

    def call(self, *args):
        self.sock.sendall(encode(args))
        return self.reply()

    def reply(self):
        line = self.file.readline()
        if not line:
            raise OSError("Redis closed the connection")
        kind, rest = line[:1], line[1:-2]
        if kind == b"-":
            raise RuntimeError(rest.decode())
        if kind in b"+:":
            return rest
        if kind == b"$":
            size = int(rest)
            return None if size < 0 else self.file.read(size + 2)[:-2]
        if kind == b"*":
            size = int(rest)
            return None if size < 0 else [self.reply() for _ in range(size)]
        raise RuntimeError("not RESP: %r" % line)

    def cpu_seconds(self):
        """Redis's CPU so far, all threads (INFO cpu)."""
        info = self.call("INFO", "cpu").decode()
        return sum(float(v) for v in re.findall(r"used_cpu_(?:sys|user):([\d.]+)", info))

    def command_calls(self, command):
        """How many times Redis ran `command` since the last CONFIG RESETSTAT."""
        info = self.call("INFO", "commandstats").decode()
        match = re.search(r"cmdstat_%s:calls=(\d+)" % command.lower(), info)
        return int(match.group(1)) if match else 0


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def redis_server(name, appendonly=True):
    """A redis-server on a free loopback port, configured as the benches' (appendfsync
    everysec, no RDB snapshots), stopped on exit; yields its port."""
    port = free_port()
    with tempfile.TemporaryDirectory() as scratch:
        server = subprocess.Popen(["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                                   "--appendonly", "yes" if appendonly else "no", "--appendfsync", "everysec",
                                   "--dir", scratch, "--loglevel", "warning"], stdout=subprocess.DEVNULL)
        try:
            for _ in range(100):
                try:
                    Redis(port).call("PING")
                    break
                except OSError:
                    time.sleep(0.05)
            else:
                sys.exit("%s: redis-server did not start" % name)
            yield port
        finally:
            server.terminate()
            server.wait()
