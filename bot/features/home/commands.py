"""`/rapport me`: its parsing and its handler."""

from __future__ import annotations

from bot.commands import Command, ParseError, clean
from bot.features.home.command import ShowHome
from bot.features.home.content import dashboard
from bot.messages import slash
from bot.out import OutMessage
from bot.work import Work


def parse_me(rest: str) -> Command:
    if clean(rest):
        raise ParseError("me", f"Write just {slash('me')}.")
    return ShowHome()


async def show_home(w: Work, cmd: ShowHome) -> list[OutMessage]:
    group = await w.group()
    me = await w.actor(group)
    return [(await dashboard(w, group, me)).as_message()]
