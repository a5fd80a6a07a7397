#!/usr/bin/env python
"""Benchmark: backup and restore time of `lpse.backups` against the plain baseline.

Baseline (same machine, same run, same data): the database's own dump tool compressed with
zstd (`pg_dump | zstd -3`, or for SQLite `sqlite3 .backup` then zstd) plus `tar -c` of the
stored files; restore = `zstd -d | psql` (or zstd -d into the file) plus `tar -x`.
LPSE: `backup` (consistent snapshot, SHA-256 manifest of every file, age encryption, fsync
and read-back verification of the written copy) and `restore` into an empty scratch
database and directory (streamed, hash-checked, then the audit chain is verified).

Runs against the database configured by DATABASE_URL (e.g. the volume data set with
100,000 tenders) and its storage; `--files-mb` adds synthetic stored files (random bytes,
like PDFs and sealed bids) for the run and removes them afterwards.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/lpse_volume \\
        .venv/bin/python bench/backup.py --files-mb 2048 --output var/bench/backup.json

Results are printed and written as JSON. The target is at most 1.3× the baseline.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DEBUG", "true")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.files.storage import FileSystemStorage, default_storage  # noqa: E402
from django.db import connections  # noqa: E402

from lpse.backups import database, keys, restore, services  # noqa: E402
from lpse.backups.keys import generate_keypair  # noqa: E402
from lpse.core.files import store_bytes  # noqa: E402
from lpse.core.models import StoredFile  # noqa: E402

PURPOSE = "bench.backup"


def sh(command: str, env: dict[str, str] | None = None) -> None:
    subprocess.run(["bash", "-o", "pipefail", "-c", command], check=True, env=env)


def timed(fn: Any) -> tuple[float, Any]:
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def generate_files(total_mb: int, seed: int = 7) -> list[StoredFile]:
    rng = random.Random(seed)
    made: list[StoredFile] = []
    remaining = total_mb * 1024 * 1024
    block = os.urandom(4 * 1024 * 1024)
    while remaining > 0:
        size = min(remaining, rng.randint(100 * 1024, 4 * 1024 * 1024))
        start = rng.randint(0, len(block) - size) if size < len(block) else 0
        data = (block[start:start + size] + os.urandom(64))[:size]
        made.append(store_bytes(data=data, original_name=f"bench-{len(made)}.pdf",
                                purpose=PURPOSE, content_type="application/pdf"))
        remaining -= size
    return made


def pg_env(params: dict[str, str]) -> dict[str, str]:
    return database._pg_env(params)


def baseline_backup(out: Path, engine: str, media: Path) -> dict[str, Any]:
    out.mkdir(parents=True, exist_ok=True)
    settings_dict = connections["default"].settings_dict
    db_file = out / ("db.sql.zst" if engine == "postgresql" else "db.sqlite3.zst")

    def run() -> None:
        if engine == "postgresql":
            env = pg_env(database.pg_params(settings_dict))
            sh(f"pg_dump --format=plain --no-owner --no-privileges | zstd -q -3 -o {db_file}",
               env=env)
        else:
            tmp = out / "db.sqlite3"
            sh(f"sqlite3 {settings_dict['NAME']} \".backup '{tmp}'\" && "
               f"zstd -q -3 --rm -o {db_file} {tmp}")
        sh(f"tar -cf {out / 'files.tar'} -C {media} .")
        sh(f"sync -f {out}")

    seconds, _ = timed(run)
    size = sum(p.stat().st_size for p in out.iterdir())
    return {"seconds": round(seconds, 3), "bytes": size}


def baseline_restore(out: Path, engine: str, scratch: Path) -> dict[str, Any]:
    files_dir = scratch / "baseline-files"
    files_dir.mkdir(parents=True)
    if engine == "postgresql":
        name = f"{connections['default'].settings_dict['NAME']}_bench_base"[:63]
        params = database.pg_create_database("default", name)

        def run() -> None:
            sh(f"zstd -q -dc {out / 'db.sql.zst'} | psql -X -q -v ON_ERROR_STOP=1 "
               "--single-transaction >/dev/null", env=pg_env(params))
            sh(f"tar -xf {out / 'files.tar'} -C {files_dir}")
            sh(f"sync -f {files_dir}")

        try:
            seconds, _ = timed(run)
        finally:
            database.pg_drop_database(params)
    else:
        def run() -> None:
            sh(f"zstd -q -d -o {scratch / 'baseline.sqlite3'} {out / 'db.sqlite3.zst'}")
            sh(f"tar -xf {out / 'files.tar'} -C {files_dir}")
            sh(f"sync -f {files_dir}")

        seconds, _ = timed(run)
    shutil.rmtree(files_dir)
    return {"seconds": round(seconds, 3)}


def lpse_backup(out: Path) -> tuple[dict[str, Any], Path]:
    seconds, run = timed(lambda: services.backup_run(actor=None, output_dir=out, remote=False,
                                                     retention=False))
    if run.status != "verified":
        raise SystemExit(f"LPSE backup failed: {run.error}")
    path = out / run.archive_name
    return {"seconds": round(seconds, 3), "bytes": path.stat().st_size,
            "files": run.file_count, "rows": run.row_count, "tables": run.table_count}, path


def lpse_restore(archive: Path, identities: list[Any], engine: str,
                 scratch: Path) -> dict[str, Any]:
    files_dir = scratch / "lpse-files"
    files_dir.mkdir(parents=True)
    storage = FileSystemStorage(location=str(files_dir))
    base = dict(connections["default"].settings_dict)
    pg: dict[str, str] | None = None
    if engine == "postgresql":
        name = f"{base['NAME']}_bench_lpse"[:63]
        pg = database.pg_create_database("default", name)
        target = {**base, "NAME": name, "TEST": {}}
    else:
        target = {**base, "NAME": str(scratch / "lpse.sqlite3"), "TEST": {}}
    try:
        with restore._alias("bench_restore", target) as alias:
            def run() -> restore.RestoreResult:
                with archive.open("rb", buffering=1024 * 1024) as source:
                    result = restore.restore_into_live(source=source, identities=identities,
                                                       replace=False, alias=alias,
                                                       storage=storage)
                os.sync()
                return result

            seconds, result = timed(run)
            if not result.ok:
                raise SystemExit(f"LPSE restore failed: {result.report.problems()}")
            restored_stats = database.table_stats(alias)
    finally:
        if pg is not None:
            database.pg_drop_database(pg)
    shutil.rmtree(files_dir)
    return {"seconds": round(seconds, 3), "audit_events_verified": result.chain.checked
            if result.chain else 0, "tables_restored": len(restored_stats)}


def cli() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--files-mb", type=int, default=256,
                        help="synthetic stored files to add for the run (0: only existing)")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--work-dir", type=Path, default=Path(settings.VAR_DIR) / "bench" /
                        "backup-work")
    parser.add_argument("--output", type=Path, default=Path(settings.VAR_DIR) / "bench" /
                        "backup.json")
    parser.add_argument("--keep-files", action="store_true")
    args = parser.parse_args()
    summary = run(args)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(summary, indent=2))
    print(json.dumps(summary, indent=2))
    return 0


def main(output_dir: Path) -> dict[str, Any]:
    """Entry point for bench/run.py (`make bench ARGS=backup`); size from BENCH_BACKUP_MB."""
    args = argparse.Namespace(
        files_mb=int(os.environ.get("BENCH_BACKUP_MB", "256")), repeat=1,
        work_dir=Path(output_dir) / "backup-work", output=None, keep_files=False)
    return run(args)


def run(args: argparse.Namespace) -> dict[str, Any]:
    engine = database.engine_of()
    pair = generate_keypair()
    settings.BACKUP_RECIPIENTS = [pair.recipient]
    settings.BACKUP_WORK_DIR = args.work_dir / "tmp"
    identities = keys.parse_identities(pair.identity)
    media = Path(settings.MEDIA_ROOT)
    if not isinstance(default_storage, FileSystemStorage) and \
            not getattr(default_storage, "location", None):
        raise SystemExit("The baseline tars a local directory: run with filesystem storage.")
    made = generate_files(args.files_mb) if args.files_mb else []
    results: dict[str, list[dict[str, Any]]] = {"baseline_backup": [], "baseline_restore": [],
                                                "lpse_backup": [], "lpse_restore": []}
    try:
        for _ in range(args.repeat):
            shutil.rmtree(args.work_dir, ignore_errors=True)
            args.work_dir.mkdir(parents=True)
            scratch = Path(tempfile.mkdtemp(dir=args.work_dir, prefix="scratch-"))
            results["baseline_backup"].append(baseline_backup(args.work_dir / "baseline",
                                                              engine, media))
            results["baseline_restore"].append(baseline_restore(args.work_dir / "baseline",
                                                                engine, scratch))
            shutil.rmtree(args.work_dir / "baseline")
            backup, archive = lpse_backup(args.work_dir / "lpse")
            results["lpse_backup"].append(backup)
            results["lpse_restore"].append(lpse_restore(archive, identities, engine, scratch))
            shutil.rmtree(args.work_dir / "lpse")
    finally:
        if made and not args.keep_files:
            for stored in made:
                default_storage.delete(stored.storage_name)
            StoredFile.objects.filter(purpose=PURPOSE).delete()
        shutil.rmtree(args.work_dir, ignore_errors=True)

    def median(kind: str) -> float:
        return statistics.median(r["seconds"] for r in results[kind])

    file_bytes = results["lpse_backup"][0]["bytes"]
    summary = {
        "benchmark": "backups",
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                    "platform": platform.platform(), "engine": engine},
        "dataset": {
            "synthetic_files_mb": args.files_mb,
            "files": results["lpse_backup"][0]["files"],
            "rows": results["lpse_backup"][0]["rows"],
            "tables": results["lpse_backup"][0]["tables"],
            "lpse_archive_bytes": file_bytes,
            "baseline_bytes": results["baseline_backup"][0]["bytes"],
        },
        "runs": results,
        "seconds": {k: round(median(k), 3) for k in results},
        "ratio": {
            "backup": round(median("lpse_backup") / median("baseline_backup"), 3),
            "restore": round(median("lpse_restore") / median("baseline_restore"), 3),
        },
        "target_ratio": 1.3,
    }
    summary["meets_target"] = all(v <= 1.3 for v in summary["ratio"].values())
    summary["passed"] = summary["meets_target"]
    return summary


if __name__ == "__main__":
    sys.exit(cli())
