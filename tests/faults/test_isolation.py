"""Tenancy: a member of one group can read or change nothing of another group's, whatever they
type or click. Breakfast Club (#general) and Sunrise Club (#sunrise) share a workspace; Far Away
Club lives in a second workspace whose people happen to have the same user ids (alice, bob) as
Breakfast Club's. Every command that takes an id or a member, and every button id, forged ones
included, is tried against the other groups' records: each is refused, the refusal reads the
same as for an id that does not exist, and a dump of the whole database is unchanged."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

from adapters.slack.app import SlackBot
from bot.model import ChannelRef, UserRef
from bot.out import OutMessage
from bot.service import Core
from bot.work import Context
from tests.conftest import Chat
from tests.discord_adapter.conftest import Bot
from tests.discord_adapter.conftest import text as discord_text
from tests.discord_adapter.fake_discord import GUILD_ID, FakeDiscord
from tests.discord_adapter.payloads import ALICE as D_ALICE
from tests.discord_adapter.payloads import BOB as D_BOB
from tests.discord_adapter.payloads import Person, click, slash
from tests.fakes import DM, FakeClock, RecordingMessenger, channel, user
from tests.faults.support import dump
from tests.slack.conftest import ALICE, GROUP, Workspace
from tests.slack.fake_slack import FakeSlack, person

BACKENDS = ("sqlite", "postgresql")  # the storage contract: each test on both databases

BREAKFAST = channel("general")
SUNRISE = channel("sunrise")
FAR_AWAY = channel("general", "w2")
FAR_AWAY_DM = ChannelRef("test", "w2", None, "")
MISSING = 999_999  # no referral or member has this id
DAVE = person("U0DAVE", "Dave")
SUNRISE_SLACK = ("C0SUNRISE", "sunrise")
D_DAVE = Person(900000000000001004, "dave", "Dave")

# what each group's records hold that nobody outside the group may read
SECRETS = {
    "Breakfast Club": ("Jane Roe", "jane@roe.example", "082 555 1234", "geyser", "Tom Lee",
                       "Commercial insurance", "homeowners renovating", "Lindiwe Zulu"),
    "Far Away Club": ("Fiona Far", "fiona@far.example", "Tax advice", "Maritime law"),
    "Sunrise Club": ("Sam Sun", "sam@sun.example", "Accounting"),
}  # fmt: skip


@pytest.fixture
async def world(chat: Chat, clock: FakeClock, messenger: RecordingMessenger) -> Chat:
    """Three groups with a week of records each."""

    async def ok(handle: str, line: str, where: ChannelRef, ws: str = "w1") -> None:
        replies = await chat.core.handle(Context(user(handle, ws), where), line)
        await chat.core.settle()
        assert not any(r.kind.startswith("error") for r in replies), (line, replies)

    for handle, line in [
        ("alice", "/rapport setup Breakfast Club"),
        ("alice", "/rapport join Commercial insurance"),
        ("bob", "/rapport join Residential plumbing"),
        ("carol", "/rapport join Roofing"),
        ("bob", "/rapport profile ask homeowners renovating a bathroom"),
        ("alice", "/rapport meeting set wednesday 07:00"),
        ("alice", "/referral @bob Jane Roe jane@roe.example 082 555 1234 -- geyser heat:4"),
        ("carol", "/referral @bob Tom Lee tom@lee.example -- tap"),
        ("bob", "/referrals update 1 won 1500 -- signed"),
        ("alice", "/onetoone @carol"),
        ("alice", "/rapport visitor Lindiwe Zulu"),
        ("bob", "/rapport rsvp attending"),
    ]:
        await ok(handle, line, BREAKFAST)
    for handle, line in [
        ("dave", "/rapport setup Sunrise Club"),
        ("dave", "/rapport join Accounting"),
        ("erin", "/rapport join Bookkeeping"),
        ("dave", "/rapport meeting set thursday 06:30"),
        ("erin", "/referral @dave Sam Sun sam@sun.example"),
    ]:
        await ok(handle, line, SUNRISE)
    for handle, line in [
        ("alice", "/rapport setup Far Away Club"),
        ("alice", "/rapport join Maritime law"),
        ("bob", "/rapport join Tax advice"),
        ("alice", "/rapport meeting set friday 12:00"),
        ("alice", "/referral @bob Fiona Far fiona@far.example"),
    ]:
        await ok(handle, line, FAR_AWAY, "w2")
    clock.advance(hours=1)
    messenger.clear()
    return chat


async def ids(core: Core, group: str) -> tuple[list[int], list[int]]:
    """(referral ids, member ids) of the group named `group`."""
    async with core.repo.transaction() as tx:
        [g] = await tx._all("SELECT id FROM groups WHERE name = ?", (group,))  # type: ignore[attr-defined]
        refs = await tx._all("SELECT id FROM referrals WHERE group_id = ?", (g["id"],))  # type: ignore[attr-defined]
        mems = await tx._all("SELECT id FROM members WHERE group_id = ?", (g["id"],))  # type: ignore[attr-defined]
    return [r["id"] for r in refs], [m["id"] for m in mems]


def id_commands(rid: int) -> list[str]:
    return [
        f"/referrals update {rid} contacted",
        f"/referrals update {rid} meeting booked",
        f"/referrals update {rid} won 500 -- forged",
        f"/referrals update {rid} lost -- forged",
        f"/referrals update #{rid} won",
        f"/referrals snooze {rid} 1w",
        f"/thanks #{rid}",
        f"/thanks #{rid} 250 -- forged",
        f"/thanks @dave #{rid} -- forged",
    ]


def button_ids(rid: int) -> list[str]:
    return [
        *(f"ref:{rid}:{s}" for s in ("contacted", "meeting", "booked", "won", "lost", "nosale")),
        *(f"ref:{rid}:snooze:{d}" for d in ("1h", "1d", "3d", "1w")),
        f"thank:{rid}",
        f"ref:0{rid}:won",  # a leading zero still reads as the same number
    ]


MEMBER_COMMANDS = [
    "/referral @{m} Pat Oh pat@oh.example -- forged",
    "/lead @{m} Acme -- forged",
    "/onetoone @{m} -- forged",
    "/thanks @{m} -- forged",
    "/thanks @{m} 300",
    "/rapport stats @{m}",
    "/rapport remove @{m}",
    "/rapport forget @{m}",
    "/rapport forget @{m} confirm",
    "/rapport attendance present @{m}",
    "/rapport attendance confirm absent @{m}",
    "/rapport visitor Pat Oh invited by @{m}",
]


def same_as_missing(reply: str, real_id: int) -> str:
    return reply.replace(f"#{real_id}", f"#{MISSING}")


def shown(replies: list[OutMessage]) -> str:
    return "\n".join(r.fallback() for r in replies)


def leaked(text: str, groups: tuple[str, ...]) -> list[str]:
    return [s for g in groups for s in (g, *SECRETS[g]) if s in text]


# who tries, from where, against which group, naming which of its members: a typed mention
# resolves in the typer's own workspace, so across workspaces only ids can be forged
ATTACKS = [
    ("dave", "w1", SUNRISE, "Breakfast Club", ("alice", "bob", "carol")),  # another group's admin
    ("dave", "w1", DM, "Breakfast Club", ("alice", "bob", "carol")),  # … in a DM with the bot
    ("erin", "w1", SUNRISE, "Breakfast Club", ("alice", "bob", "carol")),
    ("alice", "w1", BREAKFAST, "Far Away Club", ()),  # same user id, other workspace
    ("alice", "w1", DM, "Far Away Club", ()),
    ("alice", "w2", FAR_AWAY, "Breakfast Club", ("carol",)),
    ("bob", "w2", FAR_AWAY_DM, "Breakfast Club", ("carol",)),
]
ATTACK_IDS = [
    f"{who}@{ws}-{where.name[1:] if where.channel_id else 'dm'}-vs-{victim.split()[0].lower()}"
    for who, ws, where, victim, _ in ATTACKS
]


@pytest.mark.parametrize("who, ws, where, victim, named", ATTACKS, ids=ATTACK_IDS)
async def test_no_command_or_button_reaches_another_groups_records(
    world: Chat,
    messenger: RecordingMessenger,
    who: str,
    ws: str,
    where: ChannelRef,
    victim: str,
    named: tuple[str, ...],
) -> None:
    core = world.core
    ctx = Context(user(who, ws), where)
    referrals, _ = await ids(core, victim)
    before = await dump(core.repo)

    async def refused(action: str, click: bool = False) -> str:
        replies = await (core.click(ctx, action) if click else core.handle(ctx, action))
        await core.settle()
        assert replies and all(r.kind.startswith("error") for r in replies), (action, replies)
        text = shown(replies)
        assert "went wrong" not in text, action
        assert not leaked(text, (victim,)), (action, text)
        assert await dump(core.repo) == before, f"{action!r} changed the database"
        return text

    for rid in referrals:
        for line, control in zip(id_commands(rid), id_commands(MISSING), strict=True):
            assert same_as_missing(await refused(line), rid) == await refused(control), line
        for action, control in zip(button_ids(rid), button_ids(MISSING), strict=True):
            got = await refused(action, click=True)
            assert same_as_missing(got, rid) == await refused(control, click=True), action
    for handle in named:
        for line in MEMBER_COMMANDS:
            await refused(line.format(m=handle))
    assert messenger.sent == []


@pytest.mark.parametrize("who, ws, where, victim, named", ATTACKS, ids=ATTACK_IDS)
async def test_a_forged_one_to_one_button_reaches_no_other_group(
    world: Chat,
    messenger: RecordingMessenger,
    who: str,
    ws: str,
    where: ChannelRef,
    victim: str,
    named: tuple[str, ...],
) -> None:
    """`121:<member id>` names a member by database id: for a member of another group it must
    read like an id that does not exist, and do nothing."""
    core = world.core
    ctx = Context(user(who, ws), where)
    _, members = await ids(core, victim)
    before = await dump(core.repo)
    nothing = shown(await core.click(ctx, f"121:{MISSING}"))
    await core.settle()
    assert "no longer applies" in nothing
    outcomes = {}
    last = before
    for mid in [*members, 0, -1]:
        reply = shown(await core.click(ctx, f"121:{mid}"))
        await core.settle()
        now = await dump(core.repo)
        if reply != nothing or now != last:
            outcomes[mid] = (reply, "changed the database" if now != last else "")
        last = now
    assert outcomes == {}, f"{who}@{ws} clicking 121:<id> of {victim}'s members: {outcomes}"
    assert messenger.sent == []


async def test_reading_ones_own_group_shows_nothing_of_another(
    world: Chat, messenger: RecordingMessenger, settings
) -> None:
    core = world.core
    before = await dump(core.repo)
    for who, ws, where, others in [
        ("dave", "w1", SUNRISE, ("Breakfast Club", "Far Away Club")),
        ("dave", "w1", DM, ("Breakfast Club", "Far Away Club")),
        ("alice", "w2", FAR_AWAY, ("Breakfast Club", "Sunrise Club")),
        ("bob", "w2", FAR_AWAY_DM, ("Breakfast Club", "Sunrise Club")),
    ]:
        for line in [
            "/referrals",
            "/referrals all",
            "/referrals given",
            "/referrals received",
            "/referrals open",
            "/rapport stats",
            "/rapport leaderboard quarter",
            "/rapport lights all",
            "/rapport gaps",
            "/rapport attendance",
            "/rapport meeting",
            "/rapport settings",
            "/rapport profile",
            "/rapport export contacts",
            "/rapport my-data",
            "/rapport help",
        ]:
            replies = await core.handle(Context(user(who, ws), where), line)
            await core.settle()
            assert "went wrong" not in shown(replies), line
            text = shown(replies)
            for path in (p for r in replies for p in r.attachments):
                text += "\n" + Path(path).read_text(encoding="utf-8")
            assert not leaked(text, others), (who, ws, line, leaked(text, others))
    assert await dump(core.repo) == before
    assert messenger.sent == []


# --- the same forged buttons through the platforms ------------------------------------------
# (`121:<id>` is left to the core-level test above, which already shows what it does)
FORGED = ["ref:1:won", "ref:1:contacted", "ref:1:lost", "ref:1:snooze:1w", "thank:1", "ref:01:won"]


async def test_forged_slack_buttons_from_another_groups_member_change_nothing(
    slack_group: Workspace, fake_slack: FakeSlack, slack: SlackBot
) -> None:
    fake_slack.users[DAVE["id"]] = DAVE
    fake_slack.bot_channels.add(SUNRISE_SLACK[0])
    assert (
        "is set up"
        in (await slack_group.type(DAVE, "/rapport setup Sunrise Club", where=SUNRISE_SLACK)).text
    )
    await slack_group.type(DAVE, "/rapport join Accounting", where=SUNRISE_SLACK)
    await slack_group.type(ALICE, "/referral <@U0BOB|bob> Jane Roe jane@roe.example -- geyser")
    before = await dump(slack.app.repo)
    messages = len(fake_slack.messages)

    for action in FORGED:
        forged = {
            "ts": "1700000000.999999",
            "text": "",
            "blocks": [
                {
                    "type": "actions",
                    "block_id": "rapport.actions",
                    "elements": [
                        {
                            "type": "button",
                            "action_id": action,
                            "text": {"type": "plain_text", "text": "Forged"},
                            "value": "",
                        }
                    ],
                }
            ],
        }
        for channel_id in ("", SUNRISE_SLACK[0], GROUP[0]):
            result = await slack_group.click(DAVE, forged, action, channel=channel_id)
            assert result.status == 200, action
            assert "There is no referral #1 of yours" in result.text, (action, result.text)
            assert not leaked(result.text, ("Breakfast Club",))
    assert await dump(slack.app.repo) == before
    assert len(fake_slack.messages) == messages


async def test_forged_discord_buttons_from_another_groups_member_change_nothing(
    discord_group: Bot, discord_api: FakeDiscord
) -> None:
    discord_api.users[D_DAVE.id] = D_DAVE.user
    core = discord_group.app.core
    dave = UserRef("discord", str(GUILD_ID), str(D_DAVE.id), "Dave")
    other = ChannelRef("discord", str(GUILD_ID), "900000000000000201", "#sunrise")
    for line in ("/rapport setup Sunrise Club", "/rapport join Accounting"):
        assert not (await core.handle(Context(dave, other), line))[0].kind.startswith("error")
        await core.settle()
    await discord_group.send(
        slash(D_ALICE, "referral", member=D_BOB, prospect="Jane Roe", email="jane@roe.example")
    )
    [dm] = discord_api.dms_to(D_BOB.id)
    before = await dump(discord_group.app.repo)
    messages = len(discord_api.messages)

    guilds = (str(GUILD_ID), "1", "900000000000000999")
    forged = [(g, a) for g in guilds for a in FORGED]
    for i, (guild, action) in enumerate(forged):
        message = copy.deepcopy(dm)
        label = f"Forged {i}"
        button = {"type": 2, "style": 2, "label": label, "custom_id": f"rapport:{guild}:{action}"}
        message["components"] = [{"type": 1, "components": [button]}]
        pressed = await discord_group.send(click(D_DAVE, message, label))
        replies = [discord_text(m) for m in discord_api.private_replies(pressed)]
        assert replies, (guild, action)
        for reply in replies:
            assert "went wrong" not in reply and not leaked(reply, ("Breakfast Club",)), reply
    assert await dump(discord_group.app.repo) == before
    assert len([m for m in discord_api.messages.values() if not m["flags"] & 64]) <= messages
