"""Where a referral came from (seed 002's sources of referrals): the giver says
`source:client`; the receiver sees it, the stats count by it, and so does the export. A word
that is not a source is refused, naming the eight, with nothing stored."""

from __future__ import annotations

import csv
from pathlib import Path

from bot.features.referrals.sources import SOURCES

BACKENDS = ("sqlite", "postgresql")


def exported(reply) -> dict[str, list[dict[str, str]]]:
    out = {}
    for p in reply.attachments:
        name = Path(p).name.rsplit("-", 1)[-1].removesuffix(".csv")
        with open(p, encoding="utf-8") as f:
            out[name] = list(csv.DictReader(f))
    return out


async def test_the_receiver_sees_where_the_referral_came_from(group, messenger):
    said = await group(
        "alice", "/referral @bob Jane Roe jane@roe.example source:client -- a leaking boiler"
    )
    assert "#1" in said
    [dm] = messenger.dms_to("bob")
    assert "Found through: a client" in dm.text
    assert "Need: a leaking boiler" in dm.text and "source" not in dm.text.split("Need:")[1]


async def test_an_unknown_source_is_refused_naming_the_sources(group, messenger):
    said = await group("alice", "/referral @bob Jane Roe jane@roe.example source:golf")
    assert "“golf” is not a source" in said
    for word in SOURCES:
        assert word in said
    assert "/referral @member" in said  # the usage line
    async with group.core.repo.transaction() as tx:
        assert await tx._all("SELECT id FROM referrals") == []
    assert messenger.dms_to("bob") == []


async def test_stats_and_the_export_count_referrals_by_source(group):
    await group("alice", "/referral @bob Jane Roe jane@roe.example source:client")
    await group("alice", "/referral @carol Sam Smith sam@smith.example source: friend")
    await group("alice", "/referral @bob Ann Lee ann@lee.example source:Client")
    await group("alice", "/lead @carol Acme Roofing -- heard at the gym")
    stats = await group("alice", "/rapport stats")
    assert "By source this quarter: client 2, friend 1" in stats
    assert "By source" not in await group("bob", "/rapport stats")

    [reply] = await group.messages("alice", "/rapport export")
    files = exported(reply)
    assert [r["source"] for r in files["referrals"]] == ["client", "friend", "client"]
    assert files["leads"][0]["source"] == ""
    assert files["referral_sources"] == [
        {"source": "client", "referrals": "2", "leads": "0"},
        {"source": "friend", "referrals": "1", "leads": "0"},
        {"source": "not said", "referrals": "0", "leads": "1"},
    ]
    assert "3 referral sources" in reply.fallback()
