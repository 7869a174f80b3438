"""`/rapport me`: the member's page as one private reply."""

from __future__ import annotations

from bot.features.home.commands import ShowHome
from bot.features.home.content import dashboard
from bot.out import OutMessage
from bot.work import Work


async def show_home(w: Work, cmd: ShowHome) -> list[OutMessage]:
    group = await w.group()
    me = await w.actor(group)
    return [(await dashboard(w, group, me)).as_message()]
