"""`python -m adapters.slack [options]`: the same as `rapport slack [options]`."""

from __future__ import annotations

import sys

from bot.__main__ import main as rapport


def main(argv: list[str] | None = None) -> int:
    return rapport(["slack", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    sys.exit(main())
