"""A list that shortens a long ask points to /rapport profile @member: there, any member
reads another's seat and whole ask (and only that: email, time zone and quiet hours stay
the member's own). /rapport profile alone is still your own profile."""

from __future__ import annotations

from tests.conftest import Chat

ASK = "homeowners planning a kitchen remodel before winter, " * 15


async def test_a_member_reads_another_members_seat_and_whole_ask(group: Chat) -> None:
    await group("bob", f"/rapport profile ask {ASK}")
    await group("bob", "/rapport profile email bob@plumbing.example")

    [shown] = await group.messages("carol", "/rapport profile @bob")

    assert shown.fallback() == (
        f"@bob in Breakfast Club:\nClassification: Residential plumbing\nAsk: {ASK.strip()}"
    )
    assert "bob@plumbing.example" not in shown.fallback()
    assert shown.pings() == ()  # reading a profile notifies nobody


async def test_profile_with_your_own_mention_or_none_is_your_own(group: Chat) -> None:
    [own] = await group.messages("bob", "/rapport profile")
    [same] = await group.messages("bob", "/rapport profile @bob")
    assert own.fallback() == same.fallback()
    assert "Quiet hours" in own.fallback()


async def test_a_profile_names_one_member(group: Chat) -> None:
    assert await group("carol", "/rapport profile @bob @alice") == (
        "Name one member, e.g. /rapport profile @bob.\n"
        "Usage: /rapport profile\n"
        "       /rapport profile @member\n"
        "       /rapport profile ask <the referral you want>\n"
        "       /rapport profile email <address>\n"
        "       /rapport profile tz <Area/City>\n"
        "       /rapport profile quiet <HH:MM-HH:MM>\n"
        "       /rapport profile dm on|off\n"
        "       /rapport profile phone <number>|none\n"
        "       /rapport profile website <url>|none\n"
        "       /rapport profile share email on|off\n"
        "Example: /rapport profile ask homeowners planning a kitchen remodel"
    )
    assert "isn't on" in await group("carol", "/rapport profile @zed")
