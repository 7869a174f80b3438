"""`rapport` (or `python -m bot`): run the bot on an adapter.

rapport [--config FILE] console [--db FILE] [--script FILE] [--now "YYYY-MM-DD HH:MM"] [--tz Area/City]
rapport console --config FILE …   (--config may also follow the adapter)
rapport --version
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import logging
import sys
from datetime import datetime
from importlib import metadata

from bot.config import ConfigError, Settings, load
from bot.schedule import is_timezone


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="rapport", description="A referral bot for business networking groups."
    )
    p.add_argument("--config", metavar="FILE", help="TOML settings (see config.example.toml)")
    p.add_argument("-v", "--verbose", action="store_true", help="log what the bot does")
    p.add_argument("--version", action="version", version=f"rapport {_version()}")
    # the adapters take --config too, so `rapport console --config x` works as people type it;
    # SUPPRESS keeps an adapter's missing --config from hiding the one given before it
    shared = argparse.ArgumentParser(add_help=False)
    shared.add_argument("--config", metavar="FILE", default=argparse.SUPPRESS, help="TOML settings")
    sub = p.add_subparsers(dest="adapter", required=True, metavar="ADAPTER")
    add = functools.partial(sub.add_parser, parents=[shared])
    c = add("console", help="run in this terminal, or play a script (no tokens)")
    c.add_argument("--db", metavar="FILE", help="SQLite file (default: the config's)")
    c.add_argument("--script", metavar="FILE", help="play these lines instead of reading stdin")
    c.add_argument("--now", metavar="'YYYY-MM-DD HH:MM'", help="start the clock here (local)")
    c.add_argument("--tz", metavar="Area/City", help="the group's time zone")
    s = add("slack", help="run in a Slack workspace (Socket Mode, or --http)")
    s.add_argument(
        "--http",
        action="store_true",
        help="serve POST /slack/events instead of Socket Mode (needs SLACK_SIGNING_SECRET)",
    )
    s.add_argument("--port", type=int, default=3000, help="HTTP port (default 3000)")
    s.add_argument("--host", default="0.0.0.0", help="HTTP address to listen on")
    s.add_argument("--db", metavar="FILE", help="SQLite file (default: the config's)")
    d = add("discord", help="run in a Discord server")
    d.add_argument("--db", metavar="FILE", help="SQLite file (default: the config's)")
    i = add("discord-invite", help="print the link that adds the bot to a server")
    i.add_argument("--client-id", metavar="ID", help="the application id (or DISCORD_CLIENT_ID)")
    return p


DISTRIBUTION = "rapport-bot"  # the name on PyPI; the command is `rapport`


def _version() -> str:
    try:
        return metadata.version(DISTRIBUTION)
    except metadata.PackageNotFoundError:  # run from a checkout that was never installed
        return "(not installed)"


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
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
    if args.adapter == "console":
        return _console(args, settings)
    if args.adapter == "discord":
        from adapters.discord.cli import main as discord_main

        return discord_main(settings, database=args.db or settings.database)
    if args.adapter == "discord-invite":
        from adapters.discord.cli import invite

        return invite(settings, client_id=args.client_id)
    if args.adapter == "slack":
        from adapters.slack.cli import main as slack_main

        return slack_main(
            settings,
            http=args.http,
            port=args.port,
            host=args.host,
            database=args.db or settings.database,
        )
    return 2  # argparse refuses unknown adapters before this


def _console(args: argparse.Namespace, settings: Settings) -> int:
    from adapters.console.runner import main as console_main

    if args.tz and not is_timezone(args.tz):
        print(
            f"rapport: --tz: {args.tz!r} is not an Area/City time zone like Europe/London",
            file=sys.stderr,
        )
        return 2
    if args.now:
        try:
            datetime.strptime(args.now, "%Y-%m-%d %H:%M")
        except ValueError:
            print(
                f'rapport: --now: {args.now!r} is not a time like "2026-12-02 07:00"',
                file=sys.stderr,
            )
            return 2
    if args.script:
        try:
            open(args.script, encoding="utf-8").close()
        except OSError as e:
            print(f"rapport: --script: cannot read {args.script}: {e.strerror}", file=sys.stderr)
            return 2
    return asyncio.run(
        console_main(
            settings, db=args.db or settings.database, script=args.script, now=args.now, tz=args.tz
        )
    )


if __name__ == "__main__":
    sys.exit(main())
