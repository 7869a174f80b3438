"""How the core's rich text reads on Discord: times each member sees in their own zone, user
text that stays plain text, Discord's length limits respected."""

from __future__ import annotations

import math
from datetime import UTC, datetime

from adapters.discord import render
from bot import messages
from bot.model import Group, Meeting, Member, Stats, UserRef
from bot.out import Action, Field, OutMessage
from bot.text import Link, Mention, Rich, UserText, When, listing, lit

BOB = UserRef("discord", "900000000000000100", "900000000000001002", "Bob")
SLACKER = UserRef("slack", "T1", "U1", "*slack* person")


def md(*parts: object) -> str:
    return render.markdown(Rich(tuple(parts)))  # type: ignore[arg-type]


def test_a_time_is_a_discord_timestamp_shown_in_each_reader_s_zone():
    at = datetime(2026, 12, 2, 5, 0, tzinfo=UTC)
    assert md("Next: ", When(at, "Africa/Johannesburg")) == (
        "Next: <t:1796187600:F> (<t:1796187600:R>)"
    )


def test_mentions_ping_discord_members_and_name_anyone_else_safely():
    assert md(Mention(BOB)) == "<@900000000000001002>"
    assert md(Mention(SLACKER)) == "@\\*slack\\* person"


def test_user_text_cannot_format_or_reach_rich_tags():
    shown = md(UserText("Big _news_ **now** [click](https://evil.example) <#123> <t:1:R>"))
    assert shown == (
        "Big \\_news\\_ \\*\\*now\\*\\* \\[click](https://evil.example) <\u200b#123> <\u200bt:1:R>"
    )
    # a field's value starts a line, where headings, quotes and lists would take effect
    assert [md(UserText(t)) for t in ("# Big", "> quote", "1. one", "- item")] == [
        "\\# Big",
        "\\> quote",
        "1\\. one",
        "\\- item",
    ]


def test_a_web_link_is_a_masked_link_and_a_mailto_stays_copyable():
    assert (
        md(Link("https://rapport.example/help", "Help")) == "[Help](https://rapport.example/help)"
    )
    assert md(Link("mailto:jane@roe.example?subject=Hi`x", "Send it")) == (
        "Send it: `mailto:jane@roe.example?subject=Hi%60x`"
    )


def test_only_named_pinged_members_are_allowed():
    message = OutMessage(
        text=Rich(
            (
                Mention(BOB),
                " and ",
                Mention(BOB.__class__("discord", "9", "9" * 18, "Quiet"), ping=False),
            )
        )
    )
    assert render.allowed_mentions(message).to_dict() == {
        "parse": [],
        "users": [900000000000001002],
    }


def test_long_text_is_spread_over_messages_within_discord_s_limits():
    long = "word " * 1000
    # too long for the 2,000 characters of one message's text: in one message's embeds
    [part] = render.outgoing(OutMessage(text=lit(long)), "1")
    assert part.content is None and len(part.embeds) == 2
    assert [len(e.description or "") <= render.DESCRIPTION for e in part.embeds] == [True, True]
    assert sum(len(e) for e in part.embeds) <= render.EMBED_TOTAL
    assert " ".join(e.description or "" for e in part.embeds).split() == ["word"] * 1000
    cards = render.outgoing(
        OutMessage(
            text=lit(long * 2),
            title="T" * 300,
            fields=tuple(Field(f"F{i}", lit("v" * 2000)) for i in range(30)),
        ),
        "1",
    )
    embeds = [e for c in cards for e in c.embeds]
    assert all(c.content is None and c.embeds for c in cards)
    assert all(sum(len(e) for e in c.embeds) <= render.EMBED_TOTAL for c in cards)
    assert len(embeds[0].title or "") == render.TITLE
    for e in embeds:
        # Discord refuses an embed over 6000 characters in all, a description over 4096,
        # a field value over 1024, or more than 25 fields
        assert len(e) <= render.EMBED_TOTAL
        assert len(e.description or "") <= render.DESCRIPTION
        assert all(len(f.value or "") <= render.FIELD_VALUE for f in e.fields)
        assert len(e.fields) <= render.FIELDS
    words = " ".join(e.description or "" for e in embeds).split()
    assert words == ["word"] * 2000
    # every field arrives, in order, a value too long for one field carried on in the next
    names = [f.name for e in embeds for f in e.fields]
    assert names == [n for i in range(30) for n in (f"F{i}", f"F{i} (continued)")]
    assert "".join(f.value or "" for e in embeds for f in e.fields) == "v" * 2000 * 30
    few = render.outgoing(
        OutMessage(text=lit("x"), fields=tuple(Field(f"F{i}", lit("v")) for i in range(30))), "1"
    )
    # 25 fields an embed; two small embeds go in one message
    assert [[len(e.fields) for e in p.embeds] for p in few] == [[render.FIELDS, 5]]


# --- a big chapter's long lists: embeds, as few messages as the limits allow ---------------
GROUP = Group(
    1, "discord", "900000000000000100", "900000000000000200", "#club", "Breakfast Club",
    "Africa/Johannesburg", "ZAR", Meeting(2, "07:00", "Africa/Johannesburg", "The Oaks"), 0,
)  # fmt: skip


def member(i: int, ask: str) -> Member:
    user = UserRef("discord", GROUP.workspace, str(900000000000300000 + i), f"Member {i}")
    return Member(i, 1, user, f"Trade {i}", ask, None, None, None, True, False, True, 0)


def test_a_reminder_with_eight_long_asks_takes_two_messages_not_nine():
    """Eight asks of about 1,000 characters and 40 open seats: as text, 2,000 characters a
    message, it took nine posts, about one ask each. In embeds (4,096 a description, 6,000
    a message) it takes the two its 10,000 characters need, everything whole and in order,
    the typed RSVP commands in the last embed's footer and the buttons on the last message."""
    asks = [member(i, (f"ask {i}: homeowners planning a remodel " * 30)[:999]) for i in range(8)]
    seats = [f"Seat {i}: roofer & tiler" for i in range(40)]
    at = datetime(2026, 12, 2, 5, 0, tzinfo=UTC)
    lines = [messages.ask_line(m) for m in asks]
    reminder = messages.meeting_reminder(GROUP, at, False, lines, seats, Stats(), "2026-12-02")

    parts = render.outgoing(reminder, GROUP.workspace)

    said = [e.description or "" for p in parts for e in p.embeds]
    assert len(parts) == 2 == math.ceil(sum(map(len, said)) / render.EMBED_TOTAL)
    for p in parts:
        assert p.content is None and 1 <= len(p.embeds) <= 10
        assert sum(len(e) for e in p.embeds) <= render.EMBED_TOTAL
        assert all(len(d) <= render.DESCRIPTION for d in said)
    text = "\n".join(said)
    places = [text.index(f"<@{m.user.user_id}> wants: ask {m.id}: ") for m in asks]
    assert places == sorted(places)  # each ask whole (none is near the limits), in order
    assert all(render.user_text(m.ask or "") in text for m in asks)
    assert places[-1] < text.index("Seat 0") < text.index("Seat 39") < text.index("Coming?")
    assert (parts[-1].embeds[-1].footer.text or "").startswith("Or type: /rapport rsvp ")
    assert [e.footer.text for p in parts for e in p.embeds][:-1] == [None] * (len(said) - 1)
    assert [p.view is not None for p in parts] == [False, True]


def test_an_item_too_big_for_what_a_message_has_left_starts_the_next_one_whole():
    """3,000 characters of text, then an item of 3,800 that could be shortened (it says where
    to read all of it): it does not fit the 3,000 left in the first message, but it fits an
    embed of its own, so it starts the second message whole rather than being shortened."""
    words = " ".join(f"w{i:04d}" for i in range(633))  # 3,797 characters
    item = Rich((UserText(words, more=lit("/rapport profile @Bob")),))
    message = OutMessage(lit("intro " * 500) + lit("\n") + listing([item], sep="\n"))

    parts = render.outgoing(message, "1")

    assert [len(p.embeds) for p in parts] == [1, 1]
    assert parts[1].embeds[0].description == words
    assert "…" not in " ".join(e.description or "" for p in parts for e in p.embeds)


def test_a_reply_that_fits_one_message_stays_plain_text_and_pings():
    bob = Mention(BOB)
    [out] = render.outgoing(OutMessage(lit("x" * 1900 + " thanks ") + Rich((bob,))), "1")
    assert out.embeds == [] and out.content is not None and out.content.endswith("<@900000000000001002>")
    assert out.allowed_mentions.to_dict()["users"] == [900000000000001002]


def test_a_plain_message_with_actions_lists_the_typed_commands_in_small_print():
    message = OutMessage(
        text=lit("#3 is won."),
        actions=(Action("Thank Alice", "thank:3", lit("/thanks @Alice 3")),),
    )
    [out] = render.outgoing(message, "900000000000000100")
    assert out.content == "#3 is won.\n-# Or type: /thanks @Alice 3"
    assert out.view is not None
    [button] = out.view.children
    assert button.custom_id == "rapport:900000000000000100:thank:3"  # type: ignore[attr-defined]


def test_an_action_too_long_for_a_button_is_left_to_typing():
    message = OutMessage(
        text=lit("x"), actions=(Action("Go", "ref:" + "9" * 100, lit("/referrals update 1 won")),)
    )
    [out] = render.outgoing(message, "900000000000000100")
    assert out.view is None
