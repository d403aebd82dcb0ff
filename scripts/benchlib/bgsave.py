"""BGSAVE helpers shared by the checkpoint and bgsave-read modes. All of them talk over
one persistent Connection, so the polling itself adds no connects, closes or processes
to the load being measured."""

import threading
import time

POLL_SECONDS = 0.02


def bgsave(conn):
    """Issues BGSAVE. Returns None when the server started one, else the error text."""
    try:
        reply = conn.call("BGSAVE", timeout=30)
    except OSError as e:
        return f"BGSAVE: {e}"
    return None if reply and reply.startswith("+") else f"BGSAVE answered {reply!r}"


def wait_bgsave(conn, timeout=600):
    """Polls INFO persistence every 20 ms until rdb_bgsave_in_progress:0. Returns (info of
    the last poll, error or None)."""
    deadline = time.monotonic() + timeout
    while True:
        info = conn.info("persistence", timeout=30)
        progress = info.get("rdb_bgsave_in_progress")
        if progress is None:
            return info, "INFO persistence has no rdb_bgsave_in_progress field"
        if progress == "0":
            status = info.get("rdb_last_bgsave_status")
            return info, None if status == "ok" else f"rdb_last_bgsave_status:{status}"
        if time.monotonic() > deadline:
            return info, f"BGSAVE still running after {timeout}s"
        time.sleep(POLL_SECONDS)


def probe_bgsave(server):
    """One BGSAVE to completion, untimed. Returns None if the server supports it, else the
    error text (a server that rejects BGSAVE is then left out of the BGSAVE runs)."""
    try:
        with server.connect(30) as conn:
            error = bgsave(conn)
            if error is None:
                _, error = wait_bgsave(conn)
            return error
    except OSError as e:
        return f"BGSAVE probe: {e}"


class BgsaveLoop(threading.Thread):
    """Keeps a BGSAVE running: issues one, waits for it to end, issues the next, until
    stopped (then lets the running one finish). Counts the ones that ended before stop()."""

    def __init__(self, server):
        super().__init__(daemon=True)
        self.server = server
        self.started = 0
        self.completed = 0  # ended with rdb_last_bgsave_status:ok before stop()
        self.error = None
        self.durations = []
        self.cow_max = None  # largest rdb_last_cow_size reported after a BGSAVE, if any
        self.stopping = threading.Event()
        self.begun = threading.Event()  # set once the first BGSAVE is accepted or failed

    def run(self):
        try:
            with self.server.connect(30) as conn:
                self._loop(conn)
        except OSError as e:
            self.error = f"BGSAVE loop: {e}"
        finally:
            self.begun.set()

    def wait_begun(self, timeout=30):
        """Blocks until the first BGSAVE is running (or the loop failed), so a measurement
        started next overlaps BGSAVEs from its first request."""
        self.begun.wait(timeout)

    def _loop(self, conn):
        while not self.stopping.is_set():
            began = time.monotonic()
            error = bgsave(conn)
            if error:
                self.error = error
                return
            self.started += 1
            self.begun.set()
            info, error = wait_bgsave(conn)
            if error:
                self.error = error
                return
            cow = info.get("rdb_last_cow_size")
            if cow is not None and cow.isdigit():
                self.cow_max = max(self.cow_max or 0, int(cow))
            if not self.stopping.is_set():
                self.completed += 1
                self.durations.append(time.monotonic() - began)

    def stop(self):
        self.stopping.set()
        self.join()
