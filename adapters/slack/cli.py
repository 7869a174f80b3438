"""`rapport slack [--http --port 3000]`: check the Slack variables, then serve until stopped.

Socket Mode (the default) needs SLACK_BOT_TOKEN and SLACK_APP_TOKEN and no public URL; HTTP
mode needs SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET and serves POST /slack/events. HTTP mode
without SLACK_BOT_TOKEN but with SLACK_CLIENT_ID and SLACK_CLIENT_SECRET serves every
workspace that installs the app, at /slack/install and /slack/oauth_redirect. The
variables' names come from the config's [slack] section. A missing or malformed one stops
the bot with one line naming it and where to find it; a secret's value is never printed.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlsplit

from aiohttp import ClientError, web
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_sdk.errors import SlackApiError

from adapters.health import Health, HealthError, serve_health
from adapters.metrics import PrometheusMetrics
from adapters.scheduler import Scheduler
from adapters.slack import calendar_feed
from adapters.slack.app import SlackBot, assemble
from adapters.slack.oauth import INSTALL_PATH, OAuth
from adapters.slack.verify import unreadable_is_400
from bot.config import Settings, SlackSettings
from bot.ports import Clock

log = logging.getLogger(__name__)

APPS = "api.slack.com/apps → your app"
EVENTS_PATH = "/slack/events"


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class StartupError(Exception):
    """One line a person can act on; `code` is the exit status."""

    def __init__(self, line: str, code: int = 1) -> None:
        super().__init__(line)
        self.code = code


@dataclass(frozen=True)
class SlackEnv:
    bot_token: str
    app_token: str
    signing_secret: str
    api_url: str | None
    names: SlackSettings  # the variables' names, for messages
    oauth: OAuth | None = None  # many workspaces: no bot token, installs through OAuth


def read_env(names: SlackSettings, *, http: bool, environ: Mapping[str, str]) -> SlackEnv:
    """The secrets this mode needs, checked for shape. Raises StartupError naming the variable."""
    many = not environ.get(names.bot_token_env, "").strip() and bool(
        environ.get(names.client_id_env, "").strip()
    )
    if http and many:
        return _many_workspaces(names, environ)
    bot = _token(
        environ,
        names.bot_token_env,
        "xoxb-",
        "the Bot User OAuth Token",
        f"{APPS} → OAuth & Permissions (install the app first)",
    )
    app_token = secret = ""
    if http:
        secret = environ.get(names.signing_secret_env, "").strip()
        if not secret:
            raise StartupError(
                f"{names.signing_secret_env} is not set: copy the Signing Secret from {APPS}"
                " → Basic Information → App Credentials.",
                2,
            )
    else:
        app_token = _token(
            environ,
            names.app_token_env,
            "xapp-",
            "an app-level token with the connections:write scope",
            f"{APPS} → Basic Information → App-Level Tokens",
        )
    return SlackEnv(bot, app_token, secret, read_env_url(names, environ), names)


def _many_workspaces(names: SlackSettings, environ: Mapping[str, str]) -> SlackEnv:
    """HTTP mode for every workspace that installs the app: the app's OAuth credentials and
    its signing secret (and no bot token: each workspace's comes with its installation)."""
    values: dict[str, str] = {}
    for name in (names.client_id_env, names.client_secret_env, names.signing_secret_env):
        values[name] = environ.get(name, "").strip()
        if not values[name]:
            raise StartupError(
                f"{name} is not set: serving many workspaces needs {names.client_id_env},"
                f" {names.client_secret_env} and {names.signing_secret_env}, all from {APPS}"
                " → Basic Information → App Credentials.",
                2,
            )
    redirect = environ.get(names.redirect_uri_env, "").strip() or None
    if redirect is not None and not _redirect_ok(redirect):
        raise StartupError(
            f"{names.redirect_uri_env} must be the https:// URL of /slack/oauth_redirect, like"
            " https://your.host/slack/oauth_redirect, as set in the app's OAuth & Permissions"
            " (Slack takes http:// only for localhost).",
            2,
        )
    oauth = OAuth(values[names.client_id_env], values[names.client_secret_env], redirect)
    url = read_env_url(names, environ)
    return SlackEnv("", "", values[names.signing_secret_env], url, names, oauth)


def _redirect_ok(url: str) -> bool:
    """Slack redirects installers only to https://, or to http:// on this machine."""
    where = urlsplit(url)
    if not where.hostname:
        return False
    local = where.hostname in ("localhost", "127.0.0.1", "::1")
    return where.scheme == "https" or (where.scheme == "http" and local)


def read_env_url(names: SlackSettings, environ: Mapping[str, str]) -> str | None:
    url = environ.get(names.api_url_env, "").strip() or None
    if url is not None and not url.startswith(("http://", "https://")):
        raise StartupError(
            f"{names.api_url_env} must be an http:// or https:// URL like https://slack.com/api/"
            " (leave it unset to use Slack).",
            2,
        )
    return url


def _token(environ: Mapping[str, str], name: str, prefix: str, what: str, where: str) -> str:
    value = environ.get(name, "").strip()
    if not value:
        raise StartupError(f"{name} is not set: use {what} ({prefix}…) from {where}.", 2)
    if not value.startswith(prefix) or any(c.isspace() for c in value):
        raise StartupError(
            f"{name} does not look right: it must be {what}, which starts with {prefix},"
            f" from {where}.",
            2,
        )
    return value


async def serve(
    settings: Settings,
    env: SlackEnv,
    *,
    http: bool,
    port: int,
    host: str,
    database: str,
    clock: Clock,
    ready: Callable[[str], None],
    stop: asyncio.Event,
    health: tuple[str, int | None] = ("127.0.0.1", None),
) -> None:
    """Run the Slack bot and its scheduler in this process until `stop` is set. HTTP mode
    serves /healthz, /readyz and /metrics beside /slack/events; Socket Mode serves them on
    `health` (address, port) when a port is given."""
    metrics = PrometheusMetrics(platforms=("slack",))
    bot = await assemble(
        settings,
        token=env.bot_token or None,
        signing_secret=env.signing_secret,
        clock=clock,
        database=database,
        api_url=env.api_url,
        metrics=metrics,
        oauth=env.oauth,
    )
    scheduler = Scheduler(bot.core, clock)
    runners: list[web.AppRunner] = []
    socket: AsyncSocketModeHandler | None = None
    try:
        if env.oauth is None:
            await _check_bot_token(bot, env)
        if http:
            # the bot token was checked above; over HTTP, Slack calls in: nothing to stay up
            checks = Health(bot.app.repo, clock, metrics, "Slack", lambda: True)
            runner, bound = await start_http(bot, host, port, checks)
            runners.append(runner)
            where = f"HTTP on http://{host}:{bound}{EVENTS_PATH}"
            if env.oauth is not None:
                where += f"; many workspaces: install at {INSTALL_PATH}"
        else:
            socket = await start_socket(bot, env)
            where = "Socket Mode"
            if health[1] is not None:
                checks = Health(bot.app.repo, clock, metrics, "Slack", socket.client.is_connected)
                try:
                    runner, bound = await serve_health(checks, *health)
                except HealthError as e:
                    raise StartupError(str(e)) from e
                runners.append(runner)
                where += f"; health on http://{health[0]}:{bound}/healthz"
        scheduler.start()
        ready(f"rapport: Slack adapter running ({where}); Ctrl-C stops it")
        await stop.wait()
    finally:
        scheduler.shutdown()
        if socket is not None:
            await socket.close_async()
        for runner in runners:
            await runner.cleanup()
        await bot.close()


async def _check_bot_token(bot: SlackBot, env: SlackEnv) -> None:
    try:
        bot.identity.learned(await bot.client.auth_test())  # bolt asks it no more
    except SlackApiError as e:
        raise StartupError(
            f"{env.names.bot_token_env} was refused by Slack ({e.response.get('error')}): copy"
            f" the Bot User OAuth Token (xoxb-…) again from {APPS} → OAuth & Permissions.",
            2,
        ) from e
    except (ClientError, TimeoutError) as e:
        raise StartupError(f"cannot reach Slack at {bot.client.base_url}: {e}") from e


async def start_http(
    bot: SlackBot, host: str, port: int, health: Health | None = None
) -> tuple[web.AppRunner, int]:
    """slack-bolt's aiohttp app (POST /slack/events, and the health endpoints when given) on
    this process's event loop. Returns the runner and the port actually bound (port 0 picks
    a free one)."""
    app = bot.bolt.web_app(path=EVENTS_PATH, port=port)
    app.middlewares.append(unreadable_is_400)
    if health is not None:
        health.add_routes(app)
    calendar_feed.add_routes(app, bot.core)  # groups' private calendar feeds
    runner = web.AppRunner(app, access_log_class=calendar_feed.HiddenTokenAccessLogger)
    await runner.setup()
    site = web.TCPSite(runner, host, port)
    try:
        await site.start()
    except OSError as e:
        await runner.cleanup()
        raise StartupError(f"cannot listen on {host}:{port}: {e.strerror}") from e
    bound = port
    for address in runner.addresses:
        if isinstance(address, tuple):
            bound = int(address[1])
    return runner, bound


async def start_socket(bot: SlackBot, env: SlackEnv) -> AsyncSocketModeHandler:
    """Connect to Slack over Socket Mode. The first socket URL is asked for here: the
    client's own connect() retries a refused token forever, which would hide the problem."""
    handler = AsyncSocketModeHandler(bot.bolt, env.app_token)
    try:
        handler.client.wss_uri = await handler.client.issue_new_wss_url()
    except SlackApiError as e:
        await handler.close_async()
        raise StartupError(
            f"{env.names.app_token_env} was refused by Slack ({e.response.get('error')}): create"
            f" an app-level token with connections:write at {APPS} → Basic Information →"
            " App-Level Tokens, and turn Socket Mode on.",
            2,
        ) from e
    except (ClientError, TimeoutError) as e:
        await handler.close_async()
        raise StartupError(f"cannot reach Slack at {bot.client.base_url}: {e}") from e
    await handler.connect_async()
    return handler


def main(
    settings: Settings,
    *,
    http: bool,
    port: int,
    database: str,
    host: str = "0.0.0.0",
    health: tuple[str, int | None] = ("127.0.0.1", None),
) -> int:
    """`rapport slack`: returns the exit status (2 for a missing or refused secret)."""
    try:
        env = read_env(settings.slack, http=http, environ=os.environ)
    except StartupError as e:
        print(f"rapport: {e}", file=sys.stderr)
        return e.code
    try:
        return asyncio.run(
            _run(settings, env, http=http, port=port, host=host, database=database, health=health)
        )
    except KeyboardInterrupt:
        return 0


async def _run(
    settings: Settings,
    env: SlackEnv,
    *,
    http: bool,
    port: int,
    host: str,
    database: str,
    health: tuple[str, int | None],
) -> int:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    with contextlib.suppress(NotImplementedError):  # no signal handlers on Windows
        loop.add_signal_handler(signal.SIGTERM, stop.set)
        loop.add_signal_handler(signal.SIGINT, stop.set)
    try:
        await serve(
            settings,
            env,
            http=http,
            port=port,
            host=host,
            database=database,
            clock=SystemClock(),
            ready=lambda line: print(line, file=sys.stderr, flush=True),
            stop=stop,
            health=health,
        )
    except StartupError as e:
        print(f"rapport: {e}", file=sys.stderr)
        return e.code
    return 0
