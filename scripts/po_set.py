"""Set Indonesian translations in a .po file: po_set.py FILE "msgid=>msgstr" ...

Also clears the fuzzy flag of every entry it sets (and of entries given as "msgid=>" with
an empty msgstr, which keep their current translation). A maintainer's helper for aligning
translations between apps (translations are global in Django)."""

from __future__ import annotations

import re
import sys
from pathlib import Path


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def main(path: str, pairs: list[str]) -> int:
    text = Path(path).read_text(encoding="utf-8")
    blocks = text.split("\n\n")
    wanted = dict(pair.split("=>", 1) for pair in pairs)
    done = set()
    for i, block in enumerate(blocks):
        lines = block.split("\n")
        ctx_flag = any(line.startswith("msgctxt") for line in lines)
        match = re.search(r'^msgid (".*")$', block, re.M)
        if not match or ctx_flag:
            continue
        msgid = match.group(1)[1:-1].replace('\\"', '"').replace("\\\\", "\\")
        if msgid not in wanted or "\nmsgid_plural" in block:
            continue
        new = wanted[msgid]
        kept = [ln for ln in lines if ln != "#, fuzzy" and not ln.startswith("#|")]
        start = next(n for n, ln in enumerate(kept) if ln.startswith("msgstr"))
        if new:
            kept = [*kept[:start], f"msgstr {_quote(new)}"]
        blocks[i] = "\n".join(kept)
        done.add(msgid)
    Path(path).write_text("\n\n".join(blocks), encoding="utf-8")
    missing = set(wanted) - done
    for msgid in sorted(missing):
        print(f"not found: {msgid!r}", file=sys.stderr)
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2:]))
