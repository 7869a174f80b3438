"""Socket Mode, offline: the fake answers apps.connections.open with a ws://127.0.0.1 URL,
says hello and pushes a slash_commands envelope; the ack goes back over the socket at once
and the answer follows through the response_url."""

from __future__ import annotations

import asyncio

import pytest

from adapters.slack.app import assemble
from adapters.slack.cli import SlackEnv, StartupError, serve, start_socket
from bot.config import SlackSettings
from tests.slack.conftest import ALICE, GROUP
from tests.slack.payloads import slash_form
from tests.slack.test_commands import rows

APP_TOKEN = "xapp-1-A0RAPPORT-1-test"


def env() -> SlackEnv:
    return SlackEnv("xoxb-test", APP_TOKEN, "", None, SlackSettings())


async def test_a_slash_command_over_socket_mode_is_acked_and_answered(fake, clock, settings):
    # the bot as `rapport slack` runs it: acks first, works after (process_before_response off)
    bot = await assemble(
        settings,
        token="xoxb-test",
        signing_secret="",
        clock=clock,
        database=":memory:",
        api_url=fake.base_url,
    )
    form = slash_form(
        "/rapport",
        "setup Breakfast Club",
        user=ALICE,
        channel_id=GROUP[0],
        channel_name=GROUP[1],
        response_url=fake.response_url("socket-setup"),
    )
    fake.socket_envelopes.append(
        {
            "envelope_id": "e1a2b3",
            "type": "slash_commands",
            "accepts_response_payload": True,
            "payload": form,
        }
    )
    handler = await start_socket(bot, env())
    try:
        # the answer is sent after the command's own posts went out: then the work is done
        await fake.until(lambda: bool(fake.socket_acks and fake.responses("socket-setup")))
    finally:
        await handler.close_async()
    [connect] = [c for c in fake.calls if c.method == "apps.connections.open"]
    assert connect.token == APP_TOKEN  # the app-level token opens the socket, not the bot's
    assert fake.socket_acks[0] == {"envelope_id": "e1a2b3"}
    [answer] = fake.responses("socket-setup")
    assert "Breakfast Club is set up in this channel" in answer["text"]
    assert len(await rows(bot, "SELECT id FROM groups")) == 1
    await bot.close()


async def test_a_refused_app_token_stops_with_one_line_naming_it(fake, clock, settings):
    fake.fail("apps.connections.open", "invalid_auth")
    bot = await assemble(
        settings,
        token="xoxb-test",
        signing_secret="",
        clock=clock,
        database=":memory:",
        api_url=fake.base_url,
    )
    with pytest.raises(StartupError) as refused:
        await start_socket(bot, env())
    await bot.close()
    line = str(refused.value)
    assert refused.value.code == 2
    assert line.startswith("SLACK_APP_TOKEN was refused by Slack (invalid_auth)")
    assert "Basic Information → App-Level Tokens" in line
    assert APP_TOKEN not in line


async def test_rapport_slack_in_socket_mode_serves_until_stopped(fake, clock, settings):
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
    said: list[str] = []
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
            ready=said.append,
            stop=stop,
        )
    )
    await fake.until(lambda: bool(fake.socket_acks and fake.responses("socket-help")))
    stop.set()
    await running
    assert said == ["rapport: Slack adapter running (Socket Mode); Ctrl-C stops it"]
    assert fake.socket_acks == [{"envelope_id": "e4d5"}]
    assert (
        "Rapport keeps your group's referrals moving." in fake.responses("socket-help")[0]["text"]
    )
