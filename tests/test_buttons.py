"""Button ids read back as the buttons that built them: each kind's id, parsed, is the same
button; an id that is forged, stale or too big for the grammar is no button at all; and a
button's id is what the platforms have stored on old messages (so old DMs keep working)."""

from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from bot import buttons
from bot.grammar import RSVP_WORDS, SNOOZES
from bot.model import Status

IDS = st.integers(1, 10**12 - 1)  # what the typed grammar takes as an id

BUTTONS = st.one_of(
    st.builds(
        buttons.ReferralStatus,
        IDS,
        st.sampled_from(list(Status)).filter(lambda s: s is not Status.OPEN),
    ),
    st.builds(buttons.ReferralSnooze, IDS, st.sampled_from(sorted(SNOOZES))),
    st.builds(
        buttons.RsvpAnswer,
        st.dates(date(2000, 1, 1), date(2100, 12, 31)),
        st.sampled_from(sorted(set(RSVP_WORDS.values()))),
    ),
    st.builds(buttons.ThankGiver, IDS),
    st.builds(buttons.AllowSeat, IDS),
    st.builds(buttons.LogOneToOne, IDS),
)


@given(BUTTONS)
def test_every_button_reads_back_from_its_id(button: buttons.Button) -> None:
    assert buttons.parse(button.action_id) == button


@given(st.text(max_size=40) | BUTTONS.map(lambda b: b.action_id + ":x"))
def test_whatever_an_id_reads_as_is_a_button_whose_own_id_reads_the_same(
    action_id: str,
) -> None:
    button = buttons.parse(action_id)
    if button is not None:  # "ref:007:booked" is the button whose id is "ref:7:meeting"
        assert buttons.parse(button.action_id) == button


def test_the_ids_are_the_ones_old_messages_carry() -> None:
    assert buttons.ReferralStatus(7, Status.MEETING).action_id == "ref:7:meeting"
    assert buttons.ReferralSnooze(7, "1d").action_id == "ref:7:snooze:1d"
    assert buttons.RsvpAnswer(date(2026, 12, 2), "absent").action_id == "rsvp:2026-12-02:absent"
    assert buttons.ThankGiver(7).action_id == "thank:7"
    assert buttons.AllowSeat(7).action_id == "seat:allow:7"
    assert buttons.LogOneToOne(7).action_id == "121:7"


def test_a_typed_word_on_a_button_reads_as_the_command_would() -> None:
    assert buttons.parse("ref:7:booked") == buttons.ReferralStatus(7, Status.MEETING)
    assert buttons.parse("ref:7:nosale") == buttons.ReferralStatus(7, Status.LOST)
    assert buttons.parse("rsvp:2026-12-02:yes") == buttons.RsvpAnswer(
        date(2026, 12, 2), "attending"
    )


def test_forged_and_stale_ids_are_no_button() -> None:
    for action_id in (
        "",
        "ref",
        "ref:7",
        "ref:7:open",
        "ref:x:won",
        "ref:-7:won",
        "ref:1234567890123:won",  # more digits than an id has
        "ref:7:snooze:2y",
        "ref:7:won:extra",
        "rsvp:2026-13-40:yes",
        "rsvp:2026-12-02:maybe",
        "thank:",
        "seat:allow:0",
        "seat:deny:7",
        "121:bob",
        "unknown:7",
    ):
        assert buttons.parse(action_id) is None, action_id
