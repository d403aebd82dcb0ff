"""The servers under test: starting and stopping them by PID, and talking RESP to them."""

import os
import shlex
import shutil
import socket
import subprocess
import sys
import time

from .common import ROOT, free_port, log, quote


def encode(args):
    payload = f"*{len(args)}\r\n".encode()
    for a in args:
        a = str(a).encode()
        payload += b"$%d\r\n%s\r\n" % (len(a), a)
    return payload


class Connection:
    """One client connection kept open across commands, so a caller that polls (the BGSAVE
    loops) costs the server one request per poll rather than a connect and a close."""

    def __init__(self, name, port, timeout=5):
        self.name = name
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        self.buf = b""

    def close(self):
        self.sock.close()

    def __enter__(self):
        return self

    def __exit__(self, *_):
        self.close()

    def _fill(self):
        chunk = self.sock.recv(65536)
        if not chunk:
            raise OSError(f"{self.name} closed the connection")
        self.buf += chunk

    def call(self, *args, timeout=None):
        """Sends one command; returns the whole reply if it is a line or a bulk string
        (errors and status replies keep their leading - or +), None for a null bulk.
        Other reply types are not expected on this connection."""
        if timeout is not None:
            self.sock.settimeout(timeout)
        self.sock.sendall(encode(args))
        while b"\r\n" not in self.buf:
            self._fill()
        line, self.buf = self.buf.split(b"\r\n", 1)
        if not line.startswith(b"$"):
            return line.decode(errors="replace")
        size = int(line[1:])
        if size < 0:
            return None
        while len(self.buf) < size + 2:
            self._fill()
        value, self.buf = self.buf[:size], self.buf[size + 2:]
        return value.decode(errors="replace")

    def info(self, section, timeout=None):
        """INFO section as a dict (empty if the reply is not a bulk string)."""
        return parse_info(self.call("INFO", section, timeout=timeout))


def parse_info(reply):
    fields = {}
    if reply is None or reply[:1] in ("-", "+"):
        return fields
    for line in reply.splitlines():
        if ":" in line and not line.startswith("#"):
            k, v = line.split(":", 1)
            fields[k.strip()] = v.strip()
    return fields


class Server:
    """A server process started by this script, stopped by its PID."""

    def __init__(self, name, cmd, port, workdir):
        self.name = name
        self.cmd = cmd
        self.port = port
        self.log_path = os.path.join(workdir, name + ".log")
        self.proc = None

    def spawn(self, append=False):
        with open(self.log_path, "ab" if append else "wb") as out:
            self.proc = subprocess.Popen([str(c) for c in self.cmd], stdout=out, stderr=subprocess.STDOUT,
                                         stdin=subprocess.DEVNULL, cwd=ROOT)

    def start(self):
        log(f"$ {quote(self.cmd)}")
        self.spawn()
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited with status {self.proc.returncode} "
                                   f"at start-up:\n{self.log_tail()}")
            if self.ping():
                return
            time.sleep(0.05)
        raise RuntimeError(f"{self.name} did not answer PING within 20s:\n{self.log_tail()}")

    def ping(self):
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1) as s:
                s.sendall(b"*1\r\n$4\r\nPING\r\n")
                return s.recv(64).startswith(b"+PONG")
        except OSError:
            return False

    def connect(self, timeout=5):
        return Connection(self.name, self.port, timeout)

    def command(self, *args, timeout=5):
        """Sends one command; returns the raw reply's first line (enough for integers)."""
        with socket.create_connection(("127.0.0.1", self.port), timeout=timeout) as s:
            s.sendall(encode(args))
            return s.recv(4096).split(b"\r\n", 1)[0].decode(errors="replace")

    def request(self, *args, timeout=5):
        """One command on a connection of its own; the reply as Connection.call returns it."""
        with self.connect(timeout) as c:
            return c.call(*args)

    def info(self, section, timeout=5):
        """INFO section as a dict (empty if the reply is not a bulk string)."""
        return parse_info(self.request("INFO", section, timeout=timeout))

    def rss_kib(self):
        return proc_status_kib(self.proc.pid, "VmRSS")

    def check_alive(self):
        if self.proc is not None and self.proc.poll() is not None:
            raise RuntimeError(f"{self.name} (pid {self.proc.pid}) exited with status "
                               f"{self.proc.returncode}:\n{self.log_tail()}")

    def log_tail(self, lines=20):
        try:
            with open(self.log_path, errors="replace") as f:
                return "".join(f.readlines()[-lines:])
        except OSError:
            return ""

    def stop(self):
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            log(f"{self.name} (pid {self.proc.pid}) ignored SIGTERM; sending SIGKILL")
            self.proc.kill()
            self.proc.wait()


def proc_status_kib(pid, field):
    """A kB field (VmRSS, VmHWM) of /proc/PID/status."""
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise RuntimeError(f"no {field} for pid {pid}")


def strata_command(args, binary, port, data_dir, config=None):
    """strata-server as scripts/run starts it (conf/strata.toml), overriding only what two
    servers side by side on one machine need: a free port, a private directory, and no
    checkpoint schedule, like redis-server's --save '' (neither saves by itself or when
    stopped, so restarts and timings compare like with like). The address is pinned to
    loopback whatever the config says. The thread count stays the config's unless
    --strata-threads is given."""
    cmd = [
        binary, "--config", config or os.path.join(ROOT, "conf", "strata.toml"),
        "--bind", "127.0.0.1",
        "--port", port, "--dir", data_dir, "--set", "checkpoint.schedule="
    ]
    if args.strata_threads is not None:
        cmd += ["--threads", args.strata_threads]
    for extra in args.strata_arg:
        cmd += shlex.split(extra)
    return cmd


def make_servers(args, workdir):
    """redis, strata and, with --baseline, a second strata-server started the same way."""
    ports = []
    for _ in range(3 if args.baseline else 2):
        ports.append(free_port(ports))
    servers = [Server("redis", [
        "redis-server", "--port", ports[0], "--bind", "127.0.0.1", "--save", "",
        "--appendonly", "no", "--daemonize", "no", "--dir", workdir
    ], ports[0], workdir)]
    servers.append(Server("strata", strata_command(
        args, args.server, ports[1], os.path.join(workdir, "strata-data")), ports[1], workdir))
    if args.baseline:
        # --baseline-rev: that revision's conf/strata.toml, as its scripts/run would use.
        own = args.baseline + ".toml"
        config = own if args.baseline_rev and os.path.exists(own) else None
        servers.append(Server("baseline", strata_command(
            args, args.baseline, ports[2], os.path.join(workdir, "baseline-data"), config),
            ports[2], workdir))
    return servers


def report_threads(args, servers):
    """Logs the network threads each strata-server runs, as it reports them itself."""
    source = (f"--threads {args.strata_threads}" if args.strata_threads is not None
              else "server.threads of conf/strata.toml, as scripts/run")
    for server in servers:
        if server.name != "redis":
            threads = server.info("server").get("strata_threads", "?")
            log(f"{server.name}: {threads} network thread(s) (INFO server strata_threads; "
                f"{source})")


# ---------------------------------------------------------------------------------------
# Locating tools and the binary


def ensure_tools():
    needed = ["redis-server", "redis-cli", "redis-benchmark"]
    if all(shutil.which(t) for t in needed):
        return
    log("redis tools missing; running scripts/setup --deps-only")
    subprocess.run([os.path.join(ROOT, "scripts", "setup"), "--deps-only"], check=True)


def locate_server(args):
    build_dir = os.environ.get("STRATA_BUILD_DIR", "build")
    if args.server is None:
        args.server = os.path.join(ROOT, build_dir, "strata-server")
    args.server = os.path.abspath(args.server)
    if args.baseline:
        args.baseline = os.path.abspath(args.baseline)
        if not os.access(args.baseline, os.X_OK):
            sys.exit(f"--baseline {args.baseline}: not an executable file")
    if args.rebuild or not os.path.exists(args.server):
        if os.path.dirname(args.server) != os.path.join(ROOT, build_dir) and args.rebuild:
            sys.exit(f"--rebuild builds {build_dir}/strata-server; it cannot rebuild {args.server}")
        log(f"building {build_dir}/strata-server (scripts/setup --build-dir {build_dir})")
        subprocess.run([os.path.join(ROOT, "scripts", "setup"), "--build-dir", build_dir],
                       check=True)
        if not os.path.exists(args.server):
            sys.exit(f"{args.server} still missing after the build")
        return
    binary_time = os.path.getmtime(args.server)
    for sub in ("src", "include"):
        for dirpath, _, files in os.walk(os.path.join(ROOT, sub)):
            for f in files:
                if os.path.getmtime(os.path.join(dirpath, f)) > binary_time:
                    log(f"warning: {os.path.relpath(args.server, ROOT)} is older than "
                        f"{os.path.relpath(os.path.join(dirpath, f), ROOT)}; "
                        "pass --rebuild to build it first")
                    return


def describe_environment(args):
    def first_line(cmd):
        try:
            return subprocess.run(cmd, capture_output=True, text=True,
                                  timeout=10).stdout.strip().splitlines()[0]
        except (OSError, IndexError, subprocess.SubprocessError):
            return "?"

    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    log(f"machine:  {os.cpu_count()} cores, load average {load}")
    log(f"redis:    {first_line(['redis-server', '--version'])}")
    log(f"strata:   {first_line([args.server, '--version'])} ({args.server})")
    if args.baseline:
        log(f"baseline: {first_line([args.baseline, '--version'])} ({args.baseline}"
            + (f", built from {args.baseline_rev}" if args.baseline_rev else "") + ")")
