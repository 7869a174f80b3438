"""Bob opens Rapport's Home tab in Slack: his next meeting, the referral Alice passed him with
the buttons that move it on, his numbers and his ask. A click there moves the referral and
publishes his Home again, once; "Change my ask" opens a form that saves his ask. Someone in
no group is told how to start one."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from slack_bolt.request.async_request import AsyncBoltRequest

from adapters.slack.home import CHANGE_ASK, VIEW_BLOCKS_MAX, home_view
from adapters.slack.mrkdwn import length
from bot.features.home.content import Dashboard, Item, Section
from bot.text import lit
from tests.slack.conftest import ALICE, BOB, CAROL, PEOPLE, Workspace
from tests.slack.fake_slack import visible
from tests.slack.payloads import (
    encode_payload,
    home_action,
    home_opened,
    signed_headers,
    view_submission,
)

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "home-tab.json"
JANE = "/referral <@U0BOB|bob> Jane Roe jane@roe.example -- a new boiler heat:4"


async def open_home(ws: Workspace, who: dict[str, Any], tab: str = "home") -> None:
    body = home_opened(who, tab=tab)
    headers = {**signed_headers(body), "content-type": "application/json"}
    response = await ws.slack.bolt.async_dispatch(AsyncBoltRequest(body=body, headers=headers))
    assert response.status == 200
    await ws.slack.core.settle()


def homes(ws: Workspace, who: dict[str, Any]) -> list[dict[str, Any]]:
    return ws.fake.homes.get(who["id"], [])


def seen(view: dict[str, Any]) -> str:
    """The Home tab as a person reads it: every text, in order."""
    out = []
    for b in view["blocks"]:
        if b["type"] in ("header", "section"):
            out.append(visible(b["text"]["text"], PEOPLE))
        elif b["type"] == "context":
            out.append(visible(b["elements"][0]["text"], PEOPLE))
    return "\n".join(out)


def buttons(view: dict[str, Any]) -> list[str]:
    return [
        e["text"]["text"] for b in view["blocks"] if b["type"] == "actions" for e in b["elements"]
    ]


async def test_opening_home_publishes_bobs_open_referral_with_its_buttons(group: Workspace):
    await group.type(ALICE, JANE)
    group.fake.homes.clear()  # (the referral refreshed Alice's and Bob's Home already)

    await open_home(group, BOB)

    [view] = homes(group, BOB)  # once
    assert view["type"] == "home"
    text = seen(view)
    assert "Where you stand in Breakfast Club" in text
    assert "#1 referral from @Alice: Jane Roe — open" in text
    assert buttons(view) == [
        "Contacted",
        "Meeting booked",
        "Won",
        "No sale",
        "Snooze 1 day",
        "Change my ask",
    ]
    assert "jane@roe.example" not in json.dumps(view)  # the prospect's details stay in the DM


async def test_a_click_on_home_moves_the_referral_and_publishes_once(group: Workspace):
    await group.type(ALICE, JANE)
    await open_home(group, BOB)
    view = homes(group, BOB)[-1]
    before = len(homes(group, BOB))

    payload = home_action(user=BOB, view=view, action_id="ref:1:contacted")
    response = await group.dispatch(encode_payload(payload))

    assert response.status == 200
    [status] = await rows(group, "SELECT status FROM referrals WHERE id = 1")
    assert status == "contacted"
    [again] = homes(group, BOB)[before:]  # once
    assert "Jane Roe — contacted" in seen(again)
    assert "Contacted" not in buttons(again)  # forward only
    # what the core said reaches Bob (no message to update on Home: his DM with the app)
    assert any("#1 is now contacted" in t for t in group.dm_texts(BOB))
    # Alice's Home follows too: the referral she gave moved
    assert "Jane Roe — contacted" in seen(homes(group, ALICE)[-1])


async def test_change_my_ask_opens_a_form_that_saves_it_and_republishes(group: Workspace):
    await open_home(group, CAROL)
    view = homes(group, CAROL)[-1]

    await group.dispatch(encode_payload(home_action(user=CAROL, view=view, action_id=CHANGE_ASK)))

    form = group.fake.calls_to("views.open")[-1]["view"]
    form = json.loads(form) if isinstance(form, str) else form
    assert form["callback_id"] == "rapport.ask"
    assert form["blocks"][0]["element"]["max_length"] == 1000
    values = {"ask": {"value": {"type": "plain_text_input", "value": "Owners of\nnew cafés"}}}
    response = await group.dispatch(
        encode_payload(view_submission(user=CAROL, view=form, values=values, view_id="V0ASK"))
    )

    assert response.status == 200 and not response.body  # closed: saved
    [ask] = await rows(group, "SELECT ask FROM members WHERE user_id = 'U0CAROL'")
    assert ask == "Owners of new cafés"
    assert "Owners of new cafés" in seen(homes(group, CAROL)[-1])


async def test_an_empty_ask_is_refused_beside_the_box(group: Workspace):
    await open_home(group, CAROL)
    await group.dispatch(
        encode_payload(home_action(user=CAROL, view=homes(group, CAROL)[-1], action_id=CHANGE_ASK))
    )
    form = group.fake.calls_to("views.open")[-1]["view"]
    form = json.loads(form) if isinstance(form, str) else form
    values = {"ask": {"value": {"type": "plain_text_input", "value": "   "}}}

    response = await group.dispatch(
        encode_payload(view_submission(user=CAROL, view=form, values=values, view_id="V0ASK"))
    )

    answer = json.loads(response.body)
    assert answer["response_action"] == "errors" and answer["errors"]["ask"]


async def test_someone_in_no_group_sees_how_to_start_one(ws: Workspace):
    await open_home(ws, CAROL)

    [view] = homes(ws, CAROL)
    assert "/rapport setup" in seen(view) and "/rapport join" in seen(view)
    assert buttons(view) == []


async def test_the_messages_tab_publishes_nothing(ws: Workspace):
    await open_home(ws, CAROL, tab="messages")
    assert homes(ws, CAROL) == []


def test_a_long_list_shows_the_newest_and_says_how_many_more():
    received = tuple(
        Item(lit(f"#{n} referral: Prospect {n} — open"), _actions(n), f"#{n}")
        for n in range(80, 0, -1)
    )
    page = Dashboard(
        "Where you stand in Breakfast Club",
        lit("Your week."),
        (
            Section(
                "received", "Referrals waiting on you", received, lit("None."), "/referrals open"
            ),
            Section("ask", "Your ask", (Item(lit("x" * 4000)),)),
        ),
        ask="",
        member=True,
    )

    view = home_view(page)

    blocks = view["blocks"]
    assert len(blocks) <= VIEW_BLOCKS_MAX
    text = seen(view)
    assert "#80 referral" in text  # the newest first
    shown = sum(1 for n in range(1, 81) if f"#{n} referral:" in text)
    assert f"…and {80 - shown} more: /referrals open lists them all." in text
    # a text longer than a section goes on in the next one, whole
    asks = [
        b["text"]["text"] for b in blocks if b["type"] == "section" and "xxx" in b["text"]["text"]
    ]
    assert all(length(t) <= 3000 for t in asks) and sum(map(len, asks)) == 4000


def _actions(n: int):  # type: ignore[no-untyped-def]
    from bot.features.home.content import next_steps
    from bot.model import Kind, Referral, Status

    r = Referral(
        n, 1, 1, 2, Kind.REFERRAL, "P", None, None, None, 3, False, Status.OPEN, None, 0, 0, None
    )
    return next_steps(r)


async def rows(ws: Workspace, sql: str) -> list[Any]:
    async with ws.slack.app.repo.transaction() as tx:
        found = await tx._all(sql)  # type: ignore[attr-defined]
    return [r[0] for r in found]


async def test_the_readmes_home_tab_is_what_the_renderer_publishes(group: Workspace):
    """examples/home-tab.json (paste it into Block Kit Builder) is Bob's Home tab as Rapport
    publishes it; RAPPORT_WRITE_EXAMPLES=1 writes it again after an intended change."""
    await group.type(ALICE, "/rapport meeting set Wednesday 07:00 Africa/Johannesburg -- The Oaks")
    await group.type(ALICE, JANE)
    await group.type(CAROL, "/referral <@U0BOB|bob> Sam Lee 082 555 0134 -- a leaking geyser")
    await group.type(BOB, "/referral <@U0CAROL|carol> Ann Oak ann@oak.example -- a new roof")
    await group.type(BOB, "/rapport profile ask Restaurant owners opening a second site")
    await group.type(BOB, "/rapport rsvp attending")
    await open_home(group, BOB)

    view = homes(group, BOB)[-1]
    text = seen(view)
    assert "#2 referral from @Carol: Sam Lee — open" in text
    assert "#3 referral to @Carol: Ann Oak — open" in text
    assert "You're attending." in text and "Restaurant owners opening a second site" in text
    rendered = json.dumps(view, indent=2, ensure_ascii=False) + "\n"
    if os.environ.get("RAPPORT_WRITE_EXAMPLES") == "1":
        EXAMPLE.write_text(rendered, encoding="utf-8")
    assert EXAMPLE.read_text(encoding="utf-8") == rendered, (
        "the Home tab changed: RAPPORT_WRITE_EXAMPLES=1 pytest tests/slack/test_home.py, and"
        " look at the diff"
    )


async def test_rapport_me_on_slack_answers_with_the_same_page_privately(group: Workspace):
    await group.type(ALICE, JANE)

    answer = await group.type(BOB, "/rapport me")

    [post] = answer.posts
    assert post["response_type"] == "ephemeral"
    assert "Where you stand in Breakfast Club" in answer.text
    assert "#1 referral from @Alice: Jane Roe — open" in answer.text
    assert "#1 Contacted" in [
        e["text"]["text"] for b in post["blocks"] if b["type"] == "actions" for e in b["elements"]
    ]


async def test_a_rate_limited_publish_waits_out_the_pause_and_goes_once(
    group: Workspace, fake, pace
):
    fake.homes.clear()
    fake.fail("views.publish", "ratelimited", status=429, headers={"Retry-After": "30"})

    await open_home(group, CAROL)

    assert len(fake.calls_to("views.publish")) == 2  # refused once, then taken
    assert len(homes(group, CAROL)) == 1
    assert any(29 <= s <= 31 for s in pace.slept)  # Slack's pause, waited out (on a fake clock)
    assert group.slack.messenger.limits.paused_for(("T0RAPPORT", "views.publish")) == 0
