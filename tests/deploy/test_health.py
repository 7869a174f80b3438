"""/healthz, /readyz and /metrics, as a supervisor and Prometheus see them: on the port of
/slack/events in Slack's HTTP mode, on --health-port in Socket Mode and on Discord; ready only
while the database answers and the platform connection is up; the counters move as members
type commands and messages go out, and the ages are read from the database."""

from __future__ import annotations

import asyncio
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from adapters.discord.cli import connected
from adapters.health import Health, serve_health
from adapters.metrics import PrometheusMetrics
from adapters.scheduler import Scheduler
from adapters.slack.cli import SlackEnv, serve
from bot.config import SlackSettings
from bot.service import Core
from storage.sqlite import SqliteRepository
from tests.conftest import Chat
from tests.fakes import FakeResolver, RecordingMessenger, channel
from tests.slack.conftest import ALICE, BOB, GROUP
from tests.slack.payloads import SIGNING_SECRET, slash_form
from tests.slack.test_cli import BOT_TOKEN, a_group_in, referral_by_hand
from tests.slack.test_socket_mode import APP_TOKEN


async def get(url: str) -> tuple[int, str, str]:
    """GET as a probe or a scraper does: status, Content-Type, body. (urllib, in a thread:
    the Discord double replaces aiohttp's client session in its tests.)"""

    def fetch() -> tuple[int, str, str]:
        try:
            with urllib.request.urlopen(url, timeout=10) as r:
                return r.status, r.headers["Content-Type"], r.read().decode()
        except urllib.error.HTTPError as e:
            return e.code, e.headers["Content-Type"], e.read().decode()

    return await asyncio.to_thread(fetch)


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every sample of a Prometheus text exposition, by name and labels."""
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


def value(text: str, name: str, **labels: str) -> float:
    return samples(text).get((name, tuple(sorted(labels.items()))), 0.0)


async def scrape(base: str) -> str:
    status, content_type, body = await get(f"{base}/metrics")
    assert status == 200
    assert content_type.startswith("text/plain; version=")
    return body


# --- Slack over HTTP: the same port as /slack/events ------------------------------------------
async def test_slack_http_serves_health_beside_events_and_counts_what_happens(
    fake, settings, clock, tmp_path
):
    db = tmp_path / "rapport.db"
    await a_group_in(db, fake, settings, clock)
    ready: asyncio.Queue[str] = asyncio.Queue()
    stop = asyncio.Event()
    env = SlackEnv(BOT_TOKEN, "", SIGNING_SECRET, fake.base_url, SlackSettings())
    task = asyncio.create_task(
        serve(
            settings,
            env,
            http=True,
            port=0,
            host="127.0.0.1",
            database=str(db),
            clock=clock,
            ready=ready.put_nowait,
            stop=stop,
        )
    )
    try:
        line = await asyncio.wait_for(ready.get(), 10)
        events = line.split("HTTP on ")[1].split(")")[0]
        base = events.removesuffix("/slack/events")
        assert await get(f"{base}/healthz") == (200, "text/plain; charset=utf-8", "ok\n")
        assert await get(f"{base}/readyz") == (200, "text/plain; charset=utf-8", "ready\n")
        before = await scrape(base)
        assert value(before, "rapport_commands_total", command="LogReferral", outcome="ok") == 0
        assert (
            value(before, "rapport_outbox_messages_total", platform="slack", outcome="delivered")
            == 0
        )
        assert (
            "rapport_outbox_messages_total",
            (("outcome", "failed"), ("platform", "slack")),
        ) in samples(before)

        await referral_by_hand(events, fake)  # Alice's signed /referral; Bob's DM goes out
        await fake.until(lambda: bool(fake.dms_to(BOB["id"])))
        after = await scrape(base)
        assert value(after, "rapport_commands_total", command="LogReferral", outcome="ok") == 1
        assert value(after, "rapport_referrals_logged_total", kind="referral") == 1
        delivered = value(
            after, "rapport_outbox_messages_total", platform="slack", outcome="delivered"
        )
        assert delivered >= 1  # Bob's DM (and whatever the referral posted)
        assert value(after, "rapport_outbox_oldest_due_age_seconds") == 0  # nothing waits
        assert value(after, "process_resident_memory_bytes") > 0
    finally:
        stop.set()
        await task
    assert not [c for c in fake.calls if c.method == "auth.test"][1:], "probes call nothing"


# --- Slack in Socket Mode: --health-port -------------------------------------------------------
async def test_socket_mode_serves_health_on_its_own_port_and_is_ready_while_connected(
    fake, clock, settings
):
    fake.socket_envelopes.append(
        {
            "envelope_id": "e4d5",
            "type": "slash_commands",
            "payload": slash_form(
                "/rapport",
                "help",
                user=ALICE,
                channel_id=GROUP[0],
                channel_name=GROUP[1],
                response_url=fake.response_url("socket-help"),
            ),
        }
    )
    said: asyncio.Queue[str] = asyncio.Queue()
    stop = asyncio.Event()
    running = asyncio.create_task(
        serve(
            settings,
            SlackEnv("xoxb-test", APP_TOKEN, "", fake.base_url, SlackSettings()),
            http=False,
            port=0,
            host="127.0.0.1",
            database=":memory:",
            clock=clock,
            ready=said.put_nowait,
            stop=stop,
            health=("127.0.0.1", 0),
        )
    )
    try:
        line = await asyncio.wait_for(said.get(), 10)
        assert line.startswith("rapport: Slack adapter running (Socket Mode; health on http://")
        assert line.endswith("/healthz); Ctrl-C stops it")
        base = line.split("health on ")[1].split(")")[0].removesuffix("/healthz")
        assert (await get(f"{base}/healthz"))[0] == 200
        await fake.until(lambda: bool(fake.socket_acks))  # the session carries envelopes
        assert await get(f"{base}/readyz") == (200, "text/plain; charset=utf-8", "ready\n")
        assert "rapport_scheduler_ticks_total" in await scrape(base)
    finally:
        stop.set()
        await running


# --- readiness ---------------------------------------------------------------------------------
@pytest.fixture
async def file_repo(tmp_path):
    repo = await SqliteRepository.open(str(tmp_path / "rapport.db"))
    yield repo
    await repo.close()


async def test_readyz_fails_while_the_database_does_not_answer_and_healthz_still_answers(
    tmp_path, clock
):
    repo = await SqliteRepository.open(str(tmp_path / "rapport.db"))
    checks = Health(repo, clock, PrometheusMetrics(), "Slack", lambda: True)
    runner, port = await serve_health(checks, "127.0.0.1", 0)
    base = f"http://127.0.0.1:{port}"
    try:
        assert (await get(f"{base}/readyz"))[0] == 200
        await repo.close()  # the database is gone from under the running bot
        assert await get(f"{base}/readyz") == (
            503,
            "text/plain; charset=utf-8",
            "not ready: the database does not answer\n",
        )
        assert (await get(f"{base}/healthz"))[0] == 200  # the process itself is up
        assert (await get(f"{base}/metrics"))[0] == 200  # and still says what it counted
    finally:
        await runner.cleanup()


async def test_readyz_names_a_platform_connection_that_is_down(file_repo, clock):
    up = {"now": True}
    checks = Health(file_repo, clock, PrometheusMetrics(), "Slack", lambda: up["now"])
    runner, port = await serve_health(checks, "127.0.0.1", 0)
    try:
        assert (await get(f"http://127.0.0.1:{port}/readyz"))[2] == "ready\n"
        up["now"] = False
        assert await get(f"http://127.0.0.1:{port}/readyz") == (
            503,
            "text/plain; charset=utf-8",
            "not ready: not connected to Slack\n",
        )
    finally:
        await runner.cleanup()


async def test_a_discord_client_without_a_gateway_session_is_not_ready(
    discord_api, tmp_path, settings, clock
):
    from tests.discord_adapter.conftest import Bot

    bot = await Bot(discord_api, tmp_path / "r.db", settings, clock).start()
    try:
        assert not connected(bot.client)  # logged in over REST, no gateway session yet
        checks = Health(
            bot.app.repo, clock, PrometheusMetrics(), "Discord", lambda: connected(bot.client)
        )
        runner, port = await serve_health(checks, "127.0.0.1", 0)
        try:
            assert await get(f"http://127.0.0.1:{port}/readyz") == (
                503,
                "text/plain; charset=utf-8",
                "not ready: not connected to Discord\n",
            )
        finally:
            await runner.cleanup()
    finally:
        await bot.stop()


# --- the counters, through the core ------------------------------------------------------------
async def test_the_metrics_move_as_commands_are_handled_and_messages_delivered(
    file_repo, clock, settings
):
    messenger = RecordingMessenger()
    metrics = PrometheusMetrics(platforms=("test",))
    core = Core(file_repo, messenger, clock, FakeResolver(), settings, metrics)
    chat = Chat(core, channel())
    checks = Health(file_repo, clock, metrics, "Slack", lambda: True)
    runner, port = await serve_health(checks, "127.0.0.1", 0)
    base = f"http://127.0.0.1:{port}"
    try:
        await chat("alice", "/rapport setup Breakfast Club")
        await chat("alice", "/rapport join Commercial insurance")
        await chat("bob", "/rapport join Roofing")
        await chat("carol", "/rapport join roofing")  # the seat is taken: refused
        await chat("alice", "/rapport frobnicate")  # not a command
        await chat("alice", "/referral @bob Jane Roe jane@roe.example")
        await chat("alice", "/referral @bob Sam Smith")  # no contact details: a lead
        key = "slack-retry-1"  # the platform sends the same request twice
        await chat("alice", "/referral @bob Ann Lee ann@lee.example", key=key)
        await chat("alice", "/referral @bob Ann Lee ann@lee.example", key=key)
        text = await scrape(base)
        assert value(text, "rapport_commands_total", command="Join", outcome="ok") == 2
        assert value(text, "rapport_commands_total", command="Join", outcome="refused") == 1
        assert value(text, "rapport_commands_total", command="unparsed", outcome="unparsed") == 1
        assert value(text, "rapport_referrals_logged_total", kind="referral") == 2
        assert value(text, "rapport_referrals_logged_total", kind="lead") == 1
        delivered = value(
            text, "rapport_outbox_messages_total", platform="test", outcome="delivered"
        )
        assert delivered == len(messenger.sent) > 0

        # the platform fails: the message waits for its retry, and its age shows
        messenger.fail_next = 1
        await chat("alice", "/referral @bob Kim Park kim@park.example")
        text = await scrape(base)
        assert value(text, "rapport_outbox_messages_total", platform="test", outcome="retried") == 1
        clock.advance(minutes=5)  # past the retry's 30 s: due, and waiting
        text = await scrape(base)
        assert 240 <= value(text, "rapport_outbox_oldest_due_age_seconds") <= 300

        # a DM the platform will never deliver
        messenger.unreachable.add("bob")
        await core.deliver()
        text = await scrape(base)
        assert value(text, "rapport_outbox_messages_total", platform="test", outcome="failed") == 1
        assert value(text, "rapport_outbox_oldest_due_age_seconds") == 0

        # scheduled work: due a day ago, run now by a tick
        await chat("alice", "/rapport meeting set wed 07:00 Africa/Johannesburg")
        clock.advance(days=8)
        text = await scrape(base)
        lag = value(text, "rapport_due_work_lag_seconds")
        assert lag > 3600  # reminders and nudges have waited since they fell due
        ticks = Scheduler(core, clock)
        await ticks.tick()
        text = await scrape(base)
        assert value(text, "rapport_scheduler_ticks_total") == 1
        ran = sum(
            v for (name, _), v in samples(text).items() if name == "rapport_due_work_runs_total"
        )
        assert ran > 0
        assert value(text, "rapport_due_work_run_lag_seconds_count") == ran
        assert value(text, "rapport_due_work_lag_seconds") < lag
    finally:
        await runner.cleanup()
        await core.drain()


def test_the_core_never_imports_prometheus_client():
    import subprocess
    import sys

    probe = (
        "import sys, bot.app, bot.service, adapters.scheduler, bot.metrics;"
        " print('prometheus_client' in sys.modules)"
    )
    run = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert run.stdout == "False\n"


def test_the_core_never_imports_apscheduler():
    """APScheduler only keeps time for the adapters (adapters/scheduler.py): no module of
    the core, the console's included, loads it."""
    import pkgutil
    import subprocess
    import sys

    import bot

    core = [f"bot.{m.name}" for m in pkgutil.iter_modules(bot.__path__) if m.name != "__main__"]
    assert "bot.service" in core and "bot.scheduler" not in core
    probe = f"import sys, {', '.join(core)}; print('apscheduler' in sys.modules)"
    run = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert run.stdout == "False\n"


def test_http_mode_refuses_a_separate_health_port_in_one_line(tmp_path):
    import subprocess
    import sys

    run = subprocess.run(
        [sys.executable, "-m", "bot", "slack", "--http", "--port", "3000", "--health-port", "9101"],
        cwd=tmp_path,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(Path(__file__).resolve().parents[2])},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert run.returncode == 2
    assert run.stderr == (
        "rapport: --health-port is for Socket Mode: with --http, /healthz, /readyz and /metrics"
        " are served on --port (3000) beside /slack/events\n"
    )


async def test_discord_with_a_health_port_that_is_taken_stops_with_one_line(
    discord_api, tmp_path, settings
):
    import socket

    from adapters.discord import cli as discord_cli
    from tests.discord_adapter.fake_discord import BASE, TOKEN

    config = discord_cli.config_from_env(
        discord_cli.DiscordSettings(), {"DISCORD_TOKEN": TOKEN, "DISCORD_API_URL": BASE}
    )
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(discord_cli.Problem) as refused:
            await discord_cli.serve(
                settings, config, database=str(tmp_path / "r.db"), health=("127.0.0.1", port)
            )
    assert str(refused.value).startswith(f"cannot serve /healthz on 127.0.0.1:{port}: ")
    assert "\n" not in str(refused.value)
