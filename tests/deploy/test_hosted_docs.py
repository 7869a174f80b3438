"""The README's "Slack for many workspaces" and "Discord shards" and the env example agree
with the code: the variables named are the ones `rapport slack` reads, and every shard
command shown is one `rapport discord` takes."""

from __future__ import annotations

import re
import shlex

from adapters.discord.shards import parse_shards
from adapters.slack.cli import read_env
from bot.config import SlackSettings
from tests.deploy.test_deploy_files import REPO, cli, env_names

README = (REPO / "README.md").read_text(encoding="utf-8")
NAMES = SlackSettings()
MANY = (NAMES.client_id_env, NAMES.client_secret_env, NAMES.redirect_uri_env)


def section(title: str) -> str:
    m = re.search(rf"^### {title}\n(.*?)(?=^### )", README, re.MULTILINE | re.DOTALL)
    assert m, title
    return m.group(1)


def prose(text: str) -> str:
    """As read: emphasis marks dropped, lines joined."""
    return " ".join(text.replace("**", "").split())


def test_the_env_example_and_the_readme_name_the_variables_many_workspaces_read():
    example = env_names(REPO / ".env.example")
    assert set(MANY) <= set(example)
    text = section("Slack for many workspaces")
    for name in (*MANY, NAMES.signing_secret_env):
        assert f"export {name}=" in text
    # what the README exports is enough for `rapport slack --http` to serve many workspaces
    exported = dict.fromkeys(re.findall(r"export (SLACK_[A-Z_]+)=", text), "https://x.example")
    assert read_env(NAMES, http=True, environ=exported).oauth is not None


def test_the_readme_says_the_database_and_its_backups_hold_the_tokens():
    text = section("Slack for many workspaces")
    assert "bot tokens are stored in Rapport's database" in prose(text)
    assert "its backups are secrets" in prose(text)
    assert "installations' bot tokens" in prose(section("Backups"))


def test_every_shard_command_in_the_readme_is_one_rapport_takes():
    text = section("Discord shards")
    commands = re.findall(r"^rapport (discord --shards[^#\n]*)", text, re.MULTILINE)
    assert len(commands) == 3
    for command in commands:
        args = cli(shlex.split(command))
        assert parse_shards(args.shards, args.shard_ids) is not None
    # processes sharing shards need one database they can all reach: PostgreSQL
    assert "Several Discord processes share one database on PostgreSQL" in prose(text)
    assert "so there run the shards in one process" in prose(text)
