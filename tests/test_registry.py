"""The registry is the one list of commands: every command in it has help with an example that
runs, a handler for everything its parser makes, and a place on Slack and on Discord."""

from __future__ import annotations

import importlib
from datetime import date
from pathlib import Path
from typing import get_args

import pytest
import yaml

from adapters.discord.leadership import leadership_group
from adapters.discord.rapport import rapport_group
from adapters.discord.slash import direct_commands
from adapters.slack.app import COMMANDS as SLACK_COMMANDS
from bot import commands, messages, usage
from bot.command_spec import CommandSpec
from bot.registry import COMMANDS, HANDLERS, SLASH_COMMANDS, SPECS, parse
from tests.conftest import Chat

MANIFEST = Path(__file__).resolve().parents[1] / "adapters" / "slack" / "manifest.yml"
TODAY = date(2026, 11, 2)


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.name)
def test_every_command_has_help_with_an_example_that_it_runs(spec: CommandSpec) -> None:
    use, example, what = usage.USAGE[spec.name]
    assert use.split()[0] == spec.name and what
    assert example.split()[0] == spec.name
    cmd = parse("/rapport " + usage.fill_dates(example, TODAY))
    assert type(cmd) in spec.handlers, f"the example of {spec.name} makes {type(cmd).__name__}"


async def test_help_lists_every_registered_command_in_the_registry_order(chat: Chat) -> None:
    [reply] = await chat.messages("alice", "/rapport help")
    listed = [line.split(" — ")[0] for line in reply.fallback().splitlines()[1:-1]]
    names = [s.name for s in SPECS if s.name != "help"] + ["help"]
    assert listed == [messages.slash(n) for n in names]


def test_every_command_type_has_one_handler_and_every_name_one_command() -> None:
    assert set(get_args(commands.Command)) == set(HANDLERS)
    assert set(usage.USAGE) == {s.name for s in SPECS}
    for spec in SPECS:
        assert spec.reads <= set(spec.handlers)
        for word in (spec.name, *spec.aliases):
            assert COMMANDS[word] == spec.name


def test_every_command_is_registered_on_slack() -> None:
    """Slack sends /rapport <anything> to the parser; the commands of their own are in the
    app's manifest, and the app listens to each."""
    manifest = yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))
    registered = [c["command"] for c in manifest["features"]["slash_commands"]]
    assert registered == list(SLASH_COMMANDS) == list(SLACK_COMMANDS)
    assert {s.name for s in SPECS if s.own_slash} == set(messages.DIRECT)


def test_every_command_is_registered_on_discord() -> None:
    top = {c.name for c in direct_commands()}
    under = {c.name: c for c in rapport_group().commands}
    for spec in SPECS:
        if spec.own_slash:
            assert spec.name in top, spec.name
        elif spec.on_discord:
            for place in spec.on_discord:
                group, _, sub = place.partition(" ")
                if group == "/leadership":  # a command of its own beside /rapport
                    assert sub in {c.name for c in leadership_group().commands}, place
                    continue
                assert sub in {c.name for c in under[group].commands}, place  # type: ignore[union-attr]
        else:
            assert spec.name in under, spec.name


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.name)
def test_each_command_lives_in_one_slice(spec: CommandSpec) -> None:
    """A command's spec, parser, Command types, handlers and usage are all in one folder,
    bot/features/<area>/, so a reader finds everything about it in one place."""
    parts = spec.parse.__module__.split(".")
    assert parts[:2] == ["bot", "features"] and parts[3:] == ["commands"], spec.parse.__module__
    area = ".".join(parts[:3])
    assert spec in importlib.import_module(f"{area}.specs").SPECS
    for kind, handler in spec.handlers.items():
        assert kind.__module__ == f"{area}.commands", kind
        assert handler.__module__.startswith(f"{area}."), handler
    assert spec.name in importlib.import_module(f"{area}.messages").USAGE
