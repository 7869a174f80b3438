"""Power teams: members whose trades serve the same clients (a contact sphere) refer each
other most. `/rapport gaps` shows a member their power team in the group and the seats in
their sphere worth inviting someone for; the admin sees every open seat by sphere."""

from __future__ import annotations

from functools import lru_cache

from bot import messages
from bot.features.insight.commands import ShowGaps
from bot.model import Member
from bot.out import OutMessage
from bot.spheres import Catalogue, Sphere, load_catalogue
from bot.work import Work


@lru_cache(maxsize=4)
def catalogue(path: str) -> Catalogue:
    return load_catalogue(path or None)


@lru_cache(maxsize=4096)
def _placed(path: str, classification: str) -> tuple[str, str] | None:
    found = catalogue(path).match(classification)
    return (found[0].name, found[1]) if found else None


def place(path: str, member: Member) -> tuple[Sphere, str] | None:
    """The sphere and trade a member's classification falls in, if the catalogue knows it."""
    if not member.classification:
        return None
    found = _placed(path, member.classification)
    return (catalogue(path).sphere(found[0]), found[1]) if found else None


async def gaps(w: Work, cmd: ShowGaps) -> list[OutMessage]:
    group = await w.group()
    me = await w.actor(group)
    path = w.settings.insight.spheres_file
    cat = catalogue(path)
    members = await w.tx.members.of_group(group.id)
    held: dict[str, list[Member]] = {}
    for m in members:
        spot = place(path, m)
        if spot:
            held.setdefault(spot[1], []).append(m)
    replies = []
    mine = place(path, me)
    if mine is None:
        replies.append(messages.gaps_unplaced(me.classification, [s.name for s in cat.spheres]))
    else:
        sphere, trade = mine
        team = [
            (m, t) for t in sphere.trades if t != trade for m in held.get(t, []) if m.id != me.id
        ]
        open_seats = [t for t in sphere.trades if t not in held]
        replies.append(messages.gaps_own(sphere.name, trade, team, open_seats))
    if me.is_admin:
        by_sphere = [(s.name, [t for t in s.trades if t not in held]) for s in cat.spheres]
        unplaced = [m for m in members if m.classification and place(path, m) is None]
        replies.append(messages.gaps_all(by_sphere, unplaced))
    return replies
