"""Where a member stands, on one page: Alice passes Bob a referral; Bob's page shows it with
the buttons that move it on, Alice's shows it waiting; each change refreshes the pages it
touched once, through the outbox, built from the state when it goes."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import pytest

from bot.config import Settings
from bot.features.home import refresh
from bot.features.home.content import Dashboard
from bot.model import UserRef
from bot.service import Core
from storage.sqlite import SqliteRepository
from tests.conftest import Chat, both
from tests.fakes import FakeClock, FakeResolver, RecordingMessenger, channel, user

BACKENDS = both

JANE = "/referral @bob Jane Roe jane@roe.example -- a new boiler heat:4"


@dataclass
class HomeMessenger(RecordingMessenger):
    """A platform with a page per person (Slack's Home tab): records each page published."""

    pages: list[tuple[UserRef, Dashboard]] = field(default_factory=list)

    async def publish_home(self, user: UserRef, page: Dashboard) -> None:
        self.pages.append((user, page))

    def pages_of(self, handle: str) -> list[Dashboard]:
        return [p for u, p in self.pages if u.user_id == handle]


def text(page: Dashboard) -> str:
    return page.as_message().fallback()


@pytest.fixture
def homes() -> HomeMessenger:
    return HomeMessenger()


@pytest.fixture
async def club(
    repo: SqliteRepository, homes: HomeMessenger, clock: FakeClock, settings: Settings
) -> AsyncIterator[Chat]:
    chat = Chat(Core(repo, homes, clock, FakeResolver(), settings), channel())
    assert "set up" in await chat("alice", "/rapport setup Breakfast Club")
    for who, seat in (("alice", "Insurance"), ("bob", "Plumbing"), ("carol", "Roofing")):
        assert "Welcome" in await chat(who, f"/rapport join {seat}")
    homes.clear()
    homes.pages.clear()
    yield chat


async def test_me_shows_what_waits_on_bob_with_the_buttons_that_move_it(group: Chat) -> None:
    await group("alice", JANE)
    await group("bob", "/rapport profile ask restaurant owners")

    [page] = await group.messages("bob", "/rapport me")

    said = page.fallback()
    assert page.title == "Where you stand in Breakfast Club" and page.ephemeral
    assert "Referrals waiting on you: #1 referral from @alice: Jane Roe — open" in said
    assert "This week: 0 referrals given, 1 received" in said
    assert "Your ask: restaurant owners" in said
    assert [a.label for a in page.actions] == [
        "#1 Contacted",
        "#1 Meeting booked",
        "#1 Won",
        "#1 No sale",
        "#1 Snooze 1 day",
    ]
    assert page.pings() == ()  # a page names people, it never notifies them
    # the giver sees it waiting, with no buttons: it is Bob's to move
    [alices] = await group.messages("alice", "/rapport me")
    assert "Referrals you gave, still being worked: #1 referral to @bob: Jane Roe — open" in (
        alices.fallback()
    )
    assert alices.actions == ()


async def test_a_button_on_the_page_is_the_dms_button(group: Chat) -> None:
    await group("alice", JANE)
    [page] = await group.messages("bob", "/rapport me")
    contacted = next(a for a in page.actions if a.label == "#1 Contacted")

    assert await group.click("bob", contacted.action_id) == (
        "#1 is now contacted. I've let @alice know."
    )

    [page] = await group.messages("bob", "/rapport me")
    assert "#1 referral from @alice: Jane Roe — contacted" in page.fallback()
    # forward only: contacted is behind it now
    assert [a.label for a in page.actions] == [
        "#1 Meeting booked",
        "#1 Won",
        "#1 No sale",
        "#1 Snooze 1 day",
    ]


async def test_the_meeting_and_rsvp_with_their_buttons(group: Chat) -> None:
    await group("alice", "/rapport meeting set Wednesday 07:00 Africa/Johannesburg -- Hotel")
    [page] = await group.messages("carol", "/rapport me")
    assert "Next meeting: Wed 2 Dec 07:00, Hotel" in page.fallback()
    assert "You haven't answered yet" in page.fallback()
    rsvp = [a for a in page.actions if a.action_id.startswith("rsvp:")]
    assert [a.label for a in rsvp] == ["Attending", "Sending a substitute", "Can't make it"]

    await group.click("carol", rsvp[0].action_id)

    [page] = await group.messages("carol", "/rapport me")
    assert "You're attending." in page.fallback()


async def test_many_open_referrals_keep_every_line_and_name_those_without_buttons(
    group: Chat,
) -> None:
    for n in range(7):
        await group("alice", f"/referral @bob Prospect {n} p{n}@x.example")

    [page] = await group.messages("bob", "/rapport me")

    said = page.fallback()
    assert all(f"Prospect {n}" in said for n in range(7))
    assert len(page.actions) == 25  # five referrals' five buttons: a message's most
    assert "2 referrals above have no buttons here" in said


async def test_someone_in_no_group_is_told_how_to_start_one(chat: Chat) -> None:
    said = await chat("dave", "/rapport me")
    assert "/rapport setup" in said


async def test_each_change_refreshes_the_pages_it_touched_once(
    club: Chat, homes: HomeMessenger
) -> None:
    await club("alice", JANE)

    # Alice gave it, Bob was told: their pages, once each; Carol's did not change
    assert len(homes.pages_of("alice")) == 1
    [bobs] = homes.pages_of("bob")
    assert homes.pages_of("carol") == []
    assert "#1 referral from @alice: Jane Roe — open" in text(bobs)

    await club("bob", "/referrals update 1 contacted")
    [_, bobs] = homes.pages_of("bob")
    assert "Jane Roe — contacted" in text(bobs)
    assert "Jane Roe — contacted" in text(homes.pages_of("alice")[-1])


async def test_reading_refreshes_nothing_and_a_meeting_refreshes_everyone(
    club: Chat, homes: HomeMessenger
) -> None:
    await club("carol", "/rapport stats")
    assert homes.pages == []

    await club("alice", "/rapport meeting set Wednesday 07:00 Africa/Johannesburg")

    assert sorted(u.user_id for u, _ in homes.pages) == ["alice", "bob", "carol"]


async def test_refreshes_waiting_to_go_are_one(repo: SqliteRepository, clock: FakeClock) -> None:
    bob = user("bob")
    now = int(clock.now().timestamp())
    async with repo.transaction() as tx:
        assert await refresh.queue(tx, [bob, bob], now) == 1
        assert await refresh.queue(tx, [bob], now) == 0  # one still waiting: it shows this too
        assert await refresh.queue(tx, [user("carol")], now) == 1
        [item] = [i for i in await tx.outbox.claim(now, 10, now - 300) if i.target.user_id == "bob"]
        # claimed (going out now): a change from here on needs a refresh of its own
        assert await refresh.queue(tx, [bob], now) == 1
        assert item.message.kind == "home.refresh"
        assert item.target.display_name == ""  # by id alone: a row that keeps no one's name


async def test_a_refresh_queued_before_a_restart_goes_after_it(
    repo: SqliteRepository, clock: FakeClock, settings: Settings
) -> None:
    first = HomeMessenger()
    chat = Chat(Core(repo, first, clock, FakeResolver(), settings), channel())
    await chat("alice", "/rapport setup Breakfast Club")
    await chat("alice", "/rapport join Insurance")
    async with repo.transaction() as tx:
        await refresh.queue(tx, [user("alice")], int(clock.now().timestamp()))

    later = HomeMessenger()
    core = Core(repo, later, clock, FakeResolver(), settings)
    await core.deliver()

    [page] = later.pages_of("alice")
    assert page.title == "Where you stand in Breakfast Club"


async def test_a_member_of_two_groups_here_sees_the_first_and_is_told(
    club: Chat, homes: HomeMessenger
) -> None:
    lunch = channel("lunch")
    assert "set up" in await club("carol", "/rapport setup Lunch Club", where=lunch)
    await club("bob", "/rapport join Plumbing", where=lunch)

    [*_, page] = homes.pages_of("bob")

    assert page.title == "Where you stand in Breakfast Club"
    assert "You are in 1 other group here too; this page shows Breakfast Club" in text(page)
    # in the other group's channel, /rapport me is that group's
    [there] = await club.messages("bob", "/rapport me", where=lunch)
    assert there.title == "Where you stand in Lunch Club"


async def test_duties_at_the_next_meeting_presenting_a_swap_offered_and_hosting_visitors(
    group: Chat,
) -> None:
    await group("alice", "/rapport meeting set Wednesday 07:00 Africa/Johannesburg -- Hotel")
    [page] = await group.messages("bob", "/rapport me")
    assert "Your duties this week" not in page.fallback()  # none: the section is left out

    await group("alice", "/rapport presenter 2026-12-02 @bob")
    await group("alice", "/rapport educator 2026-12-02 @carol -- Asking for referrals")
    await group("alice", "/rapport role @carol visitor-host")
    await group("alice", "/rapport visitor Ann Smith")

    [bobs] = await group.messages("bob", "/rapport me")
    assert (
        "You give the feature presentation on 2026-12-02; set your topic with"
        " /rapport presenter 2026-12-02 -- your topic"
    ) in bobs.fallback()
    [carols] = await group.messages("carol", "/rapport me")
    said = carols.fallback()
    assert "You give the education slot on 2026-12-02: Asking for referrals" in said
    assert "You host the visitors on 2026-12-02: 1 visitor expected" in said

    await group("bob", "/rapport presenter swap 2026-12-02 @alice")
    [alices] = await group.messages("alice", "/rapport me")
    assert (
        "You're asked to take the feature presentation on 2026-12-02:"
        " /rapport presenter accept 2026-12-02"
    ) in alices.fallback()
    [bobs] = await group.messages("bob", "/rapport me")
    assert "feature presentation on 2026-12-02" in bobs.fallback()  # his until Alice accepts
