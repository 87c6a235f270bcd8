"""Write problems/proven.json: the shipped problems proven valid by this code.

    python scripts/prove_bank.py          # after changing chainrule_cli/*.py or the bank
    python scripts/prove_bank.py --check  # exit 1 if the file is not current

A student's first quiz then shows its first problem without loading SymPy to
check it (``valcache.shipped_proofs``). Each problem is checked afresh here,
never taken from a cache. The file names the code that proved it
(``valcache.content_stamp``): after any edit of the package's top-level
modules it is ignored until this script is run again (a test says so).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from chainrule_cli.bank import valcache  # noqa: E402
from chainrule_cli.bank.check import check_problem  # noqa: E402
from chainrule_cli.bank.load import load, shipped_bank  # noqa: E402


def proven_keys() -> list[str]:
    """The keys of the shipped problems that pass their check now."""
    bank = load([shipped_bank()])
    return [valcache.key(p) for p in bank.problems if not check_problem(p, cached=False)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only say whether it is current")
    args = parser.parse_args()
    target = shipped_bank() / valcache.SHIPPED_FILE
    keys = proven_keys()
    text = valcache.manifest(keys)
    current = target.read_text("utf-8") if target.exists() else ""
    if args.check:
        if current != text:
            print(f"{target} is not current: run python scripts/prove_bank.py", file=sys.stderr)
            return 1
        return 0
    target.write_text(text, "utf-8")
    print(f"wrote {target}: {len(set(keys))} problems proven")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
