"""The card case (seed 003's power connector): a member's card shows their seat, their ask
and only the contact details they chose to share, as text and as a vCard 4.0 file that a
maintained vCard parser (vobject) reads back; the group's cards come in one file; a
forgotten member's card is gone."""

from __future__ import annotations

import json
from pathlib import Path

import vobject

BACKENDS = ("sqlite", "postgresql")


def read_cards(reply) -> list:
    [path] = reply.attachments
    assert path.endswith(".vcf")
    return list(vobject.readComponents(Path(path).read_text(encoding="utf-8")))


async def test_a_card_shows_only_what_the_member_chose_to_share(group):
    await group("bob", "/rapport profile ask homeowners planning a kitchen remodel")
    await group("bob", "/rapport profile email bob@plumbing.example")
    [reply] = await group.messages("alice", "/rapport card @bob")
    text = reply.fallback()
    assert "bob's card in Breakfast Club" in text
    assert "Classification: Residential plumbing" in text
    assert "Looking for: homeowners planning a kitchen remodel" in text
    assert "bob@plumbing.example" not in text  # not shared yet
    [card] = read_cards(reply)
    assert card.version.value == "4.0"
    assert card.fn.value == "bob"
    assert card.title.value == "Residential plumbing"
    assert "Looking for: homeowners planning a kitchen remodel" in card.note.value
    assert not hasattr(card, "email") and not hasattr(card, "tel") and not hasattr(card, "url")


async def test_phone_website_and_email_go_on_the_card_when_given(group):
    said = await group("bob", "/rapport profile phone 082 555 0134")
    assert "+27 82 555 0134" in said  # the group's country (Africa/Johannesburg) reads it
    assert "bob.example" in await group("bob", "/rapport profile website bob.example/plumbing")
    await group("bob", "/rapport profile email bob@plumbing.example")
    assert "bob@plumbing.example" in await group("bob", "/rapport profile share email on")
    [reply] = await group.messages("carol", "/rapport card @bob")
    text = reply.fallback()
    assert "Phone: +27 82 555 0134" in text
    assert "Email: bob@plumbing.example" in text
    assert "Website: https://bob.example/plumbing" in text
    [card] = read_cards(reply)
    assert card.tel.value == "tel:+27825550134"
    assert card.tel.params["VALUE"] == ["uri"]
    assert card.email.value == "bob@plumbing.example"
    assert card.url.value == "https://bob.example/plumbing"

    # taken off again
    await group("bob", "/rapport profile phone none")
    await group("bob", "/rapport profile share email off")
    [card] = read_cards((await group.messages("carol", "/rapport card @bob"))[0])
    assert not hasattr(card, "tel") and not hasattr(card, "email")
    assert card.url.value == "https://bob.example/plumbing"


async def test_bad_phone_and_website_are_refused_saying_how_to_write_them(group):
    said = await group("bob", "/rapport profile phone 12")
    assert "is not a phone number" in said and "082 555 0134" in said
    said = await group("bob", "/rapport profile website ftp://files.example")
    assert "https://" in said and "must start with" in said
    said = await group("bob", "/rapport profile website not a site")
    assert "is not a website address" in said and "https://bob.example" in said
    said = await group("bob", "/rapport profile share phone on")
    assert "share email on" in said
    [reply] = await group.messages("carol", "/rapport card @bob")
    assert not hasattr(read_cards(reply)[0], "tel")


async def test_the_card_case_holds_every_seated_member_in_one_file(group):
    await group("alice", "/rapport profile website https://alice-insures.example")
    await group("carol", "/rapport profile ask <@everyone> landlords with old roofs")
    [reply] = await group.messages("bob", "/rapport cards")
    assert "3 cards in one vCard file" in reply.fallback()
    cards = read_cards(reply)
    assert [c.fn.value for c in cards] == ["alice", "bob", "carol"]
    assert cards[0].url.value == "https://alice-insures.example"
    assert "landlords with old roofs" in cards[2].note.value
    uids = {c.uid.value for c in cards}
    assert len(uids) == 3
    # the same card next time: a phone updates the contact instead of adding one
    [again] = await group.messages("bob", "/rapport cards")
    assert {c.uid.value for c in read_cards(again)} == uids


async def test_an_echoed_ask_never_pings(group):
    await group("carol", "/rapport profile ask @everyone who owns a roof")
    [reply] = await group.messages("bob", "/rapport card @carol")
    assert reply.pings() == ()


async def test_a_forgotten_members_card_is_gone_and_my_data_has_it(group):
    await group("bob", "/rapport profile phone +44 20 7946 0958")
    await group("bob", "/rapport profile website https://bob.example")
    [mine] = await group.messages("bob", "/rapport my-data")
    data = json.loads(Path(mine.attachments[0]).read_text(encoding="utf-8"))
    assert data["card"] == [
        {"phone": "+442079460958", "website": "https://bob.example", "share_email": 0}
    ]
    await group("bob", "/rapport forget-me confirm")
    said = await group("alice", "/rapport card @bob")
    assert "isn't on Breakfast Club's roster" in said and "Phone" not in said
    [reply] = await group.messages("alice", "/rapport cards")
    assert [c.fn.value for c in read_cards(reply)] == ["alice", "carol"]
    async with group.core.repo.transaction() as tx:
        rows = await tx._all("SELECT * FROM member_cards")
    assert rows == []
