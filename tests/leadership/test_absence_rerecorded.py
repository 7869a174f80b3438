"""Found in review: the absence rule's notices are remembered per (member, day, kind), but the rule runs
for every counted member each time any meeting is recorded, so re-recording an earlier
meeting (e.g. adding a late-comer to last month's record) announces the same absences again."""

# ruff: noqa: F811 (pytest fixtures imported by name)
from __future__ import annotations

from tests.conftest import Chat
from tests.fakes import RecordingMessenger
from tests.leadership.test_palms_attendance import dm_texts, meets  # noqa: F401 (fixture)

BACKENDS = ("sqlite", "postgresql")


async def test_recording_an_earlier_meeting_again_does_not_warn_the_member_twice(
    meets: Chat, messenger: RecordingMessenger
) -> None:
    await meets("alice", "/rapport attendance 2026-11-11 absent @carol")
    await meets("alice", "/rapport attendance 2026-11-18 absent @carol")
    assert len(dm_texts(messenger, "carol")) == 1  # the warning, at the second absence
    # the admin adds bob to the 11th's record: carol's absences are unchanged
    await meets("alice", "/rapport attendance 2026-11-11 present @bob")
    assert len(dm_texts(messenger, "carol")) == 1


async def test_recording_an_earlier_meeting_again_does_not_tell_the_vp_twice(
    meets: Chat, messenger: RecordingMessenger
) -> None:
    await meets("alice", "/rapport role @bob vp")
    messenger.clear()
    for day in ("2026-11-11", "2026-11-18", "2026-11-25"):
        await meets("alice", f"/rapport attendance {day} absent @carol")
    assert len(dm_texts(messenger, "bob")) == 1  # carol reached the limit once
    # the admin corrects who else was there on the 11th and the 18th
    await meets("alice", "/rapport attendance 2026-11-11 present @alice")
    await meets("alice", "/rapport attendance 2026-11-18 present @alice")
    assert len(dm_texts(messenger, "bob")) == 1


async def test_a_member_warned_once_is_not_warned_again_within_the_window(
    meets: Chat, messenger: RecordingMessenger
) -> None:
    await meets("alice", "/rapport attendance 2026-11-11 absent @carol")
    await meets("alice", "/rapport attendance 2026-11-18 absent @carol")
    assert len(dm_texts(messenger, "carol")) == 1  # the warning
    # the 18th is corrected (she was there), then she misses the 25th: still two absences
    await meets("alice", "/rapport attendance 2026-11-18 present @carol")
    await meets("alice", "/rapport attendance 2026-11-25 absent @carol")
    assert len(dm_texts(messenger, "carol")) == 1
