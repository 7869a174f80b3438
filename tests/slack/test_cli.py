"""`rapport slack`: a missing or malformed secret stops it with one line naming the variable
and where to find it (never its value); started for real, it serves HTTP on a port, answers
a signed /referral with an ack, and the DMs reach the Web API it was pointed at."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

import aiohttp
import pytest

from adapters.slack import cli
from adapters.slack.app import assemble
from adapters.slack.cli import SlackEnv, StartupError, read_env, serve
from adapters.slack.messenger import Pacer
from bot.config import Settings, SlackSettings
from tests.slack.conftest import ALICE, BOB, GROUP, Workspace
from tests.slack.fake_slack import FakeSlack
from tests.slack.payloads import SIGNING_SECRET, encode_form, signed_headers, slash_form
from tests.slack.test_commands import REFERRAL

ROOT = Path(__file__).resolve().parents[2]
APPS = "api.slack.com/apps → your app"
BOT_TOKEN = "xoxb-1111-2222-SeCrEtBoTtOkEn"
APP_TOKEN = "xapp-1-A0RAPPORT-3333-SeCrEtApPtOkEn"


@pytest.fixture
def no_slack_env(monkeypatch) -> None:
    """Start from an environment with none of the Slack variables set."""
    for name in ("SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_API_URL"):
        monkeypatch.delenv(name, raising=False)


def run_main(
    monkeypatch, capsys, env: dict[str, str], *, http: bool, settings=None
) -> tuple[int, str]:
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    code = cli.main(settings or Settings(), http=http, port=0, database=":memory:")
    captured = capsys.readouterr()
    assert captured.out == ""
    return code, captured.err


@pytest.mark.parametrize(
    ("env", "http", "names", "where"),
    [
        ({}, False, "SLACK_BOT_TOKEN is not set", f"{APPS} → OAuth & Permissions"),
        (
            {"SLACK_BOT_TOKEN": "xoxp-9999-SeCrEtUsErToKeN"},
            False,
            "SLACK_BOT_TOKEN does not look right",
            f"starts with xoxb-, from {APPS} → OAuth & Permissions",
        ),
        (
            {"SLACK_BOT_TOKEN": BOT_TOKEN},
            False,
            "SLACK_APP_TOKEN is not set",
            f"{APPS} → Basic Information → App-Level Tokens",
        ),
        (
            {"SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_APP_TOKEN": BOT_TOKEN},
            False,
            "SLACK_APP_TOKEN does not look right",
            f"starts with xapp-, from {APPS} → Basic Information",
        ),
        (
            {"SLACK_BOT_TOKEN": BOT_TOKEN},
            True,
            "SLACK_SIGNING_SECRET is not set",
            f"{APPS} → Basic Information → App Credentials",
        ),
        (
            {
                "SLACK_BOT_TOKEN": BOT_TOKEN,
                "SLACK_SIGNING_SECRET": "s",
                "SLACK_API_URL": "slack.com",
            },
            True,
            "SLACK_API_URL must be an http:// or https:// URL",
            "https://slack.com/api/",
        ),
    ],
)
def test_a_missing_or_malformed_variable_is_one_line_naming_it(
    monkeypatch, capsys, no_slack_env, env, http, names, where
):
    code, err = run_main(monkeypatch, capsys, env, http=http)
    assert code == 2
    assert err.count("\n") == 1 and err.startswith(f"rapport: {names}")
    assert where in err
    assert "SeCrEt" not in err  # a token's value is never printed


def test_the_configured_variable_names_are_the_ones_named(monkeypatch, capsys, no_slack_env):
    settings = Settings(slack=SlackSettings(bot_token_env="CHAPTER_BOT_TOKEN"))
    code, err = run_main(
        monkeypatch, capsys, {"SLACK_BOT_TOKEN": BOT_TOKEN}, http=True, settings=settings
    )
    assert (code, err.split(":")[1].strip()) == (2, "CHAPTER_BOT_TOKEN is not set")


def test_socket_mode_needs_no_signing_secret_and_http_no_app_token():
    names = SlackSettings()
    socket = read_env(
        names, http=False, environ={"SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_APP_TOKEN": APP_TOKEN}
    )
    http = read_env(
        names, http=True, environ={"SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_SIGNING_SECRET": "abc"}
    )
    assert (socket.app_token, socket.signing_secret) == (APP_TOKEN, "")
    assert (http.app_token, http.signing_secret) == ("", "abc")


# --- serving for real ------------------------------------------------------------------
async def post(url: str, who: dict, line: str, fake: FakeSlack, key: str) -> None:
    command, _, text = line.partition(" ")
    form = slash_form(
        command,
        text,
        user=who,
        channel_id=GROUP[0],
        channel_name=GROUP[1],
        response_url=fake.response_url(key),
    )
    body = encode_form(form)
    async with (
        aiohttp.ClientSession() as s,
        s.post(url, data=body, headers=signed_headers(body)) as r,
    ):
        assert (r.status, await r.text()) == (200, "")  # the ack, before the work


async def a_group_in(db: Path, fake: FakeSlack, settings: Settings, clock) -> None:
    """Breakfast Club with Alice and Bob, stored in `db` beforehand, so the bot started by
    hand only has the referral to handle (its channel posts would otherwise be paced a
    second apart, on the real clock)."""
    bot = await assemble(
        settings,
        token=BOT_TOKEN,
        signing_secret=SIGNING_SECRET,
        clock=clock,
        database=str(db),
        api_url=fake.base_url,
        process_before_response=True,
        pacer=Pacer(sleep=_no_wait),
    )
    ws = Workspace(bot, fake)
    await ws.type(ALICE, "/rapport setup Breakfast Club")
    await ws.type(ALICE, "/rapport join Commercial insurance")
    await ws.type(BOB, "/rapport join Residential plumbing")
    await bot.close()
    fake.calls.clear()


async def _no_wait(seconds: float) -> None:
    return None


async def referral_by_hand(url: str, fake: FakeSlack) -> dict:
    """Alice's signed /referral: acked at once; then her answer and Bob's DM arrive."""
    await post(url, ALICE, REFERRAL, fake, "by-hand")
    await fake.until(lambda: bool(fake.responses("by-hand") and fake.dms_to(BOB["id"])))
    [answer] = fake.responses("by-hand")
    return answer


@pytest.fixture
def http_env(fake) -> SlackEnv:
    return SlackEnv(BOT_TOKEN, "", SIGNING_SECRET, fake.base_url, SlackSettings())


async def test_serving_http_answers_a_signed_referral_and_the_dm_reaches_slack(
    fake, settings, clock, http_env, tmp_path
):
    db = tmp_path / "rapport.db"
    await a_group_in(db, fake, settings, clock)
    ready: asyncio.Queue[str] = asyncio.Queue()
    stop = asyncio.Event()
    task = asyncio.create_task(
        serve(
            settings,
            http_env,
            http=True,
            port=0,
            host="127.0.0.1",
            database=str(db),
            clock=clock,
            ready=ready.put_nowait,
            stop=stop,
        )
    )
    line = await asyncio.wait_for(ready.get(), 10)
    url = line.split("HTTP on ")[1].split(")")[0]
    assert url.startswith("http://127.0.0.1:") and url.endswith("/slack/events")
    answer = await referral_by_hand(url, fake)
    stop.set()
    await task
    assert answer["response_type"] == "ephemeral"
    assert "Referral #1 to <@U0BOB> is logged: Jane Roe." in answer["text"]
    assert "passed you a referral: Jane Roe" in fake.dms_to(BOB["id"])[0]["text"]


async def test_a_refused_bot_token_stops_serving_with_one_line(fake, settings, clock, http_env):
    fake.fail("auth.test", "invalid_auth")
    with pytest.raises(StartupError) as refused:
        await serve(
            settings,
            http_env,
            http=True,
            port=0,
            host="127.0.0.1",
            database=":memory:",
            clock=clock,
            ready=lambda line: None,
            stop=asyncio.Event(),
        )
    assert refused.value.code == 2
    assert str(refused.value).startswith("SLACK_BOT_TOKEN was refused by Slack (invalid_auth)")
    assert "SeCrEt" not in str(refused.value)


async def test_python_m_adapters_slack_serves_http_until_terminated(
    fake, settings, clock, tmp_path
):
    db = tmp_path / "rapport.db"
    await a_group_in(db, fake, settings, clock)
    env = {
        **os.environ,
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": fake.base_url,
    }
    env.pop("SLACK_APP_TOKEN", None)
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "adapters.slack",
        "--http",
        "--port",
        "0",
        "--host",
        "127.0.0.1",
        "--db",
        str(db),
        cwd=ROOT,
        env=env,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        assert proc.stderr is not None
        line = (await asyncio.wait_for(proc.stderr.readline(), 20)).decode()
        assert line.startswith("rapport: Slack adapter running (HTTP on http://127.0.0.1:"), line
        answer = await referral_by_hand(line.split("HTTP on ")[1].split(")")[0], fake)
    finally:
        proc.send_signal(signal.SIGTERM)
        code = await asyncio.wait_for(proc.wait(), 20)
        rest = (await proc.stderr.read()).decode() if proc.stderr else ""
    assert (code, rest) == (0, "")  # stopped cleanly, nothing else said
    assert "Referral #1 to <@U0BOB> is logged: Jane Roe." in answer["text"]
    assert "passed you a referral: Jane Roe" in fake.dms_to(BOB["id"])[0]["text"]
