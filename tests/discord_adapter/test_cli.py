"""`rapport discord` and `rapport discord-invite`: one clear line for each thing a person must
fix, never the token itself; the invite asks for the two scopes and only the permissions used."""

from __future__ import annotations

import io

import discord
import pytest
import yarl
from discord.gateway import DiscordWebSocket
from discord.http import Route

from adapters.discord import cli
from adapters.discord.client import api_base
from bot.config import DiscordSettings, Settings
from tests.discord_adapter.conftest import Bot
from tests.discord_adapter.fake_discord import BASE, GATEWAY, TOKEN

NAMES = DiscordSettings()


def problem(env: dict[str, str]) -> str:
    with pytest.raises(cli.Problem) as e:
        cli.config_from_env(NAMES, env)
    return str(e.value)


def test_a_missing_token_says_where_to_get_one():
    line = problem({})
    assert line.startswith("DISCORD_TOKEN is not set.")
    assert "Developer Portal" in line and "Bot → Reset Token" in line
    assert "\n" not in line


@pytest.mark.parametrize(
    ("token", "hint"),
    [
        ("not-a-token", ""),
        ("Bot " + TOKEN, " (leave out the “Bot ” prefix)"),
        (f'"{TOKEN}"', " (leave out the quotes)"),
        (TOKEN.replace(".", "", 1), ""),
    ],
)
def test_a_malformed_token_is_named_but_never_printed(token, hint):
    line = problem({"DISCORD_TOKEN": token})
    assert line.startswith(
        f"DISCORD_TOKEN does not look like a Discord bot token (three parts separated by dots){hint}."
    )
    assert TOKEN[-20:] not in line and "not-a-token" not in line


def test_the_variable_names_come_from_the_config():
    names = DiscordSettings(token_env="RAPPORT_DISCORD_TOKEN")
    with pytest.raises(cli.Problem, match=r"^RAPPORT_DISCORD_TOKEN is not set"):
        cli.config_from_env(names, {"DISCORD_TOKEN": TOKEN})


def test_guild_ids_and_the_api_url_are_read_and_checked():
    config = cli.config_from_env(
        NAMES,
        {
            "DISCORD_TOKEN": f"  {TOKEN}\n",
            "DISCORD_GUILD_IDS": "900000000000000100, 900000000000000777 900000000000000100",
            "DISCORD_API_URL": "http://127.0.0.1:8080",
        },
    )
    assert config.token == TOKEN
    assert config.guild_ids == (900000000000000100, 900000000000000777)
    assert config.api_url == "http://127.0.0.1:8080"
    assert "“my-server” is not one" in problem(
        {"DISCORD_TOKEN": TOKEN, "DISCORD_GUILD_IDS": "my-server"}
    )
    assert problem({"DISCORD_TOKEN": TOKEN, "DISCORD_API_URL": "discord.com"}).startswith(
        "DISCORD_API_URL must be an http(s) URL"
    )


def test_the_api_path_is_added_when_missing():
    assert api_base("http://127.0.0.1:8080/") == "http://127.0.0.1:8080/api/v10"
    assert api_base("https://proxy.example/api/v9") == "https://proxy.example/api/v9"


def test_main_prints_one_line_and_exits_2(capsys):
    assert cli.main(Settings(), database=":memory:", env={"DISCORD_TOKEN": "oops"}) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.count("\n") == 1 and err.startswith("rapport: DISCORD_TOKEN does not look like")


async def test_a_token_discord_refuses_is_one_line_too(discord_api, monkeypatch, tmp_path):
    discord_api.token_revoked = True
    config = cli.config_from_env(NAMES, {"DISCORD_TOKEN": TOKEN, "DISCORD_API_URL": BASE})
    with pytest.raises(cli.Problem) as e:
        await cli.serve(Settings(), config, database=str(tmp_path / "r.db"))
    assert str(e.value).startswith("Discord refused the token in DISCORD_TOKEN (401 Unauthorized).")


async def test_behind_an_api_url_the_gateway_comes_from_that_api(bot):
    assert Route.BASE == BASE
    assert yarl.URL(GATEWAY) == DiscordWebSocket.DEFAULT_GATEWAY
    assert [c.path for c in bot.api.calls[:3]] == [
        "/users/@me",
        "/oauth2/applications/@me",
        "/gateway/bot",
    ]


async def test_the_scheduler_runs_in_the_same_process(discord_api, tmp_path, settings, clock):
    bot = await Bot(discord_api, tmp_path / "r.db", settings, clock).start()
    await bot.client.close()  # a fresh client that owns the scheduler, as `rapport discord` builds
    bot.client = type(bot.client)(bot.client.config)
    bot.client.serve(bot.app.core, scheduler=bot.scheduler)
    await bot.client.login(TOKEN)
    assert bot.scheduler.aps.running
    await bot.stop()
    assert not bot.scheduler.aps.running


def test_the_invite_asks_for_two_scopes_and_the_permissions_it_explains():
    out, err = io.StringIO(), io.StringIO()
    assert cli.invite(Settings(), client_id="900000000000000001", out=out, err=err) == 0
    text = out.getvalue()
    expected = discord.Permissions(
        view_channel=True,
        send_messages=True,
        embed_links=True,
        read_message_history=True,
        create_events=True,
    ).value
    assert expected == 1024 + 2048 + 16384 + 65536 + (1 << 44)
    assert (
        "https://discord.com/oauth2/authorize?client_id=900000000000000001"
        f"&scope=bot%20applications.commands&permissions={expected}"
    ) in text
    for name in (
        "View Channel",
        "Send Messages",
        "Embed Links",
        "Read Message History",
        "Create Events",
    ):
        assert f"  - {name}: " in text
    assert err.getvalue() == ""


def test_the_invite_takes_the_id_from_the_environment_or_says_where_to_find_it():
    out, err = io.StringIO(), io.StringIO()
    assert (
        cli.invite(
            Settings(), client_id=None, env={"DISCORD_CLIENT_ID": "900000000000000001"}, out=out
        )
        == 0
    )
    assert "client_id=900000000000000001&" in out.getvalue()
    assert cli.invite(Settings(), client_id=None, env={}, out=out, err=err) == 2
    assert err.getvalue().startswith(
        "rapport: Give the application id with --client-id or in DISCORD_CLIENT_ID"
    )
    err = io.StringIO()
    assert cli.invite(Settings(), client_id="rapport-bot", env={}, out=out, err=err) == 2
    assert err.getvalue() == (
        "rapport: --client-id must be the numeric application id, like 123456789012345678.\n"
    )
