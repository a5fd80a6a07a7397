#!/usr/bin/env python
"""Run the whole test suite: `make test` (extra pytest arguments: `make test ARGS="-k audit"`).

Database: TEST_DATABASE_URL when set; otherwise PostgreSQL on 127.0.0.1:5432 when it is
reachable; otherwise SQLite — and it says which. Browser tests run when Chromium is
present; with REQUIRE_BROWSER=1 (as in CI) a skipped browser test fails the run.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from pathlib import Path

DEFAULT_PG = "postgres://postgres@127.0.0.1:5432/lpse"
ROOT = Path(__file__).resolve().parent.parent


def postgres_reachable(url: str) -> bool:
    try:
        import psycopg
    except ImportError:
        return False
    try:
        with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", connect_timeout=2):
            return True
    except Exception:  # noqa: BLE001 - any failure means "not reachable"
        return False


def main() -> int:
    env = dict(os.environ)
    env["LPSE_TESTING"] = "true"
    env.setdefault("LPSE_TEST_RUN_ID", str(os.getpid()))
    env.setdefault("DEBUG", "false")
    url = env.get("TEST_DATABASE_URL", "")
    if not url:
        url = DEFAULT_PG if postgres_reachable(DEFAULT_PG) else "sqlite://"
        if url.startswith("sqlite"):
            print("PostgreSQL is not reachable on 127.0.0.1:5432: running the suite on SQLite.")
    env["TEST_DATABASE_URL"] = url
    engine = "SQLite (in memory)" if url.startswith("sqlite") else f"PostgreSQL ({url})"
    print(f"Test database: {engine}", flush=True)
    workers = env.get("TEST_WORKERS", "auto")
    args = [sys.executable, "-m", "pytest", "-n", workers, "--dist", "loadfile",
            *shlex.split(env.get("PYTEST_ARGS", "")), *sys.argv[1:]]
    return subprocess.call(args, env=env, cwd=ROOT)


if __name__ == "__main__":
    sys.exit(main())
