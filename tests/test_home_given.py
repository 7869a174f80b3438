"""Found in review: the page's "Referrals you gave" reads the newest 200 referrals the member gave and
then keeps the open ones (bot/features/home/content.py _referrals), so a member with 200 newer
closed ones never sees an older one still being worked: the page says nothing is."""

from __future__ import annotations

from tests.conftest import Chat
from tests.test_home import JANE, club, homes  # noqa: F401 (fixtures)

BACKENDS = ("sqlite", "postgresql")


async def test_an_open_referral_given_long_ago_is_still_on_the_givers_page(
    club: Chat,  # noqa: F811
    repo,
) -> None:
    assert "#1" in await club("alice", JANE)
    async with repo.transaction() as tx:
        [first] = await tx._all("SELECT * FROM referrals WHERE id = 1")
        cols = [c for c in dict(first) if c != "id"]
        picked = ", ".join("'won'" if c == "status" else c for c in cols)
        for _ in range(200):  # two hundred referrals since, all closed
            await tx._db.execute(
                f"INSERT INTO referrals ({', '.join(cols)}) SELECT {picked} FROM referrals WHERE id = 1"
            )
    page = await club("alice", "/rapport me")
    assert "#1 referral to" in page


async def test_the_givers_page_lists_the_open_referrals_and_not_the_closed_ones(
    club: Chat,  # noqa: F811
) -> None:
    assert "#1" in await club("alice", JANE)
    assert "#2" in await club("alice", "/referral @carol Tom Lee tom@lee.example -- a roof")
    assert "#3" in await club("alice", "/referral @bob Ann Oak ann@oak.example -- a boiler")
    lost = await club("carol", "/referrals update 2 lost -- went elsewhere")
    withdrawn = await club("alice", "/referrals withdraw 3 -- entered twice")
    assert lost.startswith("#2 is now no sale") and withdrawn.startswith("#3 is withdrawn")
    page = await club("alice", "/rapport me")
    assert "#1 referral to" in page
    assert "#2 referral to" not in page and "#3 referral to" not in page
