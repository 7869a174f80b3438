"""A monthly recap's weekly numbers, read in one query for all its weeks: each week counts
the referrals and leads given in it (not withdrawn ones) and the business closed in it, its
first second in and its last out, on both databases."""

from __future__ import annotations

from bot.model import Kind
from tests.fakes import channel, user

BACKENDS = ("sqlite", "postgresql")
WEEK = 7 * 86400
MONDAY = 1_790_000_000  # any instant: the weeks are [start, end) in UTC seconds


async def test_each_week_counts_what_was_given_and_closed_in_it(repo):
    async def seed(tx):
        group = await tx.groups.create(channel(), "Breakfast Club", "UTC", "ZAR", 0)
        alice = await tx.members.add(group.id, user("alice"), True, 0)
        bob = await tx.members.add(group.id, user("bob"), False, 0)
        other = await tx.groups.create(channel("elsewhere"), "Other", "UTC", "ZAR", 0)
        carol = await tx.members.add(other.id, user("carol"), True, 0)
        dave = await tx.members.add(other.id, user("dave"), False, 0)

        async def give(g, giver, receiver, kind, at):
            return await tx.referrals.add(
                group_id=g.id,
                giver_id=giver.id,
                receiver_id=receiver.id,
                kind=kind,
                prospect="Jane Roe",
                email=None,
                phone=None,
                need=None,
                heat=3,
                inside=False,
                now=at,
                request_key=None,
            )

        await give(group, alice, bob, Kind.REFERRAL, MONDAY)  # week 1's first second
        await give(group, bob, alice, Kind.LEAD, MONDAY + WEEK - 1)  # week 1's last
        await give(group, alice, bob, Kind.REFERRAL, MONDAY + WEEK)  # week 2's first
        taken_back = await give(group, alice, bob, Kind.REFERRAL, MONDAY + WEEK + 60)
        await tx.referrals.end(taken_back.id, "withdrawn", MONDAY + WEEK + 120)
        await give(other, carol, dave, Kind.REFERRAL, MONDAY + 60)  # another group's
        await tx.business.add(
            group_id=group.id,
            referral_id=None,
            giver_id=alice.id,
            receiver_id=bob.id,
            amount_cents=125_000,
            currency="ZAR",
            note=None,
            now=MONDAY + 2 * WEEK + 5,
            repeat=False,
        )
        return group.id

    gid = await repo.atomic(seed)
    starts = [MONDAY, MONDAY + WEEK, MONDAY + 2 * WEEK, MONDAY + 3 * WEEK]
    weekly = await repo.read(lambda tx: tx.numbers.weekly(gid, starts))
    assert weekly == [(1, 1, 0), (1, 0, 0), (0, 0, 125_000), (0, 0, 0)]
    # a week across a clock change is given its own end
    ends = [s + WEEK - 3600 for s in starts]
    assert await repo.read(lambda tx: tx.numbers.weekly(gid, starts[:1], ends[:1])) == [(1, 0, 0)]
    assert await repo.read(lambda tx: tx.numbers.weekly(gid, [])) == []
