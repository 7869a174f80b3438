"""The platform doubles the deployment tests run the bot against: the Slack fake and the
Discord double, as tests/slack and tests/discord_adapter set them up."""

from tests.discord_adapter.conftest import discord_api
from tests.slack.conftest import fake, pace

__all__ = ["discord_api", "fake", "pace"]
