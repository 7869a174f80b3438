"""A big chapter for the long-list tests: 120 members whose names, asks and visitors come in
many scripts (Cyrillic, CJK, Arabic, emoji) and with `&<>` to escape, and a week in which
every one of them gave a referral, was thanked and invited a visitor.

The week is written through the real repository (SQLite), as the commands would have left
it, so each adapter's test spends its time on what it tests: the recap, the reminders and
the admin's views, rendered and delivered through that adapter's own harness.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.model import ChannelRef, Kind, Member, UserRef, seat_key
from bot.stores import Repository, UnitOfWork

SIZE = 120

SAMPLES = (
    "Thabo Mokoena",
    "Анастасия Петрова-Водкина",
    "王小明",
    "José Álvarez 🌻",
    "Bob & Sons <Plumbing>",
    "عمر الفاروق",
    "Zoë O'Neill",
    "😀😃😄 Smiles",
    "Ngũgĩ wa Thiong'o",
    "김민준",
)
ASKS = (
    "homeowners planning a kitchen & bathroom remodel <before winter> ",
    "владельцы малого бизнеса, которым нужен бухгалтер ",
    "正在寻找办公室装修的公司 ",
    "🏠 first-time buyers 🏡 ",
)


def names(n: int, longest: int) -> list[str]:
    """`n` distinct display names of at most `longest` characters; every seventh is all
    ampersands (five characters each once Slack escapes them)."""
    out = []
    for i in range(n):
        tag = f" {i}"
        if i % 7 == 3:
            name = "&" * (longest - len(tag)) + tag
        else:
            name = (SAMPLES[i % len(SAMPLES)] + tag)[-longest:]
        out.append(name)
    assert len(set(out)) == n
    return out


def ask(i: int, length: int = 1000) -> str:
    """A long ask, in a script that depends on `i`, about `length` characters; every fifth
    is all ampersands (5,000 characters once Slack escapes it: more than a section holds)."""
    if i % 5 == 2:
        return ("& " * length)[: length - 1]
    text = ASKS[i % len(ASKS)] * (length // len(ASKS[i % len(ASKS)]) + 1)
    return text[: length - 1].rstrip() + "."


@dataclass
class Week:
    group_id: int
    members: list[Member]  # everyone on the roster, the seeded and those who joined
    visitors: list[str]
    seats: list[str]  # open seats the admin listed


async def seed(repo: Repository, channel: ChannelRef, people: list[UserRef], at: int) -> Week:
    """`people` join the group in `channel` 100 days before `at`; at `at` each gives the next
    a referral, is thanked by them and brings a visitor; the admin lists 40 open seats."""

    async def work(tx: UnitOfWork) -> Week:
        group = await tx.groups.by_channel(channel)
        assert group is not None
        joined = at - 100 * 86400  # before the quarter: each is a "first referral this quarter"
        for i, user in enumerate(people):
            m = await tx.members.add(group.id, user, False, joined)
            trade = f"Quuxwright grade {i}"
            await tx.members.update(
                m.id, classification=trade, seat_key=seat_key(trade), ask=ask(i)
            )
        members = await tx.members.of_group(group.id)
        visitors = []
        for i, m in enumerate(members):
            other = members[(i + 1) % len(members)]
            await tx.referrals.add(
                group_id=group.id,
                giver_id=m.id,
                receiver_id=other.id,
                kind=Kind.REFERRAL,
                prospect=f"Prospect {i}",
                email=f"p{i}@example.com",
                phone=None,
                need=None,
                heat=3,
                inside=False,
                now=at,
                request_key=None,
            )
            await tx.thanks.add(
                group_id=group.id, from_id=other.id, to_id=m.id, referral_id=None, note=None, now=at
            )
            visitor = f"{SAMPLES[i % len(SAMPLES)]} visitor {i}"
            await tx.attendance.add_visitor(group.id, visitor, m.id, at)
            visitors.append(visitor)
        seats = [f"Seat {i}: Кровельщик & <roofer> 屋顶" for i in range(40)]
        for c in seats:
            await tx.seats.add_wanted(group.id, seat_key(c), c)
        return Week(group.id, members, visitors, seats)

    return await repo.atomic(work)
