#!/usr/bin/env python
"""Benchmark: the public tender list with a search term and filters, under concurrent load.

Target (issue 4): with 100,000 tenders and 20,000 vendors on PostgreSQL behind the
production server setup, p95 ≤ 150 ms at 32 concurrent clients, and a throughput at least
half that of a trivial Django view on the same server, measured in the same run.

What it does:
1. tops the database up to BENCH_TENDERS tenders / BENCH_VENDORS vendors with
   `manage.py seed_volume` (skipped when BENCH_URL points at a server of your own);
2. collects static files and starts gunicorn (DEBUG off, production settings; the client
   sends X-Forwarded-Proto: https as nginx would) with bench/_bench_wsgi.py, which adds a
   trivial view at /bench/ping/;
3. runs three phases of BENCH_SECONDS each with BENCH_CLIENTS keep-alive clients: the
   trivial view, the public list (search + filters, cache on: the normal setting), and the
   public list with TENDER_PUBLIC_LIST_CACHE_SECONDS=0 (every request hits the database);
4. writes the latencies (p50/p95/p99), throughput, errors and the verdict as JSON.

Environment (defaults in brackets): BENCH_DATABASE_URL [DATABASE_URL or the SQLite file],
BENCH_TENDERS [100000], BENCH_VENDORS [20000], BENCH_CLIENTS [32], BENCH_SECONDS [30],
BENCH_WORKERS [2 × CPUs + 1], BENCH_THREADS [4], BENCH_PORT [8765], BENCH_URL [start here].

    make bench ARGS=tender_list
    BENCH_TENDERS=5000 BENCH_VENDORS=1000 BENCH_CLIENTS=8 BENCH_SECONDS=10 \
        make bench ARGS=tender_list
"""

from __future__ import annotations

import http.client
import json
import multiprocessing
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
TARGET_P95_MS = 150.0
TARGET_RATIO = 0.5

SEARCHES = ["jalan", "jembatan", "gedung", "drainase", "puskesmas", "alat kesehatan",
            "rehabilitasi jalan", "pembangunan gedung", "irigasi", "talud", "pasar",
            "cimalaka", "jatinangor", "tanjungsari", "paseh", "peningkatan jalan cimalaka",
            "pengadaan komputer", "pengawasan teknis", "embung", "trotoar"]


def _env(database_url: str, cache_seconds: int | None = None) -> dict[str, str]:
    env = dict(os.environ)
    env.update({
        "DEBUG": "false", "DATABASE_URL": database_url,
        "SECRET_KEY": env.get("SECRET_KEY") or "bench-secret-key-not-for-production-0123456789",
        "ALLOWED_HOSTS": "127.0.0.1,localhost", "LOG_LEVEL": "WARNING",
    })
    env.pop("LPSE_TESTING", None)
    if cache_seconds is not None:
        env["TENDER_PUBLIC_LIST_CACHE_SECONDS"] = str(cache_seconds)
    return env


def _manage(env: dict[str, str], *args: str) -> str:
    result = subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env,
                            capture_output=True, text=True)
    if result.returncode:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stderr[-2000:]}")
    return result.stdout


def _dataset(env: dict[str, str], tenders: int, vendors: int) -> dict[str, Any]:
    _manage(env, "migrate", "--no-input", "-v0")
    code = ("from lpse.tenders.models import Tender; from lpse.vendors.models import Vendor; "
            "from lpse.catalog.models import ProcurementCategory as C; "
            "from lpse.accounts.models import Agency as A; import json; print(json.dumps("
            "[Tender.objects.count(), Vendor.objects.count(), "
            "C.objects.get(code='konstruksi').pk, list(A.objects.values_list('pk', flat=True)"
            "[:12])]))")
    have_tenders, have_vendors, _c, _a = json.loads(_manage(env, "shell", "-c", code)
                                                    .strip().splitlines()[-1])
    missing_t, missing_v = max(0, tenders - have_tenders), max(0, vendors - have_vendors)
    if missing_t or missing_v:
        _manage(env, "seed_volume", "--tenders", str(missing_t), "--vendors", str(missing_v))
    counts = json.loads(_manage(env, "shell", "-c", code).strip().splitlines()[-1])
    return {"tenders": counts[0], "vendors": counts[1], "category_construction": counts[2],
            "agencies": counts[3]}


def _queries(dataset: dict[str, Any], count: int = 60) -> list[str]:
    rng = random.Random(7)
    year = time.localtime().tm_year
    paths = []
    for _ in range(count):
        params: dict[str, Any] = {"q": rng.choice(SEARCHES)}
        if rng.random() < 0.5:
            params["category"] = dataset["category_construction"]
        if rng.random() < 0.4 and dataset["agencies"]:
            params["agency"] = rng.choice(dataset["agencies"])
        if rng.random() < 0.5:
            params["year"] = year
        if rng.random() < 0.4:
            params["value_min"] = rng.choice([100_000_000, 500_000_000])
            params["value_max"] = rng.choice([2_000_000_000, 5_000_000_000])
        if rng.random() < 0.3:
            params["sort"] = rng.choice(["deadline", "value_desc", "name"])
        paths.append("/tenders/?" + urllib.parse.urlencode(params))
    return paths


def _client(host: str, port: int, paths: list[str], stop_at: float,
            out: list[tuple[float, int]]) -> None:
    rng = random.Random()
    connection = http.client.HTTPConnection(host, port, timeout=30)
    headers = {"X-Forwarded-Proto": "https", "Accept-Language": "id",
               "Connection": "keep-alive"}
    first = True
    while first or time.perf_counter() < stop_at:
        first = False
        path = rng.choice(paths)
        started = time.perf_counter()
        try:
            connection.request("GET", path, headers=headers)
            response = connection.getresponse()
            response.read()
            status = response.status
        except (OSError, http.client.HTTPException):
            status = 0
            connection.close()
            connection = http.client.HTTPConnection(host, port, timeout=30)
        out.append(((time.perf_counter() - started) * 1000, status))
    connection.close()


def _process(args: tuple[str, int, list[str], int, float]) -> list[tuple[float, int]]:
    host, port, paths, threads, stop_at = args
    results: list[list[tuple[float, int]]] = [[] for _ in range(threads)]
    workers = [threading.Thread(target=_client, args=(host, port, paths, stop_at, results[i]))
               for i in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return [item for chunk in results for item in chunk]


def _load(host: str, port: int, paths: list[str], clients: int, seconds: float
          ) -> dict[str, Any]:
    processes = max(1, min(clients, os.cpu_count() or 1, 8))
    per = [clients // processes + (1 if i < clients % processes else 0)
           for i in range(processes)]
    # Warm-up: every path once (caches, connections, bytecode), then a short burst.
    _process((host, port, paths[:1], 1, 0.0))
    for path in paths:
        _process((host, port, [path], 1, 0.0))
    _process((host, port, paths, clients, time.perf_counter() + min(5.0, seconds / 3)))
    stop_at = time.perf_counter() + seconds
    context = multiprocessing.get_context("fork")  # forked: nothing is pickled but results
    queue = context.Queue()
    workers = [context.Process(target=lambda n=n: queue.put(_process(
        (host, port, paths, n, stop_at)))) for n in per if n]
    for worker in workers:
        worker.start()
    chunks = [queue.get() for _ in workers]
    for worker in workers:
        worker.join()
    samples = [item for chunk in chunks for item in chunk]
    latencies = sorted(ms for ms, status in samples if status == 200)
    errors = sum(1 for _ms, status in samples if status != 200)

    def pct(p: float) -> float | None:
        if not latencies:
            return None
        return round(latencies[min(len(latencies) - 1, int(p * len(latencies)))], 1)

    return {"requests": len(samples), "errors": errors,
            "throughput_rps": round(len(latencies) / seconds, 1),
            "p50_ms": pct(0.50), "p95_ms": pct(0.95), "p99_ms": pct(0.99),
            "mean_ms": round(statistics.fmean(latencies), 1) if latencies else None}


class Redis:
    """A throw-away Redis for the run (the production setup caches in Redis), unless
    REDIS_URL is set already."""

    def __init__(self, port: int) -> None:
        self.process: subprocess.Popen[bytes] | None = None
        self.url = os.environ.get("REDIS_URL", "")
        binary = shutil.which("redis-server")
        if self.url or binary is None:
            return
        self.process = subprocess.Popen(
            [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.url = f"redis://127.0.0.1:{port}/0"
        time.sleep(0.5)

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)


class Server:
    def __init__(self, env: dict[str, str], port: int, workers: int, threads: int) -> None:
        self.port = port
        self.process = subprocess.Popen(
            [str(Path(PYTHON).with_name("gunicorn")), "_bench_wsgi:application",
             "--pythonpath", f"{ROOT},{ROOT / 'bench'}", "--bind", f"127.0.0.1:{port}",
             "--workers", str(workers), "--threads", str(threads), "--log-level", "warning",
             "--timeout", "120"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                connection.request("GET", "/bench/ping/", headers={"X-Forwarded-Proto": "https"})
                if connection.getresponse().status == 200:
                    return
            except OSError:
                time.sleep(0.5)
        self.stop()
        raise RuntimeError("the benchmark server did not start")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()


def main(output_dir: Path) -> dict[str, Any]:
    database_url = os.environ.get("BENCH_DATABASE_URL") or os.environ.get("DATABASE_URL") or \
        f"sqlite:///{ROOT / 'var' / 'bench.sqlite3'}"
    tenders = int(os.environ.get("BENCH_TENDERS", 100_000))
    vendors = int(os.environ.get("BENCH_VENDORS", 20_000))
    clients = int(os.environ.get("BENCH_CLIENTS", 32))
    seconds = float(os.environ.get("BENCH_SECONDS", 30))
    workers = int(os.environ.get("BENCH_WORKERS", 2 * (os.cpu_count() or 1) + 1))
    threads = int(os.environ.get("BENCH_THREADS", 4))
    port = int(os.environ.get("BENCH_PORT", 8765))
    external = os.environ.get("BENCH_URL")
    env = _env(database_url)
    redis = Redis(port + 1)
    if redis.url:
        env["REDIS_URL"] = redis.url
    static = Path(tempfile.mkdtemp(prefix="lpse-bench-static-"))
    env["STATIC_ROOT"] = str(static)
    result: dict[str, Any] = {
        "target": {"p95_ms": TARGET_P95_MS, "clients": 32, "tenders": 100_000,
                   "vendors": 20_000, "throughput_ratio_to_trivial": TARGET_RATIO},
        "config": {"database": database_url.split("@")[-1], "clients": clients,
                   "seconds": seconds, "gunicorn_workers": workers, "threads": threads,
                   "cpus": os.cpu_count(), "cache": "redis" if redis.url else "local memory"},
    }
    try:
        if external:
            parsed = urllib.parse.urlparse(external)
            host, port = parsed.hostname or "127.0.0.1", parsed.port or 80
            dataset = json.loads(os.environ.get("BENCH_DATASET", "{}")) or {
                "category_construction": 1, "agencies": []}
            phases = {"trivial": _load(host, port, ["/bench/ping/"], clients, seconds),
                      "list": _load(host, port, _queries(dataset), clients, seconds)}
        else:
            dataset = _dataset(env, tenders, vendors)
            subprocess.run([PYTHON, str(ROOT / "bench" / "_bench_wsgi.py"), "collectstatic",
                            "--no-input", "-v0"], cwd=ROOT, env={**env, "PYTHONPATH": str(ROOT)},
                           check=True, capture_output=True)
            paths = _queries(dataset)
            phases = {}
            server = Server(env, port, workers, threads)
            try:
                phases["trivial"] = _load("127.0.0.1", port, ["/bench/ping/"], clients, seconds)
                phases["list"] = _load("127.0.0.1", port, paths, clients, seconds)
            finally:
                server.stop()
            uncached = {**env, "TENDER_PUBLIC_LIST_CACHE_SECONDS": "0"}
            server = Server(uncached, port, workers, threads)
            try:
                phases["list_uncached"] = _load("127.0.0.1", port, paths, clients, seconds)
            finally:
                server.stop()
        result["dataset"] = dataset
        result["phases"] = phases
        listing, trivial = phases["list"], phases["trivial"]
        ratio = (listing["throughput_rps"] / trivial["throughput_rps"]
                 if trivial["throughput_rps"] else 0.0)
        full_size = result["config"]["clients"] >= 32 and dataset.get("tenders", 0) >= 100_000
        result["throughput_ratio"] = round(ratio, 2)
        result["meets_target"] = bool(
            listing["p95_ms"] is not None and listing["p95_ms"] <= TARGET_P95_MS
            and ratio >= TARGET_RATIO and listing["errors"] == 0)
        result["full_size"] = full_size
        # Only a full-size run can pass or fail the target; smaller runs are smoke runs.
        if full_size:
            result["passed"] = result["meets_target"]
    finally:
        shutil.rmtree(static, ignore_errors=True)
        redis.stop()
    return result


if __name__ == "__main__":
    out = ROOT / "var" / "bench"
    out.mkdir(parents=True, exist_ok=True)
    data = main(out)
    (out / "tender_list.json").write_text(json.dumps(data, indent=2, default=str))
    print(json.dumps(data, indent=2, default=str))
