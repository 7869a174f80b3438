"""A queued message is stored as the JSON `json.dumps` would write for it, whichever way it is
put together: a reminder minute writes ~186,000 messages, so each rich text writes its own
JSON once and shared parts (a member's ask line in every nudge) are not written again."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from hypothesis import given
from hypothesis import strategies as st

from bot import messages
from bot.model import ChannelRef, Member, UserRef
from bot.out import Action, Field, OutMessage
from bot.text import Link, Listing, Mention, Rich, UserText, When, lit, rich_to_json
from storage.sqlite.outbox import _target_json

# any text a person or the bot might write: quotes, backslashes, controls, emoji, RTL, lone
# surrogates (json.dumps writes them as they are when ensure_ascii is off)
TEXT = st.text(
    st.characters(blacklist_categories=()) | st.sampled_from('"\\\n\t\u2028\x00\x7f😀\u202e'),
    max_size=12,
)
USERS = st.builds(UserRef, TEXT, TEXT, TEXT, TEXT)
WHEN = st.builds(
    When,
    st.integers(0, 4_000_000_000).map(lambda t: datetime.fromtimestamp(t, UTC)),
    st.sampled_from(["Africa/Johannesburg", "America/New_York", "UTC"]),
)


def leaves() -> st.SearchStrategy[object]:
    return st.one_of(
        TEXT,
        st.builds(Mention, USERS, st.booleans()),
        WHEN,
        st.builds(Link, TEXT, TEXT),
    )


RICH = st.recursive(
    st.lists(leaves(), max_size=4).map(lambda ps: Rich(tuple(ps))),
    lambda inner: st.lists(
        st.one_of(
            leaves(),
            st.builds(UserText, TEXT, st.none() | inner),
            st.builds(
                Listing,
                st.lists(inner, max_size=3).map(tuple),
                TEXT,
                st.none() | inner,
                st.none() | inner,
            ),
        ),
        max_size=4,
    ).map(lambda ps: Rich(tuple(ps))),
    max_leaves=12,
)
MESSAGES = st.builds(
    OutMessage,
    RICH,
    st.none() | TEXT,
    st.lists(st.builds(Field, TEXT, RICH), max_size=2).map(tuple),
    st.lists(st.builds(Action, TEXT, TEXT, RICH, TEXT), max_size=2).map(tuple),
    st.booleans(),
    TEXT,
    st.lists(TEXT, max_size=2).map(tuple),
    st.none() | st.integers(0, 2**53),
)


def as_json_dumps_writes_it(m: OutMessage) -> str:
    return json.dumps(
        {
            "text": rich_to_json(m.text),
            "title": m.title,
            "fields": [[f.name, rich_to_json(f.value)] for f in m.fields],
            "actions": [
                [a.label, a.action_id, rich_to_json(a.command), a.style] for a in m.actions
            ],
            "ephemeral": m.ephemeral,
            "kind": m.kind,
            "attachments": list(m.attachments),
            "about": m.about,
        },
        ensure_ascii=False,
    )


@given(MESSAGES)
def test_a_message_is_stored_as_json_dumps_writes_it(m: OutMessage) -> None:
    stored = m.to_json()
    assert stored == as_json_dumps_writes_it(m)
    assert m.to_json() == stored  # a second time, from what each part kept


@given(USERS, st.builds(ChannelRef, TEXT, TEXT, st.none() | TEXT, TEXT))
def test_a_target_is_stored_as_json_dumps_writes_it(user: UserRef, where: ChannelRef) -> None:
    u, c = user, where
    assert _target_json(u) == json.dumps(
        {"dm": [u.platform, u.workspace, u.user_id, u.display_name]}
    )
    assert _target_json(c) == json.dumps({"post": [c.platform, c.workspace, c.channel_id, c.name]})


def test_a_shared_ask_line_is_written_once_for_every_nudge_that_lists_it() -> None:
    def member(n: int) -> Member:
        user = UserRef("slack", "T1", f"U{n}", f"Member {n}")
        return Member(
            n, 1, user, "Plumbing", f'ask "{n}" ✓', None, None, None, True, False, True, 0
        )

    lines = [messages.ask_line(member(n)) for n in range(4)]
    at = datetime(2026, 12, 2, 5, 0, tzinfo=UTC)
    nudges = [
        messages.accountability_nudge(4, lines[i : i + 3], at, "Africa/Johannesburg")
        for i in range(2)
    ]
    written: list[Rich] = []
    real = Rich.json

    def counted(self: Rich) -> str:
        if "_json" not in self.__dict__:
            written.append(self)
        return real.fget(self)  # type: ignore[attr-defined,no-any-return]

    Rich.json = property(counted)  # type: ignore[assignment,method-assign]
    try:
        stored = [n.to_json() for n in nudges]
    finally:
        Rich.json = real  # type: ignore[method-assign]
    assert stored == [as_json_dumps_writes_it(n) for n in nudges]
    shared = [r for r in written if any(r is line for line in lines)]
    assert len(shared) == 4  # lines 1 and 2 are in both nudges, written once each
    assert lit("x").json == '["x"]'
