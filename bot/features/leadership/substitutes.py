"""`/rapport sub`: a member names who comes to a meeting in their place.

The RSVP becomes "sending a substitute" and the name (and email) is kept with the member's
record; the meeting's reminder lists the substitutes expected (names only), and the visitor
host (or the admins) is told privately, with the email, to welcome them. An email is a third
party's contact: it goes to the member, the visitor host and the admins, never to a channel.
"""

from __future__ import annotations

from bot.features.attendance.handlers import _meeting_day
from bot.features.attendance.messages import rsvp_past
from bot.features.leadership import messages as wording
from bot.features.leadership.commands import RegisterSub
from bot.features.leadership.duty import tell_holders
from bot.features.leadership.roles import Role, holders
from bot.out import OutMessage
from bot.schedule import local_date
from bot.work import Refusal, Work


async def register_sub(w: Work, cmd: RegisterSub) -> list[OutMessage]:
    group = await w.group()
    me = await w.actor(group)
    day = await _meeting_day(w, group, cmd.day, upcoming=True)
    if day < local_date(w.now, group.tz):
        raise Refusal(rsvp_past(day.isoformat()))
    key = day.isoformat()
    before = {m: (n, e) for m, n, e in await w.tx.palms.substitutes(group.id, key)}.get(me.id)
    hosts = [h for h in await holders(w, group, Role.VISITOR_HOST) if h.id != me.id]
    if before == (cmd.name, cmd.email):
        return [wording.sub_already(cmd.name, key)]
    await w.tx.attendance.set_rsvp(group.id, me.id, key, "substitute")
    await w.tx.palms.set_substitute(group.id, me.id, key, cmd.name, cmd.email)
    told = await tell_holders(
        w, group, hosts, wording.sub_for_host(me, cmd.name, cmd.email, key), me
    )
    return [wording.sub_saved(cmd.name, cmd.email, key, told)]
