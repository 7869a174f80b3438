"""Nobody is pinged who is not named: the client allows no mentions by default, each message
allows only its named members, and user text can neither ping nor break the layout."""

from __future__ import annotations

import re

from tests.discord_adapter.conftest import text
from tests.discord_adapter.payloads import ALICE, BOB, CAROL, slash

ROLE = "<@&900000000000000555>"
INJECTED = f"@everyone Jane **Roe** {ROLE} <@{CAROL.id}> @here"


def pinged_in(content: str) -> set[int]:
    return {int(x) for x in re.findall(r"<@(\d+)>", content)}


async def test_the_client_allows_no_mention_unless_a_message_says_so(bot):
    default = bot.client.allowed_mentions
    assert default is not None
    assert default.to_dict() == {"parse": []}  # no everyone, no roles, no users


async def test_everyone_here_and_roles_in_a_prospect_name_never_ping(group, discord_api):
    start = len(discord_api.calls)
    await group.send(slash(ALICE, "referral", member=BOB, prospect=INJECTED, email="j@roe.example"))

    [dm] = discord_api.dms_to(BOB.id)
    shown = text(dm)
    assert "@\u200beveryone Jane \\*\\*Roe\\*\\* <@\u200b&900000000000000555>" in shown
    assert f"<@\u200b{CAROL.id}> @\u200bhere" in shown
    assert ROLE not in shown and f"<@{CAROL.id}>" not in shown
    assert dm["allowed_mentions"] == {"parse": [], "users": [ALICE.id]}

    # alice's private answer names bob (a ping Discord does not deliver in ephemerals anyway)
    # and echoes the prospect neutralised too
    for message in discord_api.message_calls(since=start):
        allowed = message.body.get("data", message.body)["allowed_mentions"]
        assert allowed["parse"] == []  # never @everyone, @here or a role
        assert set(allowed.get("users", [])) <= {ALICE.id, BOB.id}


async def test_each_message_allows_exactly_the_members_it_names(group, discord_api):
    await group.send(slash(ALICE, "referral", member=BOB, prospect="Jane", email="j@roe.example"))
    await group.send(slash(BOB, "thanks", member=ALICE, note=f"thanks {ROLE} @everyone"))

    for call in discord_api.message_calls():
        body = call.body.get("data", call.body)
        allowed = body.get("allowed_mentions")
        assert allowed is not None, f"{call} sent without allowed_mentions"
        assert allowed["parse"] == []
        content = body.get("content") or ""
        if body.get("embeds"):
            continue  # mentions in an embed never ping; what it allows is checked above
        assert set(allowed.get("users", [])) == pinged_in(content), call

    thanks = discord_api.posts()[-1]
    assert thanks["content"] == (
        f"🙏 {BOB.mention} thanks {ALICE.mention}. “thanks <@\u200b&900000000000000555>"
        " @\u200beveryone”"
    )
    assert thanks["allowed_mentions"] == {"parse": [], "users": [BOB.id, ALICE.id]}


async def test_a_classification_cannot_ping_the_channel(group, discord_api):
    [welcome] = await group.type(CAROL, "rapport", "join", classification="@here Roofing_and_more")
    assert welcome.startswith("You moved from Roofing to the @\u200bhere Roofing\\_and\\_more seat")
    post = discord_api.posts()[-1]
    assert post["content"] == (
        f"{CAROL.mention} moved from Roofing to @\u200bhere Roofing\\_and\\_more."
    )
    assert post["allowed_mentions"] == {"parse": [], "users": [CAROL.id]}
