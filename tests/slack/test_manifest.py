"""manifest.yml and the app agree: every command registered is in the manifest with
should_escape (so mentions arrive as ids), Socket Mode and interactivity are on, and the bot
asks for the five scopes it uses and no more."""

from __future__ import annotations

import re
from pathlib import Path

from adapters.slack.app import COMMANDS

MANIFEST = (Path(__file__).resolve().parents[2] / "adapters/slack/manifest.yml").read_text()


def section(name: str) -> str:
    """The indented lines under a top-level or nested `name:` key."""
    m = re.search(rf"^(\s*){name}:\n((?:\1\s+.*\n|\s*#.*\n)+)", MANIFEST, re.MULTILINE)
    assert m, name
    return m.group(2)


def test_every_command_is_in_the_manifest_with_escaping_on():
    items = re.split(r"\n\s*- command: ", "\n" + section("slash_commands"))[1:]
    commands = {item.split()[0]: item for item in items}
    assert set(commands) == set(COMMANDS)
    for name, item in commands.items():
        assert re.search(r"^\s*should_escape: true\b", item, re.MULTILINE), name


def test_only_the_scopes_the_bot_uses():
    bot = section("bot")
    scopes = re.findall(r"^\s*- ([a-z:.]+)", bot, re.MULTILINE)
    assert sorted(scopes) == ["chat:write", "commands", "files:write", "im:write", "users:read"]


def test_socket_mode_and_interactivity_are_on():
    assert re.search(r"^  socket_mode_enabled: true$", MANIFEST, re.MULTILINE)
    assert re.search(r"^    is_enabled: true\b", section("interactivity"), re.MULTILINE)


def test_the_bot_is_called_what_the_invite_hint_says():
    from adapters.slack.messenger import BOT_NAME

    assert re.search(rf"^    display_name: {BOT_NAME}\b", MANIFEST, re.MULTILINE)


def test_the_home_tab_is_on_and_its_event_subscribed():
    import yaml

    manifest = yaml.safe_load(MANIFEST)
    assert manifest["features"]["app_home"]["home_tab_enabled"] is True
    assert "app_home_opened" in manifest["settings"]["event_subscriptions"]["bot_events"]
