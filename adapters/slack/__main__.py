"""`python -m adapters.slack [--http] [--port N] [--host H] [--db FILE] [--config FILE]`:
the Slack adapter on its own, until `rapport slack` is wired into bot/__main__.py."""

from __future__ import annotations

import argparse
import logging
import sys

from adapters.slack import cli
from bot.config import ConfigError, Settings, load


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m adapters.slack", description=__doc__)
    p.add_argument("--config", metavar="FILE", help="TOML settings (see config.example.toml)")
    p.add_argument(
        "--http", action="store_true", help="serve POST /slack/events (else Socket Mode)"
    )
    p.add_argument("--port", type=int, default=3000, help="HTTP port (0 picks a free one)")
    p.add_argument("--host", default="0.0.0.0", help="HTTP address to listen on")
    p.add_argument("--db", metavar="FILE", help="SQLite file (default: the config's)")
    p.add_argument("-v", "--verbose", action="store_true", help="log what the bot does")
    args = p.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    try:
        settings = load(args.config) if args.config else Settings()
    except ConfigError as e:
        print(f"rapport: {e}", file=sys.stderr)
        return 2
    return cli.main(
        settings,
        http=args.http,
        port=args.port,
        database=args.db or settings.database,
        host=args.host,
    )


if __name__ == "__main__":
    sys.exit(main())
