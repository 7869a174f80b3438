"""`rapport` (or `python -m bot`): run the bot on an adapter, or look after its database.

rapport [--config FILE] console [--db FILE] [--script FILE] [--now "YYYY-MM-DD HH:MM"] [--tz Area/City]
rapport slack [--http [--port N] [--host H]] [--health-port N] [--db FILE]
rapport discord [--shards N [--shard-ids a,b…]] [--health-port N] [--db FILE]
rapport migrate [--db FILE]        rapport backup FILE [--db FILE]
rapport copy-db SRC DST            (a SQLite file or a postgresql:// URL each)
rapport console --config FILE …   (--config, -v and --log-format may also follow the command)
rapport --version
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import os
import sys
from collections.abc import Mapping
from datetime import datetime
from importlib import metadata

from bot.config import ConfigError, Settings, database_target, load
from bot.schedule import is_timezone

LOG_FORMATS = ("text", "json")


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="rapport", description="A referral bot for business networking groups."
    )
    p.add_argument("--config", metavar="FILE", help="TOML settings (see config.example.toml)")
    p.add_argument("-v", "--verbose", action="store_true", help="log what the bot does")
    p.add_argument(
        "--log-format",
        choices=LOG_FORMATS,
        default="text",
        help="text lines (default), or one JSON object a line for a log collector",
    )
    p.add_argument("--version", action="version", version=f"rapport {_version()}")
    # the commands take --config, -v and --log-format too, so `rapport console --config x`
    # works as people type it; SUPPRESS keeps a command's missing option from hiding the one
    # given before it
    shared = argparse.ArgumentParser(add_help=False)
    shared.add_argument("--config", metavar="FILE", default=argparse.SUPPRESS, help="TOML settings")
    shared.add_argument(
        "-v", "--verbose", action="store_true", default=argparse.SUPPRESS, help="log more"
    )
    shared.add_argument(
        "--log-format", choices=LOG_FORMATS, default=argparse.SUPPRESS, help="text or json"
    )
    sub = p.add_subparsers(dest="adapter", required=True, metavar="COMMAND")
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
    s.add_argument(
        "--port",
        type=int,
        default=3000,
        help="HTTP port (default 3000); /healthz, /readyz and /metrics are served there too",
    )
    s.add_argument("--host", default="0.0.0.0", help="HTTP address to listen on")
    _health_options(s, "in Socket Mode")
    s.add_argument("--db", metavar="FILE", help=DB_HELP)
    d = add("discord", help="run in a Discord server")
    d.add_argument(
        "--shards",
        metavar="N",
        help="run the bot on N gateway shards (Discord asks for it past 2,500 servers)",
    )
    d.add_argument(
        "--shard-ids",
        metavar="a,b…",
        help="with --shards: the shards this process runs, from 0 to N-1 (default: all)",
    )
    _health_options(d, "")
    d.add_argument("--db", metavar="FILE", help=DB_HELP)
    i = add("discord-invite", help="print the link that adds the bot to a server")
    i.add_argument("--client-id", metavar="ID", help="the application id (or DISCORD_CLIENT_ID)")
    m = add("migrate", help="bring the database's schema up to this version's, then stop")
    m.add_argument("--db", metavar="FILE", help=DB_HELP)
    cp = add(
        "copy-db",
        help="copy a database into a new, empty one: SQLite to PostgreSQL or back (bot stopped)",
    )
    cp.add_argument("source", metavar="SRC", help="SQLite file or postgresql:// URL to copy")
    cp.add_argument(
        "target", metavar="DST", help="an empty (or new) SQLite file or PostgreSQL database"
    )
    b = add("backup", help="copy the SQLite database, consistently, while the bot runs")
    b.add_argument("file", metavar="FILE", help="the copy to write (never an existing file)")
    b.add_argument("--db", metavar="FILE", help=DB_HELP)
    return p


DB_HELP = (
    "SQLite file or postgresql:// URL (default: RAPPORT_DATABASE, else the config's database.path)"
)


def _health_options(command: argparse.ArgumentParser, where: str) -> None:
    command.add_argument(
        "--health-port",
        type=int,
        metavar="PORT",
        help=f"serve /healthz, /readyz and /metrics on this port{' ' + where if where else ''}",
    )
    command.add_argument(
        "--health-host",
        default="127.0.0.1",
        metavar="ADDRESS",
        help="address for --health-port (default 127.0.0.1; 0.0.0.0 in a container)",
    )


DISTRIBUTION = "rapport-bot"  # the name on PyPI; the command is `rapport`


def _version() -> str:
    try:
        return metadata.version(DISTRIBUTION)
    except metadata.PackageNotFoundError:  # run from a checkout that was never installed
        return "(not installed)"


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    os.umask(0o077)  # whatever this process writes is its owner's alone (files set it too)
    from adapters.logs import configure

    configure(verbose=args.verbose, fmt=args.log_format, stream=sys.stderr)
    try:
        settings = load(args.config) if args.config else Settings()
        database = database_target(settings, os.environ, getattr(args, "db", None))
    except ConfigError as e:
        print(f"rapport: {e}", file=sys.stderr)
        return 2
    # the secrets' values are known now: the log replaces them wherever they turn up
    configure(
        verbose=args.verbose,
        fmt=args.log_format,
        stream=sys.stderr,
        secrets=_secrets(
            settings, os.environ, database, getattr(args, "source", ""), getattr(args, "target", "")
        ),
    )
    from bot.ports import DatabaseRefused

    try:
        return _run(args, settings, database)
    except DatabaseRefused as e:  # checked at start: one line, what is wrong and what to do
        print(f"rapport: {e}", file=sys.stderr)
        return 1


def _run(args: argparse.Namespace, settings: Settings, database: str) -> int:
    if args.adapter == "console":
        return _console(args, settings, database)
    if args.adapter == "migrate":
        return _migrate(settings, database)
    if args.adapter == "backup":
        return _backup(database, args.file)
    if args.adapter == "copy-db":
        return _copy(args.source, args.target)
    if args.adapter == "discord":
        from adapters.discord.cli import main as discord_main

        code: int = discord_main(
            settings,
            database=database,
            health=(args.health_host, args.health_port),
            shards=(args.shards, args.shard_ids),
        )
        return code
    if args.adapter == "discord-invite":
        from adapters.discord.cli import invite

        code = invite(settings, client_id=args.client_id)
        return code
    if args.adapter == "slack":
        from adapters.slack.cli import main as slack_main

        if args.http and args.health_port is not None:
            print(
                "rapport: --health-port is for Socket Mode: with --http, /healthz, /readyz and"
                f" /metrics are served on --port ({args.port}) beside /slack/events",
                file=sys.stderr,
            )
            return 2
        code = slack_main(
            settings,
            http=args.http,
            port=args.port,
            host=args.host,
            database=database,
            health=(args.health_host, args.health_port),
        )
        return code
    return 2  # argparse refuses unknown adapters before this


def _secrets(settings: Settings, environ: Mapping[str, str], *databases: str) -> list[str]:
    """The values of the variables that hold secrets (and the database URL, which may carry
    a password): never to be written to a log."""
    names = [
        settings.slack.bot_token_env,
        settings.slack.app_token_env,
        settings.slack.signing_secret_env,
        settings.slack.client_secret_env,
        settings.discord.token_env,
    ]
    found = [environ[n].strip() for n in names if environ.get(n, "").strip()]
    urls = {environ.get(settings.database_env, "").strip(), *(d.strip() for d in databases)}
    return found + sorted(u for u in urls if "://" in u)


def _migrate(settings: Settings, database: str) -> int:
    from bot.app import migrate
    from bot.ports import DatabaseRefused
    from storage.databases import label

    try:
        version = asyncio.run(migrate(settings, database))
    except DatabaseRefused as e:
        print(f"rapport: migrate: {e}", file=sys.stderr)
        return 1
    except Exception as e:  # a disk that is full, a server that went away
        print(f"rapport: migrate: cannot migrate {label(database)}: {e}", file=sys.stderr)
        return 1
    print(f"rapport: {label(database)} is at schema version {version}")
    return 0


def _copy(source: str, target: str) -> int:
    from storage.copy import CopyFailed, copy_database
    from storage.databases import label

    try:
        counts = asyncio.run(copy_database(source, target))
    except CopyFailed as e:
        print(f"rapport: copy-db: {e}", file=sys.stderr)
        return 1
    print(f"rapport: copied {label(source)} to {label(target)}; rows per table, the same in both:")
    for table, n in counts.items():
        print(f"  {table:<24} {n:>9}")
    return 0


def _backup(database: str, target: str) -> int:
    from storage.backup import BackupError, backup
    from storage.databases import is_postgres, label

    if is_postgres(database):
        print(
            f"rapport: backup: {label(database)} is PostgreSQL: back it up with pg_dump"
            " (see the README's Backups)",
            file=sys.stderr,
        )
        return 2

    try:
        pages = backup(database, target)
    except BackupError as e:
        print(f"rapport: backup: {e}", file=sys.stderr)
        return 1
    print(f"rapport: {database} copied to {target} ({pages} pages)")
    return 0


def _console(args: argparse.Namespace, settings: Settings, database: str) -> int:
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
    code: int = asyncio.run(
        console_main(settings, db=database, script=args.script, now=args.now, tz=args.tz)
    )
    return code


if __name__ == "__main__":
    sys.exit(main())
