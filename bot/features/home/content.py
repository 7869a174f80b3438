"""The dashboard's content, platform-neutral: the member's next meeting and RSVP, their duties,
the referrals waiting on them and those they gave, their numbers and light, their ask.

Built from the same reads and wording as the commands that show each part (`/rapport stats`,
`/rapport lights`, `/referrals open`), with the same buttons as the DMs (bot.buttons), so a
click on the dashboard is handled by the code that handles that button anywhere. Adapters
render it: Slack as a Home tab view, everywhere as one private message (`as_message`).
"""

from __future__ import annotations

from dataclasses import dataclass

from bot import buttons, messages, money
from bot.features.home import messages as wording
from bot.features.insight import messages as insight_words
from bot.features.insight.handlers import light_for
from bot.features.leadership.roles import Role, roles_of
from bot.model import Group, Member, Referral, Status
from bot.out import Action, Field, OutMessage
from bot.schedule import local_date, next_meeting, quarter_bounds, week_bounds
from bot.text import Rich, join, lit
from bot.work import Work

LISTED = 200  # referrals read for each list: far more than any platform shows at once
KIND = "home.dashboard"


@dataclass(frozen=True)
class Item:
    """One line, and the buttons that act on it. `tag` names it on a button that stands
    away from the line (`#12` on "Contacted" in a message with several referrals)."""

    text: Rich
    actions: tuple[Action, ...] = ()
    tag: str = ""


@dataclass(frozen=True)
class Section:
    """A part of the dashboard. With no items it shows `empty`, or nothing when that is
    None. `full_list` is the command that lists every item, for a renderer that has room for
    fewer (it says how many more, and that command)."""

    key: str
    heading: str
    items: tuple[Item, ...] = ()
    empty: Rich | None = None
    full_list: str | None = None

    @property
    def shown(self) -> bool:
        return bool(self.items) or self.empty is not None


@dataclass(frozen=True)
class Dashboard:
    title: str
    intro: Rich
    sections: tuple[Section, ...] = ()
    # the member's ask, for a "Change my ask" form to start from; None: no member, no form
    ask: str | None = None
    member: bool = False

    def as_message(self, most_buttons: int = 25) -> OutMessage:
        """The dashboard as one private reply (`/rapport me`): a field a section, and as many
        whole items' buttons as a message takes; the items left without buttons are named
        with the command that moves them."""
        fields: list[Field] = []
        actions: list[Action] = []
        without = 0
        for s in self.sections:
            if not s.shown:
                continue
            value = join([i.text for i in s.items], "\n") if s.items else (s.empty or lit(""))
            fields.append(Field(s.heading, value))
            for i in s.items:
                if not i.actions:
                    continue
                if len(actions) + len(i.actions) > most_buttons:
                    without += 1
                    continue
                prefix = f"{i.tag} " if i.tag else ""
                actions.extend(
                    Action(prefix + a.label, a.action_id, a.command, a.style) for a in i.actions
                )
        text = self.intro
        if without:
            text = text + lit("\n") + wording.more_buttons(without)
        return OutMessage(
            text=text,
            title=self.title,
            fields=tuple(fields),
            actions=tuple(actions),
            ephemeral=True,
            kind=KIND,
        )


def not_in_a_group() -> Dashboard:
    """What someone in no group sees: how to start one, or join one."""
    return Dashboard(wording.WELCOME, wording.not_in_a_group())


def next_steps(r: Referral) -> tuple[Action, ...]:
    """The buttons that move a referral on from where it is (the DM's, forward only), and
    snoozing its reminders."""
    ahead = {
        Status.OPEN: (Status.CONTACTED, Status.MEETING, Status.WON, Status.LOST),
        Status.CONTACTED: (Status.MEETING, Status.WON, Status.LOST),
        Status.MEETING: (Status.WON, Status.LOST),
    }.get(r.status, ())
    wanted = {buttons.ReferralStatus(r.id, s).action_id for s in ahead}
    moves = tuple(a for a in messages.referral_actions(r) if a.action_id in wanted)
    return (*moves, messages.snooze_action(r)) if moves else ()


async def duties(w: Work, group: Group, member: Member) -> list[Rich]:
    """The member's duties at the next meeting: the feature presentation or education slot
    they hold (with its topic, or the command to set one), one another member asked them to
    take over, and, for the visitor host, the visitors expected."""
    if group.meeting is None:
        return []
    at = next_meeting(group.meeting, w.now, await w.tx.groups.skips(group.id))
    if at is None:
        return []
    day = local_date(at, group.tz).isoformat()
    found: list[Rich] = []
    for slot in await w.tx.slots.on_day(group.id, day):
        if slot.member_id == member.id:
            found.append(wording.holds_slot(slot.slot, day, slot.topic))
        elif slot.swap_to == member.id:
            found.append(wording.asked_to_take(slot.slot, day))
    if Role.VISITOR_HOST in await roles_of(w, group, member):
        coming = await w.tx.visitors.with_status(group.id, ("invited", "confirmed"))
        found.append(wording.hosting(day, len(coming)))
    return found


async def dashboard(w: Work, group: Group, member: Member, others: int = 0) -> Dashboard:
    """Where `member` stands in `group` now. Reads only."""
    tz = member.tz or group.tz
    sections = [
        await _meeting(w, group, member, tz),
        Section("duties", wording.DUTIES, tuple(Item(d) for d in await duties(w, group, member))),
        *await _referrals(w, member),
        await _numbers(w, group, member, tz),
        Section("ask", wording.ASK, (Item(wording.ask(member.ask)),)),
    ]
    return Dashboard(
        wording.title(group),
        wording.intro(group, others),
        tuple(sections),
        ask=member.ask or "",
        member=True,
    )


async def _meeting(w: Work, group: Group, member: Member, tz: str) -> Section:
    if group.meeting is None:
        return Section("meeting", wording.MEETING, (Item(wording.no_meeting()),))
    skips = await w.tx.groups.skips(group.id)
    at = next_meeting(group.meeting, w.now, skips)
    if at is None:
        return Section("meeting", wording.MEETING, (Item(wording.no_meeting()),))
    day = local_date(at, group.tz).isoformat()
    answer = (await w.tx.attendance.on_day(group.id, day)).get(member.id, (None, None))[0]
    return Section(
        "meeting",
        wording.MEETING,
        (
            Item(wording.next_meeting(at, tz, group.meeting.where)),
            Item(wording.rsvp(answer), messages.rsvp_actions(day)),
        ),
    )


async def _referrals(w: Work, member: Member) -> list[Section]:
    people: dict[int, Member] = {member.id: member}

    async def who(mid: int) -> Member:
        if mid not in people:
            found = await w.tx.members.by_id(mid)
            assert found is not None
            people[mid] = found
        return people[mid]

    received = [
        Item(wording.received(r, await who(r.giver_id)), next_steps(r), f"#{r.id}")
        for r in await w.tx.referrals.of_member(member.id, "open", LISTED)
    ]
    given = [
        Item(wording.given(r, await who(r.receiver_id)))
        for r in await w.tx.referrals.of_member(member.id, "given_open", LISTED)
    ]
    return [
        Section(
            "received",
            wording.RECEIVED,
            tuple(received),
            wording.nothing_received(),
            wording.OPEN_LIST,
        ),
        Section("given", wording.GIVEN, tuple(given), wording.nothing_given(), wording.GIVEN_LIST),
    ]


async def _numbers(w: Work, group: Group, member: Member, tz: str) -> Section:
    """This week's and this quarter's numbers and the traffic light with its next step, as
    `/rapport stats` and `/rapport lights` word them."""
    wk = week_bounds(w.now, group.tz)
    q = quarter_bounds(w.now, group.tz)
    week = await w.tx.numbers.stats(
        group.id, member.id, int(wk[0].timestamp()), int(wk[1].timestamp())
    )
    quarter = await w.tx.numbers.stats(
        group.id, member.id, int(q[0].timestamp()), int(q[1].timestamp())
    )
    numbers = insight_words.stats(
        member.user, week, quarter, group.currency, True, True, locale=money.locale_of(group)
    )
    skips = await w.tx.groups.skips(group.id)
    next_at = next_meeting(group.meeting, w.now, skips) if group.meeting else None
    light = insight_words.own_light(
        await light_for(w, group, member, w.settings.lights), next_at, tz
    )
    return Section("numbers", wording.NUMBERS, (Item(numbers.text), Item(light.text)))
