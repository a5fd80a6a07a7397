#!/usr/bin/env python
"""Deadline rush: many vendors upload their sealed bids at once, against gunicorn and
PostgreSQL, compared with the same server's raw-upload ceiling measured in the same run;
then one large bid alone (peak worker memory); then the opening decrypts and checks them all.

    python bench/bids_rush.py            # or: make bench ARGS=bids_rush
    BENCH_VENDORS=200 BENCH_MB=20 BENCH_BIG_MB=500 BENCH_WORKERS=4 BENCH_THREADS=4 ...
    BENCH_LINK_MBIT=1000   # the clients behind a 1 Gbit/s link (root; see LinkShaper)

gunicorn runs as docs/deployment.md configures it (4 workers × 4 gthread threads, Redis for
sessions and cache when redis-server is installed).

Two ceilings are measured first with the same clients and bytes: raw (the body written to
disk) and sealing (the body sealed as a segment is, without the application around it), so
the result separates the cost of the cryptography from the cost of the application.

Targets (issue 5): zero lost or corrupted bids, a receipt for every success, sealed
throughput ≥ 80 % of the raw ceiling, peak memory per worker ≤ 150 MB (a 500 MB bid
included). Results: JSON (var/bench/bids_rush.json when run through bench/run.py).
"""

from __future__ import annotations

import json
import os
import sys
import threading
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _bids_harness import (
    Client,
    MemorySampler,
    browser_digests,
    django_script,
    document,
    environment,
    raw_upload,
    settle_disk,
    upload_bid,
)

MB = 1024 * 1024


def _run_all(count: int, action: Any) -> tuple[float, list[Any]]:
    barrier = threading.Barrier(count + 1)
    results: list[Any] = [None] * count

    def worker(index: int) -> None:
        barrier.wait()
        try:
            results[index] = action(index)
        except Exception as exc:
            results[index] = exc

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    barrier.wait()
    started = time.time()
    for thread in threads:
        thread.join()
    return time.time() - started, results


def main(output_dir: Path | None = None) -> dict[str, Any]:
    vendors = int(os.environ.get("BENCH_VENDORS", "200"))
    size_mb = float(os.environ.get("BENCH_MB", "20"))
    big_mb = int(os.environ.get("BENCH_BIG_MB", "500"))
    workers = int(os.environ.get("BENCH_WORKERS", "4"))
    threads = int(os.environ.get("BENCH_THREADS", "4"))
    segment = 8 * MB
    size = int(size_mb * MB)
    files = [document(size, seed) for seed in range(min(vendors, 8))]
    for data in files:  # the browsers' hashing, done on the vendors' machines
        browser_digests(data, segment)
    result: dict[str, Any] = {
        "benchmark": "bids_rush", "vendors": vendors, "file_mb": size_mb, "big_bid_mb": big_mb,
        "gunicorn": {"workers": workers, "threads": threads, "worker_class": "gthread"},
        "database": "PostgreSQL (private cluster)", "cpu_count": os.cpu_count(),
        "malloc_arena_max": os.environ.get("MALLOC_ARENA_MAX", "2"),
    }
    with environment("rush", workers=workers, threads=threads, vendors=vendors + 1) as ctx:
        server, seeded = ctx["server"], ctx["seeded"]
        result["sessions_and_cache"] = ("Redis (private)" if ctx["redis"]
                                        else "database sessions, local-memory cache")
        result["link"] = (f"{ctx['link_mbit']} Mbit/s (tc tbf on loopback)"
                          if ctx["link_mbit"] else "loopback, unshaped")
        code, sessions = seeded["code"], seeded["sessions"]

        # 1. The ceiling: the same clients stream the same bytes to an endpoint that only
        #    writes them to disk (no session, no database, no encryption). Every phase keeps
        #    what it wrote (the disk's work counts, as it does for the bids) and starts with
        #    nothing left to write back from the one before.
        var_dir = ctx["var"]
        settle_disk(var_dir)
        with MemorySampler(server) as memory:
            seconds, outcomes = _run_all(vendors, lambda i: raw_upload(
                Client(server.port), files[i % len(files)], segment))
        failures = [repr(o) for o in outcomes if isinstance(o, Exception)]
        raw_mbps = vendors * size / MB / seconds
        result["raw_ceiling"] = {"seconds": round(seconds, 2), "mb_per_s": round(raw_mbps, 1),
                                 "failures": len(failures), "peak_worker_mb": memory.peak_mb(),
                                 "cpu": memory.cpu}

        # 1b. The cryptography's ceiling: the same bytes sealed exactly as bid segments are
        #     (hashes, age encryption, spool, storage), without session, database or records.
        settle_disk(var_dir)
        with MemorySampler(server) as memory:
            seconds, outcomes = _run_all(vendors, lambda i: raw_upload(
                Client(server.port), files[i % len(files)], segment, sealed=True))
        failures = [repr(o) for o in outcomes if isinstance(o, Exception)]
        sealing_mbps = vendors * size / MB / seconds
        result["sealing_ceiling"] = {
            "seconds": round(seconds, 2), "mb_per_s": round(sealing_mbps, 1),
            "failures": len(failures), "peak_worker_mb": memory.peak_mb(), "cpu": memory.cpu,
            "ratio_to_raw_ceiling": round(sealing_mbps / raw_mbps, 3)}

        # 2. The rush: every vendor uploads and submits a sealed bid.
        settle_disk(var_dir)
        with MemorySampler(server) as memory:
            seconds, outcomes = _run_all(vendors, lambda i: upload_bid(
                Client(server.port, sessions[i]), code, files[i % len(files)],
                amount=str(900_000_000 + i)))
        ok = [o for o in outcomes if isinstance(o, dict)]
        failures = [repr(o)[:300] for o in outcomes if isinstance(o, Exception)]
        sealed_mbps = vendors * size / MB / seconds
        result["sealed_rush"] = {
            "seconds": round(seconds, 2), "mb_per_s": round(sealed_mbps, 1),
            "submitted": len(ok), "failures": len(failures), "failure_examples": failures[:5],
            "receipts": sum(1 for o in ok if o.get("audit_seq")),
            "peak_worker_mb": memory.peak_mb(), "cpu": memory.cpu,
            "ratio_to_raw_ceiling": round(sealed_mbps / raw_mbps, 3),
            "ratio_to_sealing_ceiling": round(sealed_mbps / sealing_mbps, 3),
        }

        # 3. One large bid alone: peak memory of the worker that seals it.
        big = document(big_mb * MB, 999)
        settle_disk(var_dir)
        with MemorySampler(server) as memory:
            started = time.time()
            upload_bid(Client(server.port, sessions[vendors]), code, big, name="besar.pdf")
            result["big_bid"] = {"mb": big_mb, "seconds": round(time.time() - started, 2),
                                 "peak_worker_mb": memory.peak_mb()}
        del big

        # 4. Consistency of what was stored, then the opening of every bid.
        result["server_request_times"] = django_script(ctx["env"], "attempts", {"code": code})
        result["stored"] = django_script(ctx["env"], "check", {"code": code})
        result["opening"] = django_script(ctx["env"], "open", {"code": code})
    stored, opening = result["stored"], result["opening"]
    result["passed"] = bool(
        result["sealed_rush"]["failures"] == 0
        and stored["submitted"] == vendors + 1
        and stored["problem_count"] == 0
        and opening["files_failed"] == 0 and opening["files_opened_ok"] == vendors + 1
        and result["sealed_rush"]["ratio_to_raw_ceiling"] >= 0.8
        and max(result["sealed_rush"]["peak_worker_mb"], result["big_bid"]["peak_worker_mb"])
        <= 150)
    return result


if __name__ == "__main__":
    outcome = main()
    print(json.dumps(outcome, indent=2))
    out = Path(os.environ.get("BENCH_OUTPUT", Path(__file__).resolve().parent.parent / "var"
                              / "bench" / "bids_rush.json"))
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(outcome, indent=2))
