"""The wording several areas share: the reply and notice shapes, names, money and dates,
errors, the nudges, reminders and recaps the due work sends, and what a refused delivery tells
the admins. Each feature's own sentences are in bot/features/<area>/messages.py; handlers decide,
these modules word it.

Templates go through `fmt`, where a plain `str` value is user text (escaped by every
renderer) and a `UserRef` is a mention; bot wording is the template itself.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from bot import buttons
from bot import money as amounts
from bot.model import STATUS_LABEL, Group, Kind, Member, Referral, Stats, Status, UserRef
from bot.out import Action, Field, OutMessage
from bot.text import Listing, Part, Rich, UserText, When, fmt, join, listing, lit, named

if TYPE_CHECKING:
    from bot.model import ChannelRef

# Commands a platform lets us register under their own name; the rest live under /rapport.
# Slack's manifest and Discord's command tree register exactly these, so an example worded
# with `slash` is one the member can type on every platform.
DIRECT = ("referral", "lead", "referrals", "thanks", "onetoone")

# Examples that name a date are filled in from the clock when the reply is worded (a date
# written here would soon be in the past): a week from today, today, and this year's 1 January.
DAY_SOON = "{a-week-from-today}"
TODAY = "{today}"
YEAR_START = "{1-january}"


HEAT = {1: "cool", 2: "mild", 3: "warm", 4: "hot", 5: "ready to buy"}


def slash(command: str) -> str:
    return f"/{command}" if command in DIRECT else f"/rapport {command}"


def count(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def money(cents: int, currency: str, locale: str | None = None) -> str:
    """An amount as the group writes it (Babel: R12 500,00 in en_ZA, £4,800.00 in en_GB)."""
    return amounts.written(cents, currency, locale)


def group_money(cents: int, group: Group) -> str:
    return amounts.written(cents, group.currency, amounts.locale_of(group))


def when(at: datetime, tz: str) -> Rich:
    return Rich((When(at, tz),))


def reply(text: Rich | str, kind: str, **extra: object) -> OutMessage:
    if isinstance(text, str):
        text = lit(text)
    return OutMessage(text=text, ephemeral=True, kind=kind, **extra)  # type: ignore[arg-type]


def notice(text: Rich, kind: str, **extra: object) -> OutMessage:
    return OutMessage(text=text, kind=kind, **extra)  # type: ignore[arg-type]


def cmd(text: str) -> Rich:
    return lit(text)


# --- long lists, which a platform may spread over several messages -----------------------
def continued(heading: str) -> str:
    """The heading of a list, or a field, carried on in another message or block."""
    return f"{heading} (continued)"


def profile_pointer(user: UserRef) -> Rich:
    """Where to read a member's whole ask, when a platform has to show it shortened."""
    return Rich((" (all of it: /rapport profile ", named(user), ")"))


def ask_line(m: Member) -> Rich:
    """ "• @bob wants: …" in a list of asks; a long ask may be shortened, saying where to read it.
    Put together part by part: a reminder minute writes one for every member with an ask."""
    who = named(m.user)
    pointer = Rich((" (all of it: /rapport profile ", who, ")"))
    return Rich(("• ", who, " wants: ", UserText(m.ask or "", more=pointer)))


def error(text: Rich | str) -> OutMessage:
    """A refusal: nothing changed."""
    return reply(text, "error", refused=True)


def internal_error(changes: bool = True) -> OutMessage:
    """The apology for a crash. `changes`: the command would have changed something, so say
    that nothing was saved; a command that only reads has nothing to take back."""
    if not changes:
        return error(
            "Sorry, something went wrong on my side. Please try again; if it keeps happening,"
            " tell your organiser."
        )
    return error(
        "Sorry, something went wrong on my side and nothing was saved. Please try again;"
        " if it keeps happening, tell your organiser."
    )


def mention_unresolved(raw: str) -> OutMessage:
    return error(
        fmt(
            "I can't tell who “{raw}” is. Pick the member from the mention list as you"
            " type @, so it becomes a real mention.",
            raw=raw[:60],
        )
    )


def not_a_person() -> OutMessage:
    return error(
        "That account is a bot or has been deactivated: referrals, thanks and 1-2-1s"
        " are for people in the group. Pick a member as you type @."
    )


def not_a_group() -> OutMessage:
    return error(
        "This channel isn't a Rapport group yet. An organiser can make it one with"
        " /rapport setup <group name>."
    )


def several_groups(groups: list[Group]) -> OutMessage:
    names = join([fmt("{n}", n=g.name) for g in groups])
    return error(
        fmt("You belong to several groups ({names}): run this in the group's channel.", names=names)
    )


def not_a_member(group: Group) -> OutMessage:
    return error(
        fmt(
            "You're not on {group}'s roster yet. Join with /rapport join <your"
            " classification>, e.g. /rapport join Residential plumbing.",
            group=group.name,
        )
    )


def admin_only(what: str) -> OutMessage:
    return error(f"Only the group's admins can {what}.")


def user_not_member(user: UserRef, group: Group) -> OutMessage:
    return error(
        fmt(
            "{u} isn't on {group}'s roster. They can join with /rapport join <classification>.",
            u=user,
            group=group.name,
        )
    )


def other_platform() -> OutMessage:
    return error("That member is on another platform; mention someone from this group.")


# --- profile -----------------------------------------------------------------------------
def profile(member: Member, group: Group, default_quiet: str) -> OutMessage:
    fields = (
        Field(
            "Classification",
            fmt("{c}", c=member.classification)
            if member.classification
            else lit("none yet (/rapport join <classification>)"),
        ),
        Field(
            "Ask",
            fmt("{a}", a=member.ask)
            if member.ask
            else lit("not set (/rapport profile ask <the referral you want>)"),
        ),
        Field(
            "Email",
            fmt("{e}", e=member.email)
            if member.email
            else lit("not set (/rapport profile email <address>, used in introductions)"),
        ),
        Field("Time zone", lit(member.tz or f"{group.tz} (the group's)")),
        Field("Quiet hours", lit(member.quiet_hours or f"{default_quiet} (default)")),
        Field(
            "Direct messages",
            lit("on" if member.dm_enabled else "off (you still get referrals passed to you)"),
        ),
    )
    return reply(
        fmt("Your profile in {g}:", g=group.name), "profile", fields=fields, title="Your profile"
    )


# --- referrals and leads -----------------------------------------------------------------
def kind_word(kind: Kind) -> str:
    return "referral" if kind is Kind.REFERRAL else "lead"


def referral_actions(r: Referral) -> tuple[Action, ...]:
    def act(label: str, status: str, style: str = "default") -> Action:
        return Action(
            label,
            buttons.ReferralStatus(r.id, Status(status)).action_id,
            cmd(f"/referrals update {r.id} {status}"),
            style,
        )

    return (
        act("Contacted", "contacted", "primary"),
        act("Meeting booked", "meeting"),
        act("Won", "won"),
        act("No sale", "lost", "danger"),
    )


def referral_fields(r: Referral) -> tuple[Field, ...]:
    name = "Prospect" if r.kind is Kind.REFERRAL else "Who"
    fields = [Field(name, fmt("{p}", p=r.prospect))]
    if r.email:
        fields.append(Field("Email", fmt("{e}", e=r.email)))
    if r.phone:
        fields.append(Field("Phone", fmt("{p}", p=r.phone)))
    if r.need:
        fields.append(Field("Need" if r.kind is Kind.REFERRAL else "Details", fmt("{n}", n=r.need)))
    if r.kind is Kind.REFERRAL and r.heat_given:  # no heat given: none shown as if it were
        fields.append(Field("Heat", lit(f"{r.heat}/5 ({HEAT[r.heat]})")))
    if r.inside:
        fields.append(Field("Inside", lit("the prospect is a member of this group")))
    fields.append(Field("Id", lit(f"#{r.id}")))
    return tuple(fields)


def person(member: Member) -> UserRef | Rich:
    """A member as a mention, or, once forgotten, words that name and ping nobody."""
    return lit("a former member") if member.forgotten else member.user


# --- meetings ----------------------------------------------------------------------------
WEEKDAY_NAMES = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def meeting_line(group: Group) -> Rich:
    m = group.meeting
    assert m is not None
    text = lit(f"{WEEKDAY_NAMES[m.weekday]}s at {m.time} ({m.tz})")
    if m.where:
        text = text + fmt(", {w}", w=m.where)
    return text


def no_meeting() -> OutMessage:
    return reply(
        "No weekly meeting is set yet. The admin sets it with /rapport meeting set"
        " <weekday> <HH:MM> <Area/City> [-- where].",
        "meeting.none",
    )


def skip_not_meeting_day(day: str, group: Group) -> OutMessage:
    return error(
        fmt("{d} is not a meeting day; ", d=day)
        + lit("the group meets ")
        + meeting_line(group)
        + lit(".")
    )


# --- nudges (scheduled DMs) ----------------------------------------------------------------
def snooze_action(r: Referral) -> Action:
    return Action(
        "Snooze 1 day",
        buttons.ReferralSnooze(r.id, "1d").action_id,
        cmd(f"/referrals snooze {r.id} 1d"),
    )


def follow_up_nudge(r: Referral, giver: UserRef | Rich, number: int, most: int) -> OutMessage:
    """`giver` in words (not a mention) once erased at their request: then nobody's name
    is on the line any more, so the nudge doesn't say so."""
    text = fmt(
        "Follow up now: {g}'s referral {p} (#{id}) is still waiting for your call.",
        g=giver,
        p=r.prospect,
        id=r.id,
    )
    if isinstance(giver, UserRef):
        text = text + fmt(" {g} put their name on the line for you.", g=giver)
    if number > 1:
        text = text + lit(f" (Reminder {number} of {most}.)")
    actions = (*referral_actions(r), snooze_action(r))
    return notice(
        text,
        "nudge.follow_up",
        title="Follow up now",
        fields=referral_fields(r),
        actions=actions,
        about=r.id,
    )


def not_contacted_notice(r: Referral, receiver: UserRef, days: int, reminded: bool) -> OutMessage:
    chased = "I've reminded them" if reminded else "They have reminders turned off"
    return notice(
        fmt(
            "Just so you know: {u} hasn't confirmed contacting {p} (#{id}) yet, {days} days after"
            f" your referral. {chased}; you may want to check in with {{u}} or {{p}}.",
            u=receiver,
            p=r.prospect,
            id=r.id,
            days=days,
        ),
        "nudge.not_contacted",
    )


def progress_nudge(r: Referral, giver: UserRef | Rich, days: int) -> OutMessage:
    text = fmt(
        f"Any news on {{p}} (#{{id}})? It has been {STATUS_LABEL[r.status]} for {days} days.",
        p=r.prospect,
        id=r.id,
    )
    if isinstance(giver, UserRef):  # an erased giver hears nothing: no update goes to them
        text = text + fmt(
            " {g} passed it to you and would love to hear how it is going: your update goes to"
            " them.",
            g=giver,
        )
    return notice(
        text + fmt(" Add a note: /referrals update {id} <status> -- what happened", id=r.id),
        "nudge.progress",
        actions=(*referral_actions(r)[1:], snooze_action(r)),
    )


def thank_nudge(r: Referral, giver: UserRef) -> OutMessage:
    return notice(
        fmt(
            "#{id} ({p}) became business, and {g} hasn't been thanked yet. A public thank-you"
            " is what keeps referrals coming.",
            id=r.id,
            p=r.prospect,
            g=giver,
        ),
        "nudge.thank",
        actions=(
            Action(
                f"Thank {giver.display_name}",
                buttons.ThankGiver(r.id).action_id,
                fmt("/thanks {g} {id}", g=giver, id=r.id),
                "primary",
            ),
        ),
    )


def accountability_nudge(weeks: int, asks: list[Rich], meeting_at: datetime, tz: str) -> OutMessage:
    """`asks` are others' `ask_line`s, made once for the whole group: a chapter's nudges
    share them (and their stored JSON, see Rich.json). Put together part by part: a reminder
    minute writes ~176,000 of these."""
    parts: tuple[Part, ...] = (
        f"You haven't passed a referral or lead in {weeks} weeks. The next meeting is ",
        When(meeting_at, tz),
        ": maybe someone you know fits one of these asks?",
    )
    if asks:
        parts += ("\n", Listing(tuple(asks), "\n", None, ASKS_AGAIN))
    parts += ("\nA lead counts too: /lead @member <business> -- what you heard.",)
    return OutMessage(Rich(parts), kind="nudge.accountability")


ASKS_AGAIN = lit(continued("Asks") + ":\n")


# --- meeting reminders and the weekly recap ------------------------------------------------
def business_split(s: Stats, currency: str, locale: str | None) -> str:
    """Closed business, with the repeat business in it named apart (chapters count new
    clients and repeat work separately)."""
    total = money(s.closed_business_cents, currency, locale)
    if not s.repeat_business_cents:
        return total
    return f"{total} ({money(s.repeat_business_cents, currency, locale)} of it repeat)"


def group_numbers(s: Stats, currency: str, locale: str | None = None) -> str:
    return (
        f"{count(s.referrals_given, 'referral')}, {count(s.leads_given, 'lead')},"
        f" {business_split(s, currency, locale)} closed business,"
        f" {count(s.one_to_ones, '1-2-1')}"
    )


def meeting_reminder(
    group: Group,
    meeting_at: datetime,
    soon: bool,
    asks: list[Rich],
    open_seats: list[str],
    last_week: Stats,
    day: str,
    substitutes: Rich | None = None,
) -> OutMessage:
    """`asks` are members' `ask_line`s (made once for all of the group's messages);
    `substitutes`, the line of substitutes expected (bot/features/leadership)."""
    head = "⏰ Starting soon: " if soon else "📅 Reminder: "
    text = lit(head) + fmt("{g} meets ", g=group.name) + when(meeting_at, group.tz)
    if group.meeting and group.meeting.where:
        text = text + fmt(" at {w}", w=group.meeting.where)
    text = text + lit(".")
    if asks:
        text = (
            text
            + lit("\n")
            + listing(
                asks,
                sep="\n",
                head=lit("This week's asks:\n"),
                again=lit(continued("This week's asks") + ":\n"),
            )
        )
    if open_seats:
        text = (
            text
            + lit("\n")
            + listing(
                [fmt("{c}", c=c) for c in open_seats],
                head=lit("Open seats: "),
                again=lit(continued("Open seats") + ": "),
            )
            + lit(". Know someone? Bring them as a visitor.")
        )
    if substitutes is not None:
        text = text + substitutes
    text = text + lit(
        f"\nThe last 7 days: {group_numbers(last_week, group.currency, amounts.locale_of(group))}."
    )
    text = text + lit("\nComing? Let the group know:")
    return notice(text, "reminder.soon" if soon else "reminder.evening", actions=rsvp_actions(day))


def weekly_recap(
    group: Group,
    week: Stats,
    givers: list[tuple[UserRef, int, int]],
    thanks: list[tuple[UserRef, UserRef]],
    visitors: list[tuple[str, UserRef | None]] = (),  # type: ignore[assignment]
) -> OutMessage:
    text = fmt("📊 This week at {g}: ", g=group.name) + lit(
        group_numbers(week, group.currency, amounts.locale_of(group)) + "."
    )
    if givers:
        parts = []
        for u, refs, leads in givers:
            what = ", ".join(
                x
                for x in (
                    count(refs, "referral") if refs else "",
                    count(leads, "lead") if leads else "",
                )
                if x
            )
            parts.append(fmt("{u} ({w})", u=u, w=lit(what)))
        text = (
            text
            + lit("\n")
            + listing(parts, head=lit("Given by: "), again=lit(continued("Given by") + ": "))
            + lit(". Thank you!")
        )
    else:
        text = text + lit("\nNo referrals or leads this week. Who will open next week's account?")
    if thanks:
        text = (
            text
            + lit("\n")
            + listing(
                [fmt("{a} thanked {b}", a=a, b=b) for a, b in thanks],
                head=lit("Thanks: "),
                again=lit(continued("Thanks") + ": "),
            )
            + lit(".")
        )
    if visitors:
        welcomed = [
            fmt("{n} (invited by {u})", n=name, u=by) if by else fmt("{n}", n=name)
            for name, by in visitors
        ]
        text = (
            text
            + lit("\n")
            + listing(
                welcomed,
                head=lit("👋 Welcome to our visitors: "),
                again=lit(continued("👋 Our visitors") + ": "),
            )
            + lit(". Come again!")
        )
    return notice(text, "recap.weekly")


# --- leaving, settings, open seats ---------------------------------------------------------
def left(group: Group) -> OutMessage:
    return reply(
        fmt(
            "You have left {g}; your seat is free. Your history stays in the group's"
            " totals. Come back any time with /rapport join.",
            g=group.name,
        ),
        "leave.done",
    )


def removed(member: Member) -> OutMessage:
    return reply(fmt("{u} is off the roster and their seat is free.", u=member.user), "leave.done")


def admin_cannot_leave(then: str = "/rapport leave") -> OutMessage:
    """The last admin wants to go while members remain: how to hand over, then `then`."""
    return error(
        "You are the group's only admin, so you can't go yet: a group with members always"
        f" keeps an admin. Hand over first with /rapport admin add @member, then {then}."
    )


# --- DMs the platform refused --------------------------------------------------------------
def receiver_unreachable(r: Referral, receiver: UserRef) -> OutMessage:
    return notice(
        fmt(
            "I couldn't reach {u} by direct message about {p} (#{id}): their settings refuse DMs"
            " from me. Please let them know in person; they can see it with /referrals open.",
            u=receiver,
            p=r.prospect,
            id=r.id,
        ),
        "referral.unreachable",
    )


def you_were_unreachable() -> OutMessage:
    return reply(
        "Heads-up: I tried to send you a direct message and your settings refused it, so you may"
        " have missed a referral. Allow direct messages from this server or workspace, and see"
        " what is waiting with /referrals open.",
        "notice.dm_unreachable",
    )


def needs_admin(group: Group, how: str) -> OutMessage:
    return notice(
        fmt("I couldn't post in {g}'s channel ", g=group.name)
        + lit(group.channel_name or "")
        + lit(f": {how} I'll keep trying for a while."),
        "admin.attention",
    )


# --- a message the platform refused ----------------------------------------------------------
REFUSED_KIND = "admin.refused"
# what a queued message is, as an admin would name it (by its kind)
DELIVERED_AS = {
    "reminder.evening": "the evening-before reminder",
    "reminder.soon": "the meeting reminder",
    "recap.weekly": "the weekly recap",
    "recap.monthly": "the monthly recap",
    "nudge.accountability": "a weekly nudge to give referrals",
    "nudge.follow_up": "a follow-up reminder about a referral",
    "nudge.not_contacted": "a note that a referral was not followed up",
    "nudge.progress": "a request for a referral's progress",
    "nudge.thank": "a reminder to say thank you",
    "referral.received": "a referral's details",
    "lead.received": "a lead's details",
    "referral.post": "a referral announcement",
    "lead.post": "a lead announcement",
    "thanks.post": "a thank-you",
    "suggest.one_to_one": "a 1-2-1 suggestion",
}


def delivery_refused(group: Group, kind: str, target: UserRef | ChannelRef, why: str) -> OutMessage:
    """To a group's admins: the platform refused a message outright, so it will not be
    retried; they hear which one, where to, and the platform's own reason."""
    what = DELIVERED_AS.get(kind, "a message")
    if isinstance(target, UserRef):
        where = lit(" to ") + Rich((named(target),))
    else:
        where = lit(f" in {target.name or 'the group channel'}")
    return notice(
        fmt("I couldn't deliver {what} for {g}", what=lit(what), g=group.name)
        + where
        + fmt(": {why}. It would be refused the same way again, so I won't retry it.", why=why)
        + lit(" Please pass this on to whoever runs Rapport for your group."),
        REFUSED_KIND,
    )


def rsvp_actions(day: str) -> tuple[Action, ...]:
    def act(label: str, answer: str, style: str = "default") -> Action:
        button = buttons.RsvpAnswer(date.fromisoformat(day), answer)
        return Action(label, button.action_id, cmd(f"/rapport rsvp {answer} {day}"), style)

    return (
        act("Attending", "attending", "primary"),
        act("Sending a substitute", "substitute"),
        act("Can't make it", "absent"),
    )


# --- leaderboard and traffic lights --------------------------------------------------------
PERIOD_LABEL = {"week": "this week", "month": "this month", "quarter": "this quarter"}


def forgotten(self_: bool) -> OutMessage:
    text = (
        "Done: your personal data is erased and you are off the roster."
        if self_
        else "Done: that member's personal data is erased and they are off the roster."
    )
    return reply(text + " The group's totals still count the activity, anonymously.", "forget.done")


# --- monthly -------------------------------------------------------------------------------
def monthly_recap(group: Group, weeks: int, numbers: str, chart: str | None) -> OutMessage:
    text = fmt(
        f"📈 {{g}}, the last {count(weeks, 'week')} (referrals, leads, closed business):\n",
        g=group.name,
    ) + lit(numbers)
    return notice(text, "recap.monthly", attachments=(chart,) if chart else ())


def one_to_one_suggestion(
    other: Member, same_sphere: bool, sphere: str | None, met_before: bool
) -> OutMessage:
    why = (
        f"you share the {sphere} sphere, so you serve the same clients"
        if same_sphere
        else "getting to know each other's business is how referrals start"
    )
    when_met = (
        "It's been a while since your last 1-2-1" if met_before else "You haven't had a 1-2-1 yet"
    )
    return notice(
        fmt(
            "This month, how about a 1-2-1 with {u} ({c})? ",
            u=other.user,
            c=other.classification or "no seat yet",
        )
        + lit(f"{when_met}, and {why}. When you've met, log it: it counts once when you both do."),
        "suggest.one_to_one",
        actions=(
            Action(
                "Log the 1-2-1",
                buttons.LogOneToOne(other.id).action_id,
                fmt("/onetoone {u}", u=other.user),
            ),
        ),
    )
