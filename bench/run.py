#!/usr/bin/env python
"""Run every benchmark in bench/ (modules with a `main(output_dir) -> dict` function).

Results are written as JSON under var/bench/<name>.json and summarised on stdout.
Usage: make bench [ARGS="tender_list"]
"""

from __future__ import annotations

import importlib.util
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "var" / "bench"


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    wanted = set(sys.argv[1:])
    status = 0
    for path in sorted((ROOT / "bench").glob("*.py")):
        if path.name == "run.py" or path.name.startswith("_"):
            continue
        if wanted and path.stem not in wanted:
            continue
        spec = importlib.util.spec_from_file_location(path.stem, path)
        assert spec is not None
        assert spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        if not hasattr(module, "main"):
            continue
        started = time.time()
        print(f"== {path.stem}", flush=True)
        result = module.main(OUT)
        result.setdefault("benchmark", path.stem)
        result.setdefault("wall_seconds", round(time.time() - started, 2))
        (OUT / f"{path.stem}.json").write_text(json.dumps(result, indent=2, default=str))
        print(json.dumps(result, indent=2, default=str))
        if result.get("passed") is False:
            status = 1
    return status


if __name__ == "__main__":
    sys.exit(main())
