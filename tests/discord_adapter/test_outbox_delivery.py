"""The outbox through the real discord.py client and the fake Discord: a DM whose answer was
lost on the way back is not posted twice (the delivery key is Discord's nonce), and a payload
Discord refuses (400, 50035 Invalid Form Body) is tried once, never again, and the group's
admin is told once which message could not be delivered and why."""

from __future__ import annotations

from adapters.discord.pace import WINDOW, RequestPace
from tests.discord_adapter.conftest import Bot, rows, text
from tests.discord_adapter.fake_discord import CHANNEL_ID, FakeDiscord
from tests.discord_adapter.payloads import ALICE, BOB, CAROL
from tests.fakes import FakeClock, FakeMonotonic


def creates(api: FakeDiscord, channel: int) -> list[dict]:
    return [
        c.body
        for c in api.calls
        if c.method == "POST" and c.path == f"/channels/{channel}/messages"
    ]


async def test_a_dm_whose_answer_was_lost_is_not_posted_twice(
    group: Bot, discord_api: FakeDiscord, clock: FakeClock
) -> None:
    discord_api.lost_dm_answers = 1  # the connection drops after Discord stored Bob's DM
    [answer] = await group.type(
        ALICE, "referral", member=BOB, prospect="Jane Roe", email="jane@roe.example"
    )
    assert answer.startswith("Referral #1 to")
    [row] = await rows(group, "SELECT state, attempts FROM outbox WHERE target LIKE '%\"dm\"%'")
    assert row == {"state": "pending", "attempts": 1}  # no answer: the outbox tries again

    clock.advance(minutes=1)
    await group.tick()

    [dm] = discord_api.dms_to(BOB.id)  # once, though it was sent twice
    assert "Jane Roe" in text(dm)
    sent = creates(discord_api, discord_api.dm_channels[BOB.id])
    assert len(sent) == 2
    assert {(b["nonce"], b["enforce_nonce"]) for b in sent} == {("outbox-5-0", True)}  # the first (only) part

    [row] = await rows(group, "SELECT id, state, attempts FROM outbox WHERE target LIKE '%\"dm\"%'")
    assert row == {"id": 5, "state": "sent", "attempts": 2}


async def test_a_post_discord_refuses_is_tried_once_and_the_admin_told_once(
    group: Bot, discord_api: FakeDiscord, clock: FakeClock
) -> None:
    before = len(creates(discord_api, CHANNEL_ID))
    discord_api.invalid_form.add(CHANNEL_ID)

    [moved] = await group.type(CAROL, "rapport", "join", classification="Roof repairs")

    assert moved.startswith("You moved from Roofing to the Roof repairs seat")
    [told] = discord_api.dms_to(ALICE.id)
    # Discord's own words are echoed as text, never as markdown (Discord shows "\_" as "_")
    assert text(told) == (
        "I couldn't deliver a message for Breakfast Club in #general: Discord refused the"
        " message (400/50035: Invalid Form Body; In allowed\\_mentions.users: Must be 100 or"
        " fewer in length.). It would be refused the same way again, so I won't retry it."
        " Please pass this on to whoever runs Rapport for your group."
    )
    for _ in range(4):  # hours pass: it is never tried again, the admin never told again
        clock.advance(hours=1)
        await group.tick()
    assert len(creates(discord_api, CHANNEL_ID)) == before + 1
    assert len(discord_api.dms_to(ALICE.id)) == 1
    [row] = await rows(group, "SELECT state, attempts, last_error FROM outbox WHERE id = 5")
    assert row == {
        "state": "failed",
        "attempts": 1,
        "last_error": "refused: Discord refused the message (400/50035: Invalid Form Body;"
        " In allowed_mentions.users: Must be 100 or fewer in length.)",
    }


async def test_requests_keep_within_discords_global_limit_without_waiting_for_real() -> None:
    time = FakeMonotonic()
    pace = RequestPace(monotonic=time.monotonic, sleep=time.sleep)
    sent = []
    for _ in range(120):
        await pace.take()
        sent.append(time.now)
    assert sent[:50] == [1000.0] * 50  # a burst within the limit goes at once
    for i in range(len(sent)):  # never more than 50 in any second (and a twentieth or so)
        assert sum(1 for t in sent if sent[i] <= t < sent[i] + WINDOW) <= 50
    assert sent[-1] - sent[0] < 3 * WINDOW  # and no slower than that


async def test_after_a_global_429_nothing_more_goes_in_that_second() -> None:
    time = FakeMonotonic()
    holds = [True]

    async def held() -> bool:
        return bool(holds and holds.pop())

    pace = RequestPace(held=held, monotonic=time.monotonic, sleep=time.sleep)
    await pace.take()
    assert time.now == 1000.0 + WINDOW  # the hold used the second up
