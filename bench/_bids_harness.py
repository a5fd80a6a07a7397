"""Shared harness of the sealed-bid benchmarks (bench/bids_rush.py, bench/bids_faults.py).

It runs the production setup on this machine: a private PostgreSQL cluster (initdb in a
temporary directory, its own port, so it can be restarted without touching anyone else's
database), the project migrated into it, a private Redis for cache and sessions (when
redis-server is installed; BENCH_REDIS=0 runs without), gunicorn (gthread workers) serving
config.wsgi with DEBUG off, and HTTP clients that talk to it exactly as the bid page's script does
(start, declare, PUT raw segments with their SHA-256 — the last one with the whole
file's hashes, which completes the file — and submit).
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psutil

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
PG_BIN = next((p for p in sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)),
              Path("/usr/bin"))
CSRF = "benchcsrftoken0123456789abcdefXY"  # 32 characters, as Django's CSRF cookie


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _as_postgres(*args: str) -> list[str]:
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *args]
    return list(args)


@dataclass
class Postgres:
    """A throw-away PostgreSQL cluster (trust authentication on 127.0.0.1)."""

    directory: Path
    port: int = field(default_factory=free_port)
    #: Connect through the cluster's Unix socket (kept off a shaped loopback link).
    over_socket: bool = False

    @property
    def url(self) -> str:
        if self.over_socket:
            return (f"postgres://postgres@/lpse_bench?host={self.directory}&port={self.port}"
                    "&connect_timeout=5")
        return f"postgres://postgres@127.0.0.1:{self.port}/lpse_bench?connect_timeout=5"

    def start(self) -> None:
        if self.directory.exists():
            shutil.rmtree(self.directory)
        self.directory.mkdir(parents=True)
        if os.geteuid() == 0:
            shutil.chown(self.directory, "postgres", "postgres")
        subprocess.run(_as_postgres(str(PG_BIN / "initdb"), "-D", str(self.directory / "data"),
                                    "-A", "trust", "-U", "postgres", "--no-sync"),
                       check=True, capture_output=True)
        self._ctl("start")
        subprocess.run(_as_postgres(str(PG_BIN / "createdb"), "-h", "127.0.0.1", "-p",
                                    str(self.port), "-U", "postgres", "lpse_bench"),
                       check=True, capture_output=True)

    def _ctl(self, action: str, *extra: str) -> None:
        options = (f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1 "
                   "-c max_connections=300 -c fsync=on -c shared_buffers=64MB")
        subprocess.run(_as_postgres(str(PG_BIN / "pg_ctl"), "-D", str(self.directory / "data"),
                                    "-o", options, "-l", str(self.directory / "server.log"),
                                    "-w", *extra, action), check=True, capture_output=True)

    def restart(self, down_seconds: float = 0.0) -> float:
        """Stop (fast: sessions are cut), stay down `down_seconds`, start again."""
        started = time.time()
        self._ctl("stop", "-m", "fast")
        time.sleep(down_seconds)
        self._ctl("start")
        return round(time.time() - started, 2)

    def stop(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):
            self._ctl("stop", "-m", "immediate")
        shutil.rmtree(self.directory, ignore_errors=True)


@dataclass
class Redis:
    """A throw-away Redis (no persistence) for cache and sessions, as in production
    (docs/deployment.md); None from `start_redis` when redis-server is not installed."""

    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None
    #: Listen on this Unix socket instead of TCP (kept off a shaped loopback link).
    unix_socket: Path | None = None

    @property
    def url(self) -> str:
        if self.unix_socket is not None:
            return f"unix://{self.unix_socket}?db=0"
        return f"redis://127.0.0.1:{self.port}/0"

    def _connect(self) -> socket.socket:
        if self.unix_socket is not None:
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            sock.settimeout(1)
            sock.connect(str(self.unix_socket))
            return sock
        return socket.create_connection(("127.0.0.1", self.port), timeout=1)

    def start(self) -> None:
        listen = (["--port", "0", "--unixsocket", str(self.unix_socket), "--unixsocketperm",
                   "700"] if self.unix_socket is not None
                  else ["--port", str(self.port), "--bind", "127.0.0.1"])
        self.process = subprocess.Popen(
            ["redis-server", *listen, "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.time() + 10
        while time.time() < deadline:
            with contextlib.suppress(OSError), self._connect() as sock:
                sock.sendall(b"PING\r\n")
                if sock.recv(16).startswith(b"+PONG"):
                    return
            time.sleep(0.1)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(10)


def start_redis(unix_socket: Path | None = None) -> Redis | None:
    if shutil.which("redis-server") is None or os.environ.get("BENCH_REDIS") == "0":
        return None
    redis = Redis(unix_socket=unix_socket)
    redis.start()
    return redis


def django_env(pg: Postgres, var_dir: Path, **extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update({
        "DATABASE_URL": pg.url, "DEBUG": "false", "LPSE_TESTING": "false",
        "SECRET_KEY": "bench-secret-key-not-for-production-0123456789abcdef",
        "ALLOWED_HOSTS": "127.0.0.1,localhost", "SECURE_SSL_REDIRECT": "false",
        "SECURE_COOKIES": "false", "SECURE_HSTS_SECONDS": "0", "LPSE_VAR_DIR": str(var_dir),
        "MEDIA_ROOT": str(var_dir / "files"), "BIDS_BENCH_ENDPOINTS": "true",
        "BIDS_SPOOL_DIR": str(var_dir / "spool"), "LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT), "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_CONN_MAX_AGE": "60",
        # glibc: fewer malloc arenas keep a threaded worker's resident memory close to
        # what it uses (recommended for gunicorn gthread workers; see docs/apps/bids.md).
        "MALLOC_ARENA_MAX": os.environ.get("MALLOC_ARENA_MAX", "2"),
    })
    env.pop("TEST_DATABASE_URL", None)
    env.update(extra)
    return env


def manage(env: dict[str, str], *args: str) -> str:
    result = subprocess.run([PYTHON, str(ROOT / "manage.py"), *args], env=env, cwd=ROOT,
                            capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stderr[-3000:]}")
    return result.stdout


def django_script(env: dict[str, str], command: str, payload: dict[str, Any]) -> Any:
    """Run bench/_bids_django.py COMMAND in a Django process; returns its JSON answer."""
    result = subprocess.run([PYTHON, str(ROOT / "bench" / "_bids_django.py"), command,
                             json.dumps(payload)], env=env, cwd=ROOT, capture_output=True,
                            text=True, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"{command} failed:\n{result.stderr[-4000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


@dataclass
class Gunicorn:
    env: dict[str, str]
    workers: int = 2
    threads: int = 8
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None

    @property
    def log_path(self) -> Path:
        return Path(self.env["LPSE_VAR_DIR"]) / "gunicorn.log"

    def start(self) -> None:
        # The server's log goes to a file: a pipe nobody reads fills up with the tracebacks
        # of a database restart, and every thread that logs then blocks on it.
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                [PYTHON, "-m", "gunicorn", "config.wsgi:application", "-b",
                 f"127.0.0.1:{self.port}", "-w", str(self.workers), "-k", "gthread",
                 "--threads", str(self.threads), "--timeout", "300", "--graceful-timeout", "5",
                 "--backlog", "2048"],
                env=self.env, cwd=ROOT, stdout=log, stderr=log)
        deadline = time.time() + 60
        while time.time() < deadline:
            with contextlib.suppress(OSError):
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                conn.request("GET", "/bids/time/")
                if conn.getresponse().status == 200 and len(self.worker_pids()) >= self.workers:
                    return
            time.sleep(0.3)
        tail = self.log_path.read_text(errors="replace")[-3000:]
        raise RuntimeError(f"gunicorn did not start:\n{tail}")

    def worker_pids(self) -> list[int]:
        if self.process is None:
            return []
        with contextlib.suppress(psutil.NoSuchProcess):
            return [c.pid for c in psutil.Process(self.process.pid).children()]
        return []

    def stop(self) -> None:
        if self.process is not None:
            self.process.send_signal(signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(20)
            if self.process.poll() is None:
                self.process.kill()


def _cpu_of(pids: list[int]) -> float:
    total = 0.0
    for pid in pids:
        with contextlib.suppress(psutil.NoSuchProcess):
            times = psutil.Process(pid).cpu_times()
            total += times.user + times.system
    return total


def _machine_busy() -> float:
    times = psutil.cpu_times()
    return float(sum(times) - times.idle - getattr(times, "iowait", 0.0))


class MemorySampler:
    """Peak resident memory of each gunicorn worker, sampled every 50 ms; and where the
    machine's CPU went meanwhile (the workers, this client process, everything else: the
    database, the kernel's own work)."""

    def __init__(self, server: Gunicorn) -> None:
        self.server = server
        self.peaks: dict[int, int] = {}
        self.cpu: dict[str, float] = {}
        self._cpu_start: tuple[float, float, float, float] = (0.0, 0.0, 0.0, 0.0)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            for pid in self.server.worker_pids():
                with contextlib.suppress(psutil.NoSuchProcess):
                    rss = psutil.Process(pid).memory_info().rss
                    self.peaks[pid] = max(self.peaks.get(pid, 0), rss)
            time.sleep(0.05)

    def _cpu_now(self) -> tuple[float, float, float, float]:
        client = psutil.Process().cpu_times()
        return (time.time(), _machine_busy(), _cpu_of(self.server.worker_pids()),
                client.user + client.system)

    def __enter__(self) -> MemorySampler:
        self.peaks = {}
        self._cpu_start = self._cpu_now()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._stop.clear()
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        end = self._cpu_now()
        wall, busy, workers, client = (b - a for a, b in zip(self._cpu_start, end, strict=True))
        self.cpu = {"wall_seconds": round(wall, 2), "cpus": os.cpu_count() or 1,
                    "busy_seconds": round(busy, 2), "workers_seconds": round(workers, 2),
                    "client_seconds": round(client, 2),
                    "other_seconds": round(busy - workers - client, 2),
                    "utilisation": round(busy / max(wall * (os.cpu_count() or 1), 1e-9), 3)}

    def peak_mb(self) -> float:
        return round(max(self.peaks.values(), default=0) / 2**20, 1)


class HttpError(Exception):
    def __init__(self, status: int, body: bytes) -> None:
        super().__init__(f"HTTP {status}: {body[:200]!r}")
        self.status = status


SLOW_CALLS: list[dict[str, Any]] = []
#: Every call that failed (5xx, connection error, timeout): the retries of a fault test.
FAILED_CALLS: list[dict[str, Any]] = []


class Client:
    """One vendor's browser, reduced to the calls of static/bids/js/upload.js."""

    def __init__(self, port: int, session: str = "") -> None:
        self.port = port
        self.cookie = f"csrftoken={CSRF}" + (f"; sessionid={session}" if session else "")

    def call(self, method: str, path: str, body: bytes = b"",
             content_type: str = "application/json", headers: dict[str, str] | None = None
             ) -> Any:
        # As the bid page's script: 30 s plus 16 s per MiB sent, then the request is retried.
        conn = http.client.HTTPConnection("127.0.0.1", self.port,
                                          timeout=30 + len(body) / 65536)
        started = time.time()
        outcome = "?"
        try:
            conn.request(method, path, body=body, headers={
                "Cookie": self.cookie, "X-CSRFToken": CSRF, "Content-Type": content_type,
                "Accept": "application/json", "Content-Length": str(len(body)),
                "Referer": f"http://127.0.0.1:{self.port}/", **(headers or {})})
            response = conn.getresponse()
            data = response.read()
            outcome = str(response.status)
        except Exception as exc:
            outcome = type(exc).__name__
            raise
        finally:
            conn.close()
            if not outcome.isdigit() or int(outcome) >= 500:
                FAILED_CALLS.append({"method": method, "path": path[-60:], "outcome": outcome,
                                     "seconds": round(time.time() - started, 2)})
            if time.time() - started > 20:
                SLOW_CALLS.append({"method": method, "path": path[-60:], "outcome": outcome,
                                   "seconds": round(time.time() - started, 1),
                                   "at": round(started, 1)})
        if response.status >= 400:
            raise HttpError(response.status, data)
        return json.loads(data) if data else None

    def post(self, path: str, payload: dict[str, Any] | None = None) -> Any:
        return self.call("POST", path, json.dumps(payload or {}).encode())


def retrying(action: Any, attempts: int = 30, pause: float = 0.5) -> Any:
    """Retry on connection errors and 5xx, as the bid page's script does."""
    for attempt in range(attempts):
        try:
            return action()
        except HttpError as exc:
            if exc.status < 500 or attempt == attempts - 1:
                raise
        except OSError:
            if attempt == attempts - 1:
                raise
        time.sleep(min(pause * (2 ** attempt), 4))
    return None


def document(size: int, seed: int) -> bytes:
    """A well-formed PDF of exactly `size` bytes: catalog, empty page tree, one stream of
    pseudo-random bytes (like the scanned pages of a real bid), document information with
    an author, cross-reference table and trailer. The opening reads its metadata as it
    would a vendor's PDF (a malformed file would send pypdf scanning all of it)."""
    block = hashlib.sha256(str(seed).encode()).digest() * 2048  # 64 KiB
    head = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [] /Count 0 >>",
               None, b"<< /Author (Bench Vendor %d) /Producer (lpse bench) >>" % seed]
    length = 0
    for _ in range(3):  # the stream's length is written in the file: settle it
        parts, offsets = [head], []
        for number, body in enumerate(objects, start=1):
            offsets.append(sum(len(p) for p in parts))
            if body is None:
                stream = (block * (length // len(block) + 1))[:length]
                parts.append(b"%d 0 obj\n<< /Length %d >>\nstream\n" % (number, length)
                             + stream + b"\nendstream\nendobj\n")
            else:
                parts.append(b"%d 0 obj\n%s\nendobj\n" % (number, body))
        xref_at = sum(len(p) for p in parts)
        parts.append(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
                     + b"".join(b"%010d 00000 n \n" % o for o in offsets)
                     + b"trailer\n<< /Size %d /Root 1 0 R /Info 4 0 R >>\n"
                     % (len(objects) + 1) + b"startxref\n%d\n%%%%EOF\n" % xref_at)
        total = sum(len(p) for p in parts)
        if total == size:
            return b"".join(parts)
        length = max(0, length + size - total)
    raise ValueError(f"no PDF of exactly {size} bytes")


@functools.lru_cache(maxsize=64)
def browser_digests(data: bytes, segment_size: int) -> tuple[tuple[str, ...], str, str]:
    """What the bid page's script computes on the vendor's computer: each segment's SHA-256,
    the whole file's SHA-256 and MD5. Remembered per file (the benchmark uploads a few files
    many times), and computed before the timed run (`bids_rush`), so that the clients' hashing
    does not take CPU from the server under test: in real life it runs on the vendors'
    machines."""
    segments = tuple(hashlib.sha256(data[offset:offset + segment_size]).hexdigest()
                     for offset in range(0, len(data), segment_size))
    return (segments, hashlib.sha256(data).hexdigest(),
            hashlib.md5(data, usedforsecurity=False).hexdigest())


def upload_bid(client: Client, code: str, data: bytes, *, name: str = "penawaran.pdf",
               amount: str = "900000000", retry: bool = False,
               on_segment: Any = None) -> dict[str, Any]:
    wrap = retrying if retry else (lambda action: action())
    start = wrap(lambda: client.post(f"/bids/tender/{code}/upload/"))
    base = start["urls"]["files"]
    info = next((f for f in start["files"] if f["name"] == name and f["size"] == len(data)),
                None)
    if info is None:
        info = wrap(lambda: client.post(base, {"name": name, "size": len(data),
                                               "envelope": 1}))
    size = info["segment_size"]
    received = set(info["received"])
    segment_digests, file_sha256, file_md5 = browser_digests(data, size)
    status = info["status"]
    last = info["segment_count"] - 1
    for index in range(info["segment_count"]):
        if index in received:
            continue
        chunk = data[index * size:(index + 1) * size]
        headers = {"X-Segment-SHA256": segment_digests[index]}
        if index == last:  # the last segment completes the file (as the bid page does)
            headers.update({"X-File-SHA256": file_sha256, "X-File-MD5": file_md5})
        if on_segment is not None:
            on_segment(index)
        answer = wrap(lambda chunk=chunk, index=index, headers=headers: client.call(
            "PUT", f"{base}{info['id']}/segments/{index}/", chunk,
            "application/octet-stream", headers))
        status = answer.get("file_status", status)
    if status != "complete":
        wrap(lambda: client.post(f"{base}{info['id']}/complete/", {
            "sha256": file_sha256, "md5": file_md5}))
    return dict(wrap(lambda: client.post(start["urls"]["submit"], {"offer_amount": amount})))


def settle_disk(var_dir: Path) -> None:
    """Between phases: remove what the ceilings kept, then flush every dirty page, so that
    each phase starts with nothing left to write back and pays for its own writes."""
    for path in (var_dir / "spool").glob("bench-raw-*"):
        path.unlink()
    shutil.rmtree(var_dir / "files" / "bench", ignore_errors=True)
    os.sync()


def raw_upload(client: Client, data: bytes, segment: int, *, sealed: bool = False) -> None:
    """The same bytes in the same segments to a bench ceiling: written to disk as they are,
    or (sealed=True) sealed as a bid segment is, without session, database or records. Both
    keep their files until `settle_disk`, as the bids keep theirs."""
    path = "/bids/bench/sealed-upload/" if sealed else "/bids/bench/raw-upload/"
    for offset in range(0, len(data), segment):
        client.call("PUT", path, data[offset:offset + segment], "application/octet-stream")


class LinkShaper:
    """BENCH_LINK_MBIT: the clients reach the server through a link of that rate instead of
    free loopback — a token bucket (`tc qdisc … tbf`) on the loopback interface, so the raw
    ceiling becomes the link's, as it is behind a real uplink. Needs root and the kernel's
    tbf scheduler; it shapes all loopback traffic while the run lasts (the database and Redis
    are then reached over Unix sockets), and is removed afterwards."""

    def __init__(self, mbit: int) -> None:
        self.mbit = mbit
        self.active = False

    def __enter__(self) -> LinkShaper:
        if self.mbit <= 0:
            return self
        burst = max(self.mbit * 1_000_000 // 8 // 100, 256 * 1024)  # 10 ms at the rate
        result = subprocess.run(
            ["tc", "qdisc", "replace", "dev", "lo", "root", "tbf", "rate", f"{self.mbit}mbit",
             "burst", str(burst), "latency", "50ms"], capture_output=True, text=True,
            check=False)
        if result.returncode != 0:
            raise RuntimeError(f"BENCH_LINK_MBIT needs root and tc's tbf: {result.stderr}")
        self.active = True
        return self

    def __exit__(self, *exc: object) -> None:
        if self.active:
            subprocess.run(["tc", "qdisc", "del", "dev", "lo", "root"], check=False,
                           capture_output=True)
            self.active = False


@contextlib.contextmanager
def environment(name: str, *, workers: int, threads: int, vendors: int,
                extra_env: dict[str, str] | None = None) -> Iterator[dict[str, Any]]:
    base = Path(os.environ.get("BENCH_TMP", "/tmp")) / f"lpse-bench-{name}-{os.getpid()}"
    link_mbit = int(os.environ.get("BENCH_LINK_MBIT", "0"))
    pg = Postgres(base / "pg", over_socket=link_mbit > 0)
    var_dir = base / "var"
    var_dir.mkdir(parents=True, exist_ok=True)
    pg.start()
    server = None
    redis = start_redis(base / "redis.sock" if link_mbit > 0 else None)
    try:
        env = django_env(pg, var_dir, **({"REDIS_URL": redis.url} if redis else {}),
                         **(extra_env or {}))
        manage(env, "migrate", "--no-input", "-v", "0")
        seeded = django_script(env, "seed", {"vendors": vendors})
        server = Gunicorn(env, workers=workers, threads=threads)
        server.start()
        with LinkShaper(link_mbit):
            yield {"pg": pg, "env": env, "server": server, "seeded": seeded, "var": var_dir,
                   "redis": redis is not None, "link_mbit": link_mbit}
    finally:
        if server is not None:
            server.stop()
        if redis is not None:
            redis.stop()
        pg.stop()
        shutil.rmtree(base, ignore_errors=True)
