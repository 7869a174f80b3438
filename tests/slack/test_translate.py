"""Slack's formatted command text back into what the person typed, keeping the one member
mention the grammar reads; and the identity of each request, for retries and double clicks."""

from __future__ import annotations

import pytest

from adapters.slack.translate import (
    SlackUser,
    channel,
    click_context,
    command_context,
    command_line,
)

NAMES = {"U0CAROL": "Carol"}


@pytest.mark.parametrize(
    ("command", "text", "line"),
    [
        ("/referral", "<@U0BOB|bob> Jane", "/referral <@U0BOB|bob> Jane"),
        ("/referral", "<@U0BOB> Jane", "/referral <@U0BOB> Jane"),
        ("/referral", "@bob Jane", "/referral @bob Jane"),  # left for the core to refuse
        ("/rapport", "stats <@U0BOB|bob>", "/rapport stats <@U0BOB|bob>"),
        ("/rapport", "referral  <@U0BOB> Jane", "/rapport referral <@U0BOB> Jane"),
        ("/thanks", "12 -- thanks to <@U0CAROL> too", "/thanks 12 -- thanks to @Carol too"),
        ("/referral", "<@U0BOB> Jo -- ask <@U0DAVE|dave>", "/referral <@U0BOB> Jo -- ask @dave"),
        ("/referral", "<@U0BOB> A &amp; B &lt;ltd&gt;", "/referral <@U0BOB> A & B <ltd>"),
        (
            "/referral",
            "<@U0BOB> <!channel> <!here|here> <!everyone>",
            "/referral <@U0BOB> @channel @here @everyone",
        ),
        (
            "/referral",
            "<@U0BOB> Jo <mailto:jo@x.example|jo@x.example>",
            "/referral <@U0BOB> Jo jo@x.example",
        ),
        (
            "/referral",
            "<@U0BOB> Jo <tel:+27825551234|082 555 1234>",
            "/referral <@U0BOB> Jo 082 555 1234",
        ),
        (
            "/lead",
            "<@U0BOB> Acme -- see <https://acme.example|acme.example>",
            "/lead <@U0BOB> Acme -- see acme.example",
        ),
        (
            "/lead",
            "<@U0BOB> Acme -- see <https://acme.example>",
            "/lead <@U0BOB> Acme -- see https://acme.example",
        ),
        (
            "/lead",
            "<@U0BOB> Acme -- in <#C0GROUP|breakfast-club>",
            "/lead <@U0BOB> Acme -- in #breakfast-club",
        ),
        (
            "/lead",
            "<@U0BOB> Acme -- ask <!subteam^S0TEAM|@plumbers>",
            "/lead <@U0BOB> Acme -- ask @plumbers",
        ),
        ("/referrals", "", "/referrals"),
    ],
)
def test_command_text_reads_as_typed(command, text, line):
    assert command_line(command, text, NAMES) == line


def test_literal_angle_brackets_typed_after_the_mention_stay_text():
    # typed "<@U0CAROL>" as text arrives escaped; it is text, not a second mention token
    assert command_line("/referral", "<@U0BOB> Jo &lt;@U0CAROL&gt;", NAMES) == (
        "/referral <@U0BOB> Jo <@U0CAROL>"
    )


def form(**extra):
    return {
        "team_id": "T0RAPPORT",
        "user_id": "U0ALICE",
        "user_name": "alice",
        "channel_id": "C0GROUP",
        "channel_name": "breakfast-club",
        "command": "/referral",
        "text": "",
        "trigger_id": "111.222.abc",
        **extra,
    }


def test_a_command_is_keyed_by_its_trigger_and_carries_slacks_name_and_zone():
    alice = SlackUser("U0ALICE", "Alice", "Africa/Johannesburg", False, False)
    ctx = command_context(form(), alice)
    assert ctx.request_key == "slack:T0RAPPORT:command:111.222.abc"
    assert (ctx.actor.display_name, ctx.tz) == ("Alice", "Africa/Johannesburg")
    assert (ctx.channel.channel_id, ctx.channel.name) == ("C0GROUP", "#breakfast-club")
    unknown = command_context(form(), None)  # users.info failed: the payload's name will do
    assert (unknown.actor.display_name, unknown.tz) == ("alice", None)


@pytest.mark.parametrize(
    ("channel_id", "name", "expected"),
    [
        ("D0BOB", "directmessage", (None, "")),
        ("G0PRIV", "privategroup", ("G0PRIV", "")),
        ("C0GROUP", "breakfast-club", ("C0GROUP", "#breakfast-club")),
        ("G0MPIM", "mpdm-alice--bob-1", ("G0MPIM", "")),
    ],
)
def test_direct_messages_have_no_channel(channel_id, name, expected):
    ref = channel("T0RAPPORT", channel_id, name)
    assert (ref.channel_id, ref.name) == expected


def click(message_ts: str, action_id: str, user: str, action_ts: str) -> dict:
    return {
        "team": {"id": "T0RAPPORT"},
        "user": {"id": user, "name": user.lower()},
        "container": {"type": "message", "channel_id": "D0BOB", "message_ts": message_ts},
        "channel": {"id": "D0BOB", "name": "directmessage"},
        "actions": [{"action_id": action_id, "action_ts": action_ts}],
    }


def key(body: dict) -> str | None:
    return click_context(body, body["actions"][0], None).request_key


def test_a_double_click_is_one_request_but_another_button_or_message_is_not():
    first = key(click("1.000100", "ref:1:contacted", "U0BOB", "1700000000.1"))
    assert first == key(click("1.000100", "ref:1:contacted", "U0BOB", "1700000000.4"))
    assert first != key(click("1.000100", "ref:1:won", "U0BOB", "1700000000.4"))
    assert first != key(click("1.000200", "ref:1:contacted", "U0BOB", "1700000000.4"))
    assert first != key(click("1.000100", "ref:1:contacted", "U0CAROL", "1700000000.4"))
