"""Slack's MentionResolver: `<@U123>` and `<@U123|name>` tokens become members.

Only escaped mentions resolve: a plain `@bob` is a name, and a name is never guessed (the
core then answers with how to pick the member from Slack's mention list). Bots and
deactivated accounts cannot be given referrals: they raise NotAPerson, and the core says so.
"""

from __future__ import annotations

import re

from adapters.slack.directory import Directory
from adapters.slack.translate import PLATFORM
from bot.model import UserRef
from bot.ports import NotAPerson

MENTION = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^<>]*)?>")


class SlackResolver:
    def __init__(self, directory: Directory) -> None:
        self.directory = directory

    async def resolve(self, raw: str, workspace: str) -> UserRef | None:
        m = MENTION.fullmatch(raw.strip())
        if m is None:
            return None
        user = await self.directory.user(m.group(1), workspace)
        if user is None:
            return None
        if user.is_bot or user.deleted:
            raise NotAPerson(m.group(1))
        return UserRef(PLATFORM, workspace, user.id, user.name)
