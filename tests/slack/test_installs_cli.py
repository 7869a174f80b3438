"""`rapport slack --http` for many workspaces: with SLACK_CLIENT_ID, SLACK_CLIENT_SECRET and
SLACK_SIGNING_SECRET and no SLACK_BOT_TOKEN it serves the install link beside /slack/events;
a missing credential stops it with one line naming it (never a value); the single-token
modes read their variables as before."""

from __future__ import annotations

import asyncio
from urllib.parse import parse_qs, urlsplit

import aiohttp
import pytest

from adapters.slack.cli import StartupError, read_env, serve
from adapters.slack.oauth import OAuth
from bot.config import ConfigError, Settings, SlackSettings, from_dict
from tests.slack.payloads import SIGNING_SECRET

CLIENT_ID = "1111111111.2222222222"
CLIENT_SECRET = "0a1b2c3d-SeCrEt-client"
MANY = {
    "SLACK_CLIENT_ID": CLIENT_ID,
    "SLACK_CLIENT_SECRET": CLIENT_SECRET,
    "SLACK_SIGNING_SECRET": SIGNING_SECRET,
}


def test_http_with_client_credentials_and_no_bot_token_serves_many_workspaces():
    env = read_env(SlackSettings(), http=True, environ=MANY)
    assert env.oauth == OAuth(CLIENT_ID, CLIENT_SECRET, None)
    assert env.bot_token == "" and env.signing_secret == SIGNING_SECRET
    redirect = {**MANY, "SLACK_REDIRECT_URI": "https://rapport.example/slack/oauth_redirect"}
    env = read_env(SlackSettings(), http=True, environ=redirect)
    assert env.oauth is not None
    assert env.oauth.redirect_uri == "https://rapport.example/slack/oauth_redirect"


@pytest.mark.parametrize("missing", ["SLACK_CLIENT_SECRET", "SLACK_SIGNING_SECRET"])
def test_a_missing_credential_is_named_in_one_line(missing):
    environ = {k: v for k, v in MANY.items() if k != missing}
    with pytest.raises(StartupError) as stopped:
        read_env(SlackSettings(), http=True, environ=environ)
    line = str(stopped.value)
    assert stopped.value.code == 2
    assert line.startswith(f"{missing} is not set: serving many workspaces needs SLACK_CLIENT_ID")
    assert "Basic Information → App Credentials" in line
    assert "\n" not in line and "SeCrEt" not in line and SIGNING_SECRET not in line


@pytest.mark.parametrize(
    "redirect", ["rapport", "http://rapport.example/slack/oauth_redirect", "https://"]
)
def test_a_redirect_url_slack_would_refuse_is_refused(redirect):
    """Slack sends installers back only to https://, or to http:// on localhost."""
    with pytest.raises(StartupError) as stopped:
        read_env(SlackSettings(), http=True, environ={**MANY, "SLACK_REDIRECT_URI": redirect})
    line = str(stopped.value)
    assert line.startswith("SLACK_REDIRECT_URI must be the https:// URL")
    assert "http:// only for localhost" in line and "\n" not in line


def test_a_local_redirect_url_may_be_http():
    local = {**MANY, "SLACK_REDIRECT_URI": "http://localhost:3000/slack/oauth_redirect"}
    env = read_env(SlackSettings(), http=True, environ=local)
    assert env.oauth is not None
    assert env.oauth.redirect_uri == "http://localhost:3000/slack/oauth_redirect"


def test_a_blank_client_id_leaves_the_single_workspace_mode_to_name_the_bot_token():
    with pytest.raises(StartupError) as stopped:
        read_env(SlackSettings(), http=True, environ={**MANY, "SLACK_CLIENT_ID": "  "})
    assert str(stopped.value).startswith("SLACK_BOT_TOKEN is not set")


def test_a_bot_token_keeps_the_single_workspace_mode_and_socket_mode_needs_one():
    env = read_env(SlackSettings(), http=True, environ={**MANY, "SLACK_BOT_TOKEN": "xoxb-1-2-3"})
    assert env.oauth is None and env.bot_token == "xoxb-1-2-3"
    with pytest.raises(StartupError) as stopped:  # Socket Mode cannot serve installs
        read_env(SlackSettings(), http=False, environ=MANY)
    assert str(stopped.value).startswith("SLACK_BOT_TOKEN is not set")


def test_the_grace_period_and_the_variables_names_come_from_the_config():
    s = from_dict(
        {"slack": {"uninstall_grace_days": 7, "client_secret_env": "CLUB_SLACK_CLIENT_SECRET"}}
    )
    assert s.slack.uninstall_grace_days == 7
    assert s.slack.client_secret_env == "CLUB_SLACK_CLIENT_SECRET"
    assert Settings().slack.uninstall_grace_days == 30
    with pytest.raises(ConfigError, match=r"slack\.uninstall_grace_days: must be a whole number"):
        from_dict({"slack": {"uninstall_grace_days": 0}})


async def test_serve_runs_the_install_link_beside_the_events(fake, settings, clock, tmp_path):
    environ = {**MANY, "SLACK_API_URL": fake.base_url}
    env = read_env(SlackSettings(), http=True, environ=environ)
    ready: asyncio.Queue[str] = asyncio.Queue()
    stop = asyncio.Event()
    task = asyncio.create_task(
        serve(
            settings,
            env,
            http=True,
            port=0,
            host="127.0.0.1",
            database=str(tmp_path / "rapport.db"),
            clock=clock,
            ready=ready.put_nowait,
            stop=stop,
        )
    )
    line = await asyncio.wait_for(ready.get(), 10)
    assert "many workspaces: install at /slack/install" in line
    base = line.split("HTTP on ")[1].split("/slack/events")[0]
    try:
        async with aiohttp.ClientSession() as session:
            async with session.get(base + "/slack/install", allow_redirects=False) as r:
                assert r.status == 302
                state = parse_qs(urlsplit(r.headers["Location"]).query)["state"][0]
                cookie = r.headers["Set-Cookie"].split(";")[0]
            # the state is good for ten minutes: an installer back after eleven starts again
            clock.advance(minutes=11)
            async with session.get(
                f"{base}/slack/oauth_redirect?code=c1&state={state}", headers={"Cookie": cookie}
            ) as r:
                assert r.status == 401
            async with session.get(base + "/readyz") as r:
                assert (r.status, await r.text()) == (200, "ready\n")
    finally:
        stop.set()
        await task
    assert fake.calls_to("auth.test") == []  # no bot token to check at start-up
    assert fake.calls_to("oauth.v2.access") == []
