#!/usr/bin/env python
"""Fault test of the sealed upload (issue 5), against gunicorn and a private PostgreSQL:

1. A gunicorn worker is killed (SIGKILL) while it is receiving a segment: the request fails,
   nothing half-recorded remains, the vendor's retry resumes and the bid is submitted.
2. The database is stopped while several vendors upload and started again after
   BENCH_DB_DOWN_SECONDS [3]: requests fail meanwhile, the retries succeed, every bid is
   submitted once and complete, and no request hangs (slow_calls: those over 20 s).

    python bench/bids_faults.py      # or: make bench ARGS=bids_faults
Results: JSON (var/bench/bids_faults.json through bench/run.py).
"""

from __future__ import annotations

import http.client
import json
import os
import signal
import sys
import threading
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _bids_harness import (
    CSRF,
    FAILED_CALLS,
    SLOW_CALLS,
    Client,
    django_script,
    document,
    environment,
    upload_bid,
)

MB = 1024 * 1024


def _kill_mid_segment(ctx: dict[str, Any], session: str, code: str) -> dict[str, Any]:
    server = ctx["server"]
    client = Client(server.port, session)
    data = document(24 * MB, 7)
    start = client.post(f"/bids/tender/{code}/upload/")
    info = client.post(start["urls"]["files"], {"name": "besar.pdf", "size": len(data),
                                                "envelope": 1})
    # Send segment 0 completely, then only half of segment 1's body and kill the worker.
    base = f"{start['urls']['files']}{info['id']}/segments/"
    client.call("PUT", f"{base}0/", data[:8 * MB], "application/octet-stream")
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
    conn.putrequest("PUT", f"{base}1/")
    for header, value in (("Cookie", f"csrftoken={CSRF}; sessionid={session}"),
                          ("X-CSRFToken", CSRF), ("Content-Type", "application/octet-stream"),
                          ("Content-Length", str(8 * MB))):
        conn.putheader(header, value)
    conn.endheaders()
    conn.send(data[8 * MB:12 * MB])
    time.sleep(0.5)
    before = set(server.worker_pids())
    for pid in before:  # one worker in this test: it is the one receiving the segment
        os.kill(pid, signal.SIGKILL)
    try:
        conn.send(data[12 * MB:16 * MB])
        response = conn.getresponse()
        killed_request = f"HTTP {response.status}"
    except OSError as exc:
        killed_request = f"connection error: {type(exc).__name__}"
    finally:
        conn.close()
    deadline = time.time() + 30
    while time.time() < deadline and not (set(server.worker_pids()) - before):
        time.sleep(0.2)
    mid = django_script(ctx["env"], "check", {"code": code})
    started = time.time()
    receipt = upload_bid(client, code, data, name="besar.pdf", retry=True)
    return {"killed_request": killed_request, "worker_respawned": bool(
        set(server.worker_pids()) - before), "state_after_kill": mid,
        "retry_seconds": round(time.time() - started, 2),
        "retry_submitted": bool(receipt.get("audit_seq"))}


def _restart_database(ctx: dict[str, Any], sessions: list[str], code: str) -> dict[str, Any]:
    server = ctx["server"]
    data = [document(16 * MB, 100 + i) for i in range(len(sessions))]
    outcomes: list[Any] = [None] * len(sessions)
    first_segment = threading.Event()

    def vendor(index: int) -> None:
        try:
            outcomes[index] = upload_bid(
                Client(server.port, sessions[index]), code, data[index], retry=True,
                on_segment=lambda _i: first_segment.set())
        except Exception as exc:
            outcomes[index] = exc

    threads = [threading.Thread(target=vendor, args=(i,)) for i in range(len(sessions))]
    FAILED_CALLS.clear()
    started = time.time()
    for thread in threads:
        thread.start()
    first_segment.wait(60)
    time.sleep(0.3)
    restart_seconds = ctx["pg"].restart(float(os.environ.get("BENCH_DB_DOWN_SECONDS", "3")))
    for thread in threads:
        thread.join()
    return {"vendors": len(sessions), "database_restart_seconds": restart_seconds,
            "restart_at": round(started, 1), "slow_calls": list(SLOW_CALLS),
            "failed_calls": len(FAILED_CALLS), "failed_examples": FAILED_CALLS[:5],
            "wall_seconds": round(time.time() - started, 2),
            "submitted": sum(1 for o in outcomes if isinstance(o, dict)),
            "failures": [repr(o)[:300] for o in outcomes if isinstance(o, Exception)]}


def main(output_dir: Path | None = None) -> dict[str, Any]:
    vendors = int(os.environ.get("BENCH_FAULT_VENDORS", "6"))
    result: dict[str, Any] = {"benchmark": "bids_faults", "cpu_count": os.cpu_count()}
    with environment("faults", workers=1, threads=8, vendors=vendors + 1) as ctx:
        code, sessions = ctx["seeded"]["code"], ctx["seeded"]["sessions"]
        result["worker_killed"] = _kill_mid_segment(ctx, sessions[0], code)
        result["database_restarted"] = _restart_database(ctx, sessions[1:], code)
        result["stored"] = django_script(ctx["env"], "check", {"code": code})
        result["opening"] = django_script(ctx["env"], "open", {"code": code})
    killed, restarted = result["worker_killed"], result["database_restarted"]
    after_kill = killed["state_after_kill"]
    result["passed"] = bool(
        after_kill["submitted"] == 0 and after_kill["problem_count"] == 0
        and after_kill["segments"] == 1 and killed["retry_submitted"]
        and restarted["submitted"] == vendors and not restarted["failures"]
        and not restarted["slow_calls"]
        and result["stored"]["submitted"] == vendors + 1
        and result["stored"]["problem_count"] == 0
        and result["opening"]["files_failed"] == 0)
    return result


if __name__ == "__main__":
    outcome = main()
    print(json.dumps(outcome, indent=2))
    out = Path(os.environ.get("BENCH_OUTPUT", Path(__file__).resolve().parent.parent / "var"
                              / "bench" / "bids_faults.json"))
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(outcome, indent=2))
