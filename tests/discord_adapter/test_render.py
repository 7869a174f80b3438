"""How the core's rich text reads on Discord: times each member sees in their own zone, user
text that stays plain text, Discord's length limits respected."""

from __future__ import annotations

from datetime import UTC, datetime

from adapters.discord import render
from bot.model import UserRef
from bot.out import Action, Field, OutMessage
from bot.text import Link, Mention, Rich, UserText, When, lit

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
    parts = render.outgoing(OutMessage(text=lit(long)), "1")
    assert [len(p.content or "") <= render.CONTENT for p in parts] == [True] * len(parts)
    assert " ".join(p.content or "" for p in parts).split() == ["word"] * 1000
    cards = render.outgoing(
        OutMessage(
            text=lit(long * 2),
            title="T" * 300,
            fields=tuple(Field(f"F{i}", lit("v" * 2000)) for i in range(30)),
        ),
        "1",
    )
    embeds = [c.embed for c in cards if c.embed is not None]
    assert len(embeds) == len(cards)
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
    assert [len(p.embed.fields) for p in few if p.embed] == [render.FIELDS, 5]


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
