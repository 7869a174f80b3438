"""A member whose DMs are closed: the giver learns the referral did not reach them, the

BACKENDS = ("sqlite", "postgresql")  # the storage contract: each test on both databases
member is told the next time they use a command, and nothing is retried in a storm."""


async def test_a_referral_to_a_member_with_closed_dms_tells_the_giver(group, messenger, core):
    messenger.unreachable.add("bob")
    await group("alice", "/referral @bob Jane Roe jane@roe.example -- new geyser")
    assert messenger.dms_to("bob") == []
    [notice] = messenger.dms_to("alice")
    assert "couldn't reach @bob by direct message about Jane Roe (#1)" in notice.text
    # the channel still sees the referral, without Jane's details
    assert [p.text for p in messenger.posts()] == ["@alice passed a referral to @bob."]


async def test_the_member_hears_about_it_once_on_their_next_command(group, messenger):
    messenger.unreachable.add("bob")
    await group("alice", "/referral @bob Jane Roe jane@roe.example")
    first = await group("bob", "/referrals open")
    assert "#1 referral from @alice: Jane Roe" in first
    assert "your settings refused it" in first
    second = await group("bob", "/referrals open")
    assert "your settings refused it" not in second


async def test_no_retry_storm_and_later_nudges_do_not_repeat_the_giver_notice(
    group, messenger, clock, core, repo
):
    messenger.unreachable.add("bob")
    await group("alice", "/referral @bob Jane Roe jane@roe.example heat:5")
    for _ in range(6):  # four days of ticks
        clock.advance(hours=16)
        await core.run_due(clock.now())
    giver_notices = [d for d in messenger.dms_to("alice") if "couldn't reach" in d.text]
    assert len(giver_notices) == 1
    async with repo.transaction() as tx:
        rows = await tx._all("SELECT state, attempts FROM outbox WHERE target LIKE '%\"bob\"%'")
    assert rows and all((r["state"], r["attempts"]) == ("failed", 1) for r in rows)
