"""Every sentence Rapport says, in one place. Handlers decide; this module words it.

Templates go through `fmt`, where a plain `str` value is user text (escaped by every
renderer) and a `UserRef` is a mention; bot wording is the template itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING
from urllib.parse import quote

import regex

from bot import buttons
from bot import money as amounts
from bot.features import sources
from bot.model import STATUS_LABEL, Group, Kind, Member, Referral, Stats, Status, UserRef
from bot.out import Action, Field, OutMessage
from bot.text import Link, Listing, Part, Rich, UserText, When, fmt, join, listing, lit, named

if TYPE_CHECKING:
    from bot.insight import Light, Metric
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

# command → (usage, example, what it does)
USAGE: dict[str, tuple[str, str, str]] = {
    "setup": (
        "setup [group name] [currency:CODE]",
        "setup Cape Town Breakfast Club",
        "make this channel your group's home; you become its admin (amounts are in the time"
        " zone's currency unless you give one)",
    ),
    "join": (
        "join <classification>",
        "join Residential plumbing",
        "take your seat: one member per classification",
    ),
    "profile": (
        "profile\nprofile @member\nprofile ask <the referral you want>\nprofile email <address>"
        "\nprofile tz <Area/City>\nprofile quiet <HH:MM-HH:MM>\nprofile dm on|off"
        "\nprofile phone <number>|none\nprofile website <url>|none\nprofile share email on|off",
        "profile ask homeowners planning a kitchen remodel",
        "show or change your ask, email, time zone, quiet hours and DMs, and what your card"
        " shares; or read a member's ask",
    ),
    "referral": (
        "referral @member <prospect name> [email] [phone] [-- what they need] [heat:1-5]"
        " [source:client|contact-sphere|power-team|business|social|staff|friend|other]",
        "referral @bob Jane Roe jane@roe.example 082 555 1234 -- needs a new roof heat:4",
        "pass a referral: someone who expects the member's call",
    ),
    "lead": (
        "lead @member <business or person> [-- details]",
        "lead @bob Acme Roofing -- their office is looking for a plumber",
        "pass a lead: a name, with no contact details or introduction",
    ),
    "referrals": (
        "referrals [given|received|open]"
        "\nreferrals update <id> contacted|meeting|won [amount] [new|repeat]|lost [-- note]"
        "\nreferrals amount <id> <amount>|none [new|repeat] -- why"
        "\nreferrals amount <id>"
        "\nreferrals edit <id> [prospect] [email] [phone] [-- need] [heat:1-5]"
        "\nreferrals withdraw <id> -- why"
        "\nreferrals snooze <id> 1h|1d|3d|1w",
        "referrals update 12 won 1500 -- signed today",
        "your referrals; move one you received along, or read, correct or take out its"
        " amount; correct or withdraw one you gave",
    ),
    "thanks": (
        "thanks @member [#id] [amount with its currency] [new|repeat] [-- note]",
        "thanks @alice #12 4800.00 -- a lovely client",
        "thank a member in the channel; an amount records closed business (kept private)",
    ),
    "onetoone": (
        "onetoone @member [@member …] [-- note]",
        "onetoone @carol -- coffee at Rio",
        "log a 1-2-1 (with each member named); when you both log it, it counts once",
    ),
    "meeting": (
        "meeting\nmeeting set <weekday> <HH:MM> [Area/City] [-- where]\nmeeting skip <YYYY-MM-DD>"
        "\nmeeting ics\nmeeting feed on|off",
        "meeting set wednesday 07:00 Africa/Johannesburg -- The Oaks, Main Road",
        "the next meeting, or as a calendar file (ics); the admin sets the weekly meeting,"
        " skips a date, or turns the private calendar feed on or off",
    ),
    "stats": ("stats [@member]", "stats", "this week's and this quarter's numbers"),
    "leave": ("leave", "leave", "leave the group and free your seat"),
    "remove": ("remove @member", "remove @dave", "the admin takes a member off the roster"),
    "settings": (
        "settings\nsettings reminder evening <HH:MM|off|default>"
        "\nsettings reminder before <hours|off|default>\nsettings recap <hours|default>"
        "\nsettings accountability on|off\nsettings currency <code>\nsettings locale <name|default>"
        "\nsettings seat add|remove <classification>",
        "settings seat add Electrician",
        "the admin's reminder times, recap, nudges, currency, how amounts are written, and"
        " the open seats to fill",
    ),
    "leaderboard": (
        "leaderboard [week|month|quarter]",
        "leaderboard quarter",
        "members by referrals and leads given, with shout-outs",
    ),
    "lights": (
        "lights\nlights all",
        "lights",
        "your traffic light, why, and what would move it (all: the admin sees everyone's)",
    ),
    "rsvp": (
        "rsvp attending|substitute|absent [YYYY-MM-DD]",
        "rsvp substitute",
        "tell the group whether you'll be at the next meeting",
    ),
    "attendance": (
        "attendance [YYYY-MM-DD]\nattendance [YYYY-MM-DD] [confirm] [present @a @b]"
        " [absent @c] [late @d] [substitute @e]",
        "attendance confirm absent @dave late @erin",
        "the admin records who came (confirm turns RSVPs into attendance)",
    ),
    "visitor": (
        "visitor <name> [(invited by @member)]",
        "visitor Ann O'Connor (invited by @bob)",
        "record a visitor and credit who invited them",
    ),
    "export": (
        "export [from YYYY-MM-DD] [to YYYY-MM-DD] [contacts]",
        f"export {YEAR_START} {TODAY}",
        "the admin's CSV files of referrals, leads, closed business, 1-2-1s and attendance",
    ),
    "my-data": ("my-data", "my-data", "a JSON file of everything stored about you"),
    "forget-me": (
        "forget-me [confirm]",
        "forget-me",
        "erase your personal data (asks you to confirm first)",
    ),
    "forget": (
        "forget @member [confirm]",
        "forget @dave",
        "the admin erases a member's personal data (asks to confirm first)",
    ),
    "help": ("help [command]", "help referral", "what each command does, with an example"),
}
# the power team, the roster, its admins and its seats
USAGE.update(
    {
        "gaps": (
            "gaps",
            "gaps",
            "your contact sphere, your power team here, and the open seats worth filling",
        ),
        "roster": (
            "roster",
            "roster",
            "every member with their seat, join date and role, and the open seats",
        ),
        "admins": ("admins", "admins", "who the group's admins are"),
        "admin": (
            "admin add @member\nadmin remove @member",
            "admin add @bob",
            "an admin makes a member an admin too, or takes it back: hand over before you leave",
        ),
        "card": (
            "card [@member]",
            "card @bob",
            "a member's card (seat, ask, the contact details they share) with a vCard file",
        ),
        "cards": (
            "cards",
            "cards",
            "the group's card case: every member's card in one vCard file",
        ),
        "keep-in-touch": (
            "keep-in-touch\nkeep-in-touch add <name> every <N> weeks"
            "\nkeep-in-touch done <number|name>\nkeep-in-touch remove <number|name>",
            "keep-in-touch add Jane Roe every 6 weeks",
            "up to ten people outside the group you stay top of mind with: a DM when one is"
            " due, with your ask to mention (only you see it)",
        ),
        "seat": (
            "seat allow @member",
            "seat allow @erin",
            "an admin lets a member take a seat in the same trade as another member's",
        ),
    }
)

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


# --- usage, help, errors -----------------------------------------------------------------
def fill_dates(text: str, today: date | None) -> str:
    """Example dates, from `today` (the clock's): never a date already past."""
    if today is None:
        return (
            text.replace(DAY_SOON, "YYYY-MM-DD")
            .replace(TODAY, "YYYY-MM-DD")
            .replace(YEAR_START, "YYYY-MM-DD")
        )
    return (
        text.replace(DAY_SOON, (today + timedelta(days=7)).isoformat())
        .replace(TODAY, today.isoformat())
        .replace(YEAR_START, today.replace(month=1, day=1).isoformat())
    )


def _prefixed(form: str) -> str:
    """ "referral @member …" → "/referral @member …"; "join …" → "/rapport join …"."""
    head, _, rest = form.partition(" ")
    return f"{slash(head)} {rest}".rstrip()


def _usage_lines(command: str, today: date | None) -> list[str]:
    use, example, _ = USAGE[command]
    forms = [_prefixed(f) for f in use.split("\n")]
    lines = [f"Usage: {forms[0]}"] + [f"       {f}" for f in forms[1:]]
    return [*lines, f"Example: {fill_dates(_prefixed(example), today)}"]


def usage(command: str, problem: str, today: date | None = None) -> OutMessage:
    # a problem may quote what was typed: it is rendered as user text, inert everywhere
    problem = fill_dates(problem, today)
    said = fmt("{p}", p=problem) if problem else lit("")
    if command not in USAGE or command == "help":
        text = said + lit((" " if problem else "") + "Type /rapport help to see every command.")
        return reply(text, "error.usage", refused=True)
    lines = "\n".join(_usage_lines(command, today))
    return reply(
        (said + lit("\n") if problem else lit("")) + lit(lines), "error.usage", refused=True
    )


def unknown_command(word: str, suggestion: str | None) -> OutMessage:
    text = fmt("I don't know the command “{w}”.", w=word[:40])
    if suggestion:
        text = text + lit(f" Did you mean {slash(suggestion)}?")
    return reply(
        text + lit(" Type /rapport help to see every command."), "error.usage", refused=True
    )


def help_all(names: Sequence[str]) -> OutMessage:
    """Every command, in the order `names` lists them (the registry's)."""
    lines = ["Rapport keeps your group's referrals moving. Commands:"]
    for name in names:
        lines.append(f"{slash(name)} — {USAGE[name][2]}")
    lines.append(
        "Every command also works as /rapport <command>. /rapport help <command> shows"
        " its usage and an example."
    )
    return reply("\n".join(lines), "help")


def help_topic(topic: str, today: date | None = None) -> OutMessage:
    if topic not in USAGE:
        return usage("help", f"There is no command “{topic[:40]}”.")
    what = USAGE[topic][2]
    return reply("\n".join([f"{slash(topic)} — {what}", *_usage_lines(topic, today)]), "help")


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


# --- setup and joining -------------------------------------------------------------------
def setup_needs_channel() -> OutMessage:
    return error("Run /rapport setup in the channel your group will use, not in a direct message.")


def already_set_up(group: Group, admins: list[Member]) -> OutMessage:
    who = join([fmt("{u}", u=m.user) for m in admins]) or lit("nobody")
    return error(fmt("This channel is already home to {g} (admin: {who}).", g=group.name, who=who))


def group_created(group: Group) -> OutMessage:
    return reply(
        fmt(
            "{g} is set up in this channel and you are its admin. Next: take your own seat with"
            " /rapport join <classification>, set the weekly meeting with /rapport meeting set"
            " <weekday> <HH:MM> <Area/City> (then /rapport meeting ics puts it in your"
            " calendar), and invite members to /rapport join.",
            g=group.name,
        ),
        "setup.done",
    )


def group_created_post(group: Group, admin: UserRef) -> OutMessage:
    return notice(
        fmt(
            "{admin} set up Rapport for {g} here. Take your seat with /rapport join <classification>"
            " (one member per classification), then tell us the referral you want with"
            " /rapport profile ask <text>.",
            admin=admin,
            g=group.name,
        ),
        "setup.post",
    )


def seat_taken(classification: str, holder: Member) -> OutMessage:
    return error(
        fmt(
            "The {c} seat is taken by {h}: the group keeps one seat per classification. Pick a"
            " different classification, or talk to your organiser.",
            c=classification,
            h=holder.user,
        )
    )


def already_hold(classification: str) -> OutMessage:
    return reply(fmt("You already hold the {c} seat.", c=classification), "join.same")


def joined(member: Member, group: Group, moved_from: str | None) -> OutMessage:
    if moved_from:
        text = fmt(
            "You moved from {old} to the {c} seat in {g}.",
            old=moved_from,
            c=member.classification or "",
            g=group.name,
        )
    else:
        text = fmt(
            "Welcome to {g}! You hold the {c} seat. Tell the group the referral you want:"
            " /rapport profile ask <your ideal client>.",
            g=group.name,
            c=member.classification or "",
        )
    return reply(text, "join.done")


def joined_post(member: Member, moved_from: str | None) -> OutMessage:
    if moved_from:
        return notice(
            fmt(
                "{u} moved from {old} to {c}.",
                u=member.user,
                old=moved_from,
                c=member.classification or "",
            ),
            "join.post",
        )
    return notice(
        fmt(
            "Please welcome {u}, who takes the {c} seat!",
            u=member.user,
            c=member.classification or "",
        ),
        "join.post",
    )


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


def member_profile(member: Member, group: Group) -> OutMessage:
    """Another member's seat and whole ask: what a shortened ask in a list points to."""
    fields = (
        Field(
            "Classification",
            fmt("{c}", c=member.classification) if member.classification else lit("none yet"),
        ),
        Field("Ask", fmt("{a}", a=member.ask) if member.ask else lit("not set yet")),
    )
    return reply(
        fmt("{u} in {g}:", u=named(member.user), g=group.name),
        "profile.member",
        fields=fields,
        title=f"{member.user.display_name}'s profile",
    )


def profile_updated(what: str, value: Rich | str) -> OutMessage:
    return reply(fmt(f"Saved. Your {what}: {{v}}", v=value), "profile.updated")


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
    if r.source:
        fields.append(Field("Found through", lit(sources.label(r.source))))
    fields.append(Field("Id", lit(f"#{r.id}")))
    return tuple(fields)


def referral_received_dm(r: Referral, giver: UserRef) -> OutMessage:
    if r.kind is Kind.REFERRAL:
        text = fmt(
            "{g} passed you a referral: {p}. Follow up now: {g} put their name on the line"
            " for you. They expect your call.",
            g=giver,
            p=r.prospect,
        )
        title = f"New referral from {giver.display_name}"
    else:
        text = fmt(
            "{g} passed you a lead: {p}. A lead comes with no introduction or contact"
            " details: look them up and reach out.",
            g=giver,
            p=r.prospect,
        )
        title = f"New lead from {giver.display_name}"
    actions = referral_actions(r)
    if r.kind is Kind.REFERRAL:
        actions = (*actions, snooze_action(r))
    return notice(
        text,
        f"{r.kind.value}.received",
        title=title,
        fields=referral_fields(r),
        actions=actions,
        about=r.id,
    )


def referral_post(r: Referral, giver: UserRef, receiver: UserRef) -> OutMessage:
    word = "a referral" if r.kind is Kind.REFERRAL else "a lead"
    return notice(
        fmt(f"{{g}} passed {word} to {{r}}.", g=giver, r=receiver), f"{r.kind.value}.post"
    )


# A mailto: link mail clients open whole, short enough to sit beside its sentence in one
# chat message on every platform (Discord's 2,000 characters being the least room).
MAILTO_MAX = 1800
NEED_SHORTENED = (
    "(Rapport shortened what they need to fit this link: add the rest before you send.)"
)


def introduction_link(r: Referral, giver: UserRef, receiver: Member) -> Rich:
    """A ready-to-send email introducing both parties (mailto: with both addresses)."""
    return Rich((Link(introduction_url(r, giver, receiver)[0], "Send the introduction email"),))


def introduction_url(r: Referral, giver: UserRef, receiver: Member) -> tuple[str, bool]:
    """The introduction's mailto: URL, always whole and at most MAILTO_MAX long, and whether
    what the prospect needs had to be shortened in it (the email then says so). Names too
    long for even that leave a shorter greeting, and at worst the subject alone."""
    to = [r.email or ""] + ([receiver.email] if receiver.email else [])
    addresses = ",".join(quote(a, safe="@") for a in to)
    them, me = receiver.user.display_name, giver.display_name

    def url(subject: str, body: str | None) -> str:
        link = f"mailto:{addresses}?subject={quote(subject)}"
        return link + (f"&body={quote(body)}" if body is not None else "")

    def full(need: str | None, note: str = "") -> str:
        trade = f" ({receiver.classification})" if receiver.classification else ""
        told = f' You told me what you need: "{need}", and I\'ve passed that on.' if need else ""
        return url(
            f"Introduction: {r.prospect} meet {them}",
            f"Hi {r.prospect} and {them},\n\n"
            f"I'd like to introduce you to each other.\n\n"
            f"{r.prospect}, {them}{trade} is someone I know and trust.{told}\n\n"
            f"{them}, {r.prospect} is expecting your call.\n\n"
            f"I'll let you two take it from here.\n\nBest wishes,\n{me}" + note,
        )

    whole = full(r.need)
    if len(whole) <= MAILTO_MAX:
        return whole, False
    note = "\n\n" + NEED_SHORTENED
    if r.need and len(full("…", note)) <= MAILTO_MAX:
        letters = regex.findall(r"\X", r.need)  # whole graphemes: an emoji is never halved

        def cut(n: int) -> str:
            kept = "".join(letters[:n])
            space = kept.rfind(" ")
            return (kept[:space].rstrip() if space > len(kept) * 0.6 else kept) + "…"

        lo, hi = 0, len(letters) - 1  # the most of the need that fits
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if len(full(cut(mid), note)) <= MAILTO_MAX:
                lo = mid
            else:
                hi = mid - 1
        return full(cut(lo), note), True
    short = url("Introduction", f"Hi both,\n\nI'd like to introduce you two.\n\n{me}")
    return (short if len(short) <= MAILTO_MAX else url("Introduction", None)), bool(r.need)


def referral_logged(r: Referral, receiver: Member, giver: UserRef) -> OutMessage:
    if r.kind is Kind.REFERRAL:
        text = fmt(
            "Referral #{id} to {r} is logged: {p}. I've sent {r} the details and posted"
            " a note in the channel (without the prospect's details).",
            id=r.id,
            r=receiver.user,
            p=r.prospect,
        )
        if r.email:
            text = (
                text
                + lit("\nIntroduce them to each other: ")
                + introduction_link(r, giver, receiver)
            )
            if not receiver.email:
                text = text + fmt(
                    " ({r} has no email on file; add theirs to the To line.)", r=receiver.user
                )
            if introduction_url(r, giver, receiver)[1]:
                text = text + lit(
                    " The email shortens what they need: add the rest before sending."
                )
        return reply(text, "referral.logged")
    return reply(
        fmt("Lead #{id} to {r} is logged: {p}.", id=r.id, r=receiver.user, p=r.prospect),
        "lead.logged",
    )


def recorded_as_lead(r: Referral, receiver: Member) -> OutMessage:
    return reply(
        fmt(
            "Recorded as lead #{id} to {r}, not a referral: I found no email or phone number for {p}."
            " A referral means the prospect expects the call and you have their contact details."
            " If you have them, log it again as /referral @member <name> <email or phone>.",
            id=r.id,
            r=receiver.user,
            p=r.prospect,
        ),
        "lead.logged",
    )


def self_referral() -> OutMessage:
    return error("You can't pass a referral or lead to yourself. Pick the member it is for.")


def referral_list(items: list[tuple[Referral, Member, Member]], which: str, me: int) -> OutMessage:
    titles = {
        "all": "Your referrals and leads",
        "given": "Referrals and leads you gave",
        "received": "Referrals and leads you received",
        "open": "Referrals and leads waiting on you",
    }
    if not items:
        empty = {
            "open": "Nothing is waiting on you.",
            "given": "You haven't given any yet. /referral @member <prospect> <email or phone>"
            " logs one.",
        }.get(which, "None yet.")
        return reply(f"{titles[which]}: {empty}", "referrals.list")
    lines = [lit(f"{titles[which]} (newest first):")]
    for r, giver, receiver in items:
        direction = (
            fmt(" to {u}", u=person(receiver))
            if r.giver_id == me
            else fmt(" from {u}", u=person(giver))
        )
        lines.append(
            lit(f"#{r.id} {kind_word(r.kind)}")
            + direction
            + fmt(": {p} — ", p=r.prospect)
            + lit(status_label(r))
        )
    return reply(join(lines, "\n"), "referrals.list")


ENDED_LABEL = {
    "withdrawn": "withdrawn",
    "receiver_forgotten": "closed (the receiver's data was erased)",
}


def status_label(r: Referral) -> str:
    return ENDED_LABEL[r.ended] if r.ended else STATUS_LABEL[r.status]


def person(member: Member) -> UserRef | Rich:
    """A member as a mention, or, once forgotten, words that name and ping nobody."""
    return lit("a former member") if member.forgotten else member.user


def not_found(referral_id: int) -> OutMessage:
    return error(
        f"There is no referral #{referral_id} of yours. /referrals lists yours with their ids."
    )


def only_receiver(r: Referral, receiver: UserRef) -> OutMessage:
    return error(fmt("Only {u}, who received #{id}, can update it.", u=receiver, id=r.id))


def already_status(r: Referral) -> OutMessage:
    return reply(f"#{r.id} is already {STATUS_LABEL[r.status]}; nothing changed.", "referral.same")


def cannot_go_back(r: Referral, wanted: Status) -> OutMessage:
    return error(
        f"#{r.id} is already {STATUS_LABEL[r.status]}; it can't go back to {STATUS_LABEL[wanted]}."
    )


def reopen_needs_note(r: Referral, wanted: Status) -> OutMessage:
    return error(
        f"#{r.id} is closed as {STATUS_LABEL[r.status]}. To change it, add a note saying"
        f" why: /referrals update {r.id} {wanted.value} -- what changed"
    )


def amount_already_recorded(r: Referral) -> OutMessage:
    return error(
        f"#{r.id} already has its closed business recorded. To correct it:"
        f" /referrals amount {r.id} <amount> -- why (/referrals amount {r.id} shows it)."
    )


def only_won_takes_amount() -> OutMessage:
    return error("Only a won referral records closed business.")


def status_changed(
    r: Referral,
    new: Status,
    amount: str | None,
    note: str | None,
    giver: UserRef | Rich,
    told: bool = True,
    taken_out: str | None = None,
) -> OutMessage:
    """`told`: the giver's DM was queued (a forgotten giver, or one with DMs off, isn't
    told); `taken_out`: the closed business a won referral no longer counts."""
    text = fmt(f"#{{id}} is now {STATUS_LABEL[new]}.", id=r.id)
    if told:
        text = text + fmt(" I've let {g} know.", g=giver)
    elif isinstance(giver, UserRef):
        text = text + fmt(" {g} has direct messages off, so they weren't told.", g=giver)
    if taken_out:
        text = text + lit(
            f" The closed business of {taken_out} recorded for it no longer counts in the"
            " totals; its history keeps it."
        )
    if new is Status.WON:
        text = text + lit(" Congratulations!")
        if amount:
            text = text + lit(
                f" Closed business of {amount} is recorded: only you and the"
                " group's totals see the amount."
            )
        else:
            text = text + lit(f" Record its value with /referrals update {r.id} won <amount>.")
    return reply(text, "referral.updated")


def amount_recorded(r: Referral, amount: str) -> OutMessage:
    return reply(
        f"Closed business of {amount} is recorded for #{r.id}: only you and the group's"
        " totals see the amount.",
        "referral.amount",
    )


def status_dm_to_giver(r: Referral, receiver: UserRef, new: Status, note: str | None) -> OutMessage:
    text = fmt(
        f"{{u}} marked your {kind_word(r.kind)} for {{p}} (#{{id}}) as {STATUS_LABEL[new]}.",
        u=receiver,
        p=r.prospect,
        id=r.id,
    )
    if new is Status.WON:
        text = text + lit(" It became business: thank you for passing it on!")
    if note:
        text = text + fmt("\nTheir note: {n}", n=note)
    return notice(text, "referral.progress")


def thank_prompt_dm(r: Referral, giver: UserRef) -> OutMessage:
    return notice(
        fmt(
            "#{id} ({p}) is won. Thank {g} for it: recognition is what keeps referrals coming.",
            id=r.id,
            p=r.prospect,
            g=giver,
        ),
        "thanks.prompt",
        actions=(
            Action(
                f"Thank {giver.display_name}",
                buttons.ThankGiver(r.id).action_id,
                fmt("/thanks {g} {id}", g=giver, id=r.id),
                "primary",
            ),
        ),
    )


# --- thanks ------------------------------------------------------------------------------
def thanks_post(
    thanker: UserRef, giver: UserRef, r: Referral | None, business: bool, note: str | None
) -> OutMessage:
    if business:
        what = "for a referral that became closed business" if r else "for closed business"
    elif r:
        what = "for a referral" if r.kind is Kind.REFERRAL else "for a lead"
    else:
        what = ""
    text = fmt(f"🙏 {{t}} thanks {{g}}{' ' + what if what else ''}.", t=thanker, g=giver)
    if note:
        text = text + fmt(" “{n}”", n=note)
    return notice(text, "thanks.post")


def thanks_done(giver: UserRef, amount: str | None, business_id: int | None = None) -> OutMessage:
    """`business_id`: closed business recorded without a referral, named B and its id so
    the thanker can correct it."""
    text = fmt("Your thanks to {g} is posted in the channel.", g=giver)
    if amount and business_id is not None:
        text = text + lit(
            f" Closed business of {amount} is recorded as B{business_id} (private: only you"
            " and the group's totals see it). If the amount is wrong:"
            f" /referrals amount B{business_id} <amount> -- why."
        )
    elif amount:
        text = text + lit(
            f" Closed business of {amount} is recorded (private: only you and the"
            " group's totals see it)."
        )
    return reply(text, "thanks.done")


def already_thanked(r: Referral, giver: UserRef) -> OutMessage:
    return reply(
        fmt("You already thanked {g} for #{id}; nothing more was posted.", g=giver, id=r.id),
        "thanks.same",
    )


def thank_yourself() -> OutMessage:
    return error("You can't thank yourself; name the member who helped you.")


def wrong_giver(r: Referral, giver: UserRef) -> OutMessage:
    return error(fmt("#{id} came from {g}; thank them, or leave out the id.", id=r.id, g=giver))


def reopen_before_thanks(r: Referral) -> OutMessage:
    return error(
        f"#{r.id} is closed as no sale. Reopen it first: /referrals update {r.id} won"
        " <amount> -- why it came back"
    )


# --- 1-2-1s ------------------------------------------------------------------------------
def one_to_one_logged(other: UserRef) -> OutMessage:
    return reply(
        fmt("Your 1-2-1 with {o} is logged. I've asked {o} to log it too.", o=other),
        "onetoone.logged",
    )


def one_to_one_confirmed(other: UserRef) -> OutMessage:
    return reply(
        fmt("Your 1-2-1 with {o} is logged; {o} logged it too, so it counts once.", o=other),
        "onetoone.confirmed",
    )


def one_to_one_already(other: UserRef) -> OutMessage:
    return reply(
        fmt("You already logged a 1-2-1 with {o} today; it counts once.", o=other), "onetoone.same"
    )


def one_to_one_dm(logger: Member) -> OutMessage:
    return notice(
        fmt("{u} logged a 1-2-1 with you. If you met, log it too: it counts once.", u=logger.user),
        "onetoone.dm",
        actions=(
            Action(
                "Log it too",
                buttons.LogOneToOne(logger.id).action_id,
                fmt("/onetoone {u}", u=logger.user),
                "primary",
            ),
        ),
    )


def one_to_one_self() -> OutMessage:
    return error("A 1-2-1 takes two: name the member you met.")


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


def meeting_show(group: Group, next_at: datetime | None, skipped: list[str]) -> OutMessage:
    text = fmt("{g} meets ", g=group.name) + meeting_line(group) + lit(".")
    if next_at:
        text = text + lit(" Next meeting: ") + when(next_at, group.tz) + lit(".")
    if skipped:
        text = text + lit(" Skipped: " + ", ".join(skipped) + ".")
    return reply(text, "meeting.show")


def meeting_set(group: Group, next_at: datetime | None) -> OutMessage:
    text = lit("The weekly meeting is now ") + meeting_line(group) + lit(".")
    if next_at:
        text = text + lit(" Next: ") + when(next_at, group.tz) + lit(".")
    return notice(text, "meeting.set")


def meeting_skipped(day: str, group: Group) -> OutMessage:
    return notice(
        fmt("No meeting on {d}: the admin skipped it. See you the week after.", d=day),
        "meeting.skipped",
    )


def skip_not_meeting_day(day: str, group: Group) -> OutMessage:
    return error(
        fmt("{d} is not a meeting day; ", d=day)
        + lit("the group meets ")
        + meeting_line(group)
        + lit(".")
    )


def skip_in_past(day: str) -> OutMessage:
    return error(f"{day} has already passed; give a future meeting date.")


def already_skipped(day: str) -> OutMessage:
    return reply(f"{day} is already skipped.", "meeting.same")


# --- numbers -----------------------------------------------------------------------------
def stats(
    who: UserRef,
    week: Stats,
    quarter: Stats,
    currency: str,
    show_amount: bool,
    own: bool,
    locale: str | None = None,
) -> OutMessage:
    def line(label: str, s: Stats) -> Rich:
        parts = [
            f"{count(s.referrals_given, 'referral')} given, {s.referrals_received} received",
            f"{count(s.leads_given, 'lead')} given, {s.leads_received} received",
        ]
        if show_amount:
            parts.append(f"closed business {business_split(s, currency, locale)}")
        parts.append(count(s.one_to_ones, "1-2-1"))
        return lit(f"{label}: " + ", ".join(parts))

    head = lit("Your numbers") if own else fmt("{u}'s numbers", u=who)
    text = head + lit("\n") + line("This week", week) + lit("\n") + line("This quarter", quarter)
    if not show_amount:
        text = text + lit("\n(Closed business amounts are private to each member.)")
    return reply(text, "stats")


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
        text
        + fmt(" Add a note: /referrals update {id} <status> -- what happened", id=r.id),
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
) -> OutMessage:
    """`asks` are members' `ask_line`s (made once for all of the group's messages)."""
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
    text = text + lit(
        "\nThe last 7 days: "
        f"{group_numbers(last_week, group.currency, amounts.locale_of(group))}."
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


def snoozed(r: Referral, until: datetime, tz: str) -> OutMessage:
    return reply(
        fmt("Snoozed: no reminders about #{id} before ", id=r.id) + when(until, tz) + lit("."),
        "referral.snoozed",
    )


def nothing_to_snooze(r: Referral) -> OutMessage:
    return reply(
        f"Nothing is scheduled about #{r.id} right now, so there is nothing to snooze.",
        "referral.snoozed",
    )


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


def left_post(member: Member, removed_by: UserRef | None) -> OutMessage:
    seat = member.classification or "no"
    if removed_by:
        return notice(
            fmt(
                "{a} removed {u} from the roster; the {c} seat is open.",
                a=removed_by,
                u=member.user,
                c=seat,
            ),
            "leave.post",
        )
    return notice(
        fmt("{u} has left the group; the {c} seat is open.", u=member.user, c=seat), "leave.post"
    )


def removed(member: Member) -> OutMessage:
    return reply(fmt("{u} is off the roster and their seat is free.", u=member.user), "leave.done")


def admin_cannot_leave(then: str = "/rapport leave") -> OutMessage:
    """The last admin wants to go while members remain: how to hand over, then `then`."""
    return error(
        "You are the group's only admin, so you can't go yet: a group with members always"
        f" keeps an admin. Hand over first with /rapport admin add @member, then {then}."
    )


def settings_view(
    group: Group, evening: str, before: int, recap: int, accountability: bool, seats: list[str]
) -> OutMessage:
    fields = (
        Field("Evening-before reminder", lit(evening or "off")),
        Field("Reminder before the meeting", lit(f"{before} h before" if before else "off")),
        Field("Weekly recap", lit(f"{recap} h after the meeting starts")),
        Field("Accountability nudges", lit("on" if accountability else "off")),
        Field("Currency", lit(group.currency)),
        Field(
            "Amounts written",
            lit(
                f"the {amounts.locale_of(group)} way, like {group_money(150_000, group)}"
                + ("" if group.locale else " (the time zone's way)")
            ),
        ),
        Field(
            "Open seats wanted",
            listing([fmt("{c}", c=c) for c in seats]) if seats else lit("none listed"),
        ),
    )
    return reply(
        fmt(
            "{g}'s settings. Change one with /rapport settings reminder evening <HH:MM|off>,"
            " reminder before <hours|off>, recap <hours>, accountability on|off, currency <code>,"
            " locale <name|default>, seat add|remove <classification>.",
            g=group.name,
        ),
        "settings",
        fields=fields,
        title="Group settings",
    )


def setting_saved(what: str) -> OutMessage:
    return reply(f"Saved: {what}. Upcoming reminders follow the new setting.", "settings.saved")


def setting_words(key: str, value: str | None, default: str) -> str:
    """A setting as the admin would say it, with its unit ("a reminder 2 hours before the
    meeting", "the evening-before reminder at 19:00"). None is the default, `default`."""
    now = default if value is None else value
    said = f"{key} {now}"
    if key == "reminder.evening":
        said = f"the evening-before reminder at {now}" if now else "no evening-before reminder"
    elif key == "reminder.before":
        hours = int(now or 0)
        said = (
            f"a reminder {count(hours, 'hour')} before the meeting"
            if hours
            else "no reminder before the meeting"
        )
    elif key == "recap.after":
        said = f"the weekly recap {count(int(now), 'hour')} after the meeting starts"
    elif key == "nudge.accountability":
        said = f"accountability nudges {now}"
    return said + (" (the default)" if value is None else "")


def seat_wanted(classification: str, wanted: bool, changed: bool) -> OutMessage:
    if not changed:
        return reply(
            fmt(
                "Nothing changed: {c} was " + ("already" if wanted else "not") + " listed.",
                c=classification,
            ),
            "settings.saved",
        )
    if wanted:
        return reply(
            fmt("{c} is listed as an open seat in the meeting reminders.", c=classification),
            "settings.saved",
        )
    return reply(
        fmt("{c} is no longer listed as an open seat.", c=classification), "settings.saved"
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


# --- attendance and visitors ---------------------------------------------------------------
RSVP_LABEL = {
    "attending": "attending",
    "substitute": "sending a substitute",
    "absent": "can't make it",
}


def rsvp_actions(day: str) -> tuple[Action, ...]:
    def act(label: str, answer: str, style: str = "default") -> Action:
        button = buttons.RsvpAnswer(date.fromisoformat(day), answer)
        return Action(label, button.action_id, cmd(f"/rapport rsvp {answer} {day}"), style)

    return (
        act("Attending", "attending", "primary"),
        act("Sending a substitute", "substitute"),
        act("Can't make it", "absent"),
    )


RSVP_SAVED = {
    "attending": "Thanks: you're down as attending on {day}. See you there!",
    "substitute": "Thanks: you're sending a substitute on {day}.",
    "absent": "Thanks for letting us know: you can't make it on {day}. We'll miss you.",
}


def rsvp_saved(answer: str, day: str) -> OutMessage:
    return reply(RSVP_SAVED[answer].format(day=day), "rsvp.saved")


def meeting_was_skipped(day: str) -> OutMessage:
    return error(f"There is no meeting on {day}: it was skipped.")


def rsvp_past(day: str) -> OutMessage:
    return error(f"The meeting on {day} is over; RSVPs are for upcoming meetings.")


def no_meeting_to_record(next_day: str | None) -> OutMessage:
    then = f" The next is on {next_day}: record it after the meeting." if next_day else ""
    return error(
        f"No meeting has been held in the last five weeks, so there is none to record yet.{then}"
        " For an older meeting, give its date: /rapport attendance YYYY-MM-DD."
    )


def attendance_future(day: str) -> OutMessage:
    return error(f"{day} hasn't happened yet; record attendance after the meeting.")


ATTENDANCE_LABEL = {
    "present": "Present",
    "late": "Late",
    "substitute": "Substitute",
    "absent": "Absent",
}


def attendance_view(
    day: str,
    members: list[Member],
    records: dict[int, tuple[str | None, str | None]],
    saved: bool = False,
) -> OutMessage:
    groups: dict[str, list[Rich]] = {k: [] for k in (*ATTENDANCE_LABEL, "unknown")}
    for m in members:
        answer, status = records.get(m.id, (None, None))
        if status:
            groups[status].append(fmt("{u}", u=named(m.user)))
        else:
            said = f" (said {RSVP_LABEL[answer]})" if answer else ""
            groups["unknown"].append(fmt("{u}", u=named(m.user)) + lit(said))
    fields = tuple(
        Field(ATTENDANCE_LABEL.get(k, "Not confirmed"), listing(v)) for k, v in groups.items() if v
    )
    head = f"Attendance saved for {day}." if saved else f"Attendance on {day}:"
    if groups["unknown"]:
        head += " Not confirmed counts as unknown, never absent."
    return reply(head, "attendance", fields=fields)


def visitor_recorded(name: str, inviter: UserRef) -> OutMessage:
    return reply(
        fmt(
            "Visitor {n} recorded, invited by {u}. The recap will welcome them.",
            n=name,
            u=named(inviter),
        ),
        "visitor.saved",
    )


# --- leaderboard and traffic lights --------------------------------------------------------
PERIOD_LABEL = {"week": "this week", "month": "this month", "quarter": "this quarter"}


def leaderboard(
    period: str,
    ranked: list[tuple[Member, int, int]],
    firsts: list[Member],
    improved: list[Member],
    quiet: int,
) -> OutMessage:
    text = lit(f"🏆 Referrals and leads given {PERIOD_LABEL[period]}:")
    if not ranked:
        text = text + lit("\nNobody yet. The first referral or lead puts you at the top.")
    for i, (m, r, ld) in enumerate(ranked[:10], 1):
        parts = [count(r, "referral")] + ([count(ld, "lead")] if ld else [])
        text = text + lit(f"\n{i}. ") + fmt("{u}", u=named(m.user)) + lit(" — " + ", ".join(parts))
    if firsts:
        text = (
            text
            + lit("\n")
            + listing(
                [fmt("{u}", u=named(m.user)) for m in firsts],
                head=lit("🌱 First referral this quarter: "),
                again=lit(continued("🌱 First referral this quarter") + ": "),
            )
            + lit(".")
        )
    if improved:
        text = (
            text
            + lit("\n")
            + listing(
                [fmt("{u}", u=named(m.user)) for m in improved],
                head=lit("📈 Most improved on the period before: "),
                again=lit(continued("📈 Most improved") + ": "),
            )
            + lit(".")
        )
    if quiet:
        text = text + lit(
            f"\n{count(quiet, 'member')} haven't given one yet {PERIOD_LABEL[period]}."
            if quiet != 1
            else f"\n1 member hasn't given one yet {PERIOD_LABEL[period]}."
        )
    return reply(text, "leaderboard")


LIGHT_ICON = {"green": "🟢", "amber": "🟠", "red": "🔴", "grey": "⚪"}
THINGS = {
    "given": ("referral or lead", "referrals or leads"),
    "one_to_ones": ("1-2-1", "1-2-1s"),
    "visitors": ("visitor", "visitors"),
    "business": ("closed business report", "closed business reports"),
}


def _metric_line(x: Metric) -> str:
    if x.per_meeting:
        return (
            f"{x.label}: {x.value:.2f} per meeting ({x.count} in all; green from"
            f" {x.green_from:g}) {LIGHT_ICON[x.band]}"
        )
    return f"{x.label}: {x.value:.0%} of confirmed meetings (green from {x.green_from:.0%}) {LIGHT_ICON[x.band]}"


def own_light(light: Light, next_at: datetime | None, tz: str) -> OutMessage:
    if light.colour == "grey" and light.grey_because == "no_meetings":
        return reply(
            "⚪ No light yet: a light counts per meeting held, and the group hasn't held one"
            " since the weekly meeting was set. Every referral, 1-2-1 and visitor already"
            " counts.",
            "lights.own",
        )
    if light.colour == "grey":
        return reply(
            "⚪ No light yet: members get one after their first month. Every referral,"
            " 1-2-1 and visitor already counts.",
            "lights.own",
        )
    text = lit(
        f"{LIGHT_ICON[light.colour]} Your light is {light.colour}, over the last"
        f" {count(light.meetings, 'meeting')}."
    )
    for x in light.metrics:
        text = text + lit("\n• " + _metric_line(x))
    a = light.advice
    if a is not None:
        one, many = THINGS[a.key]
        what = f"{'one more' if a.need == 1 else f'{a.need} more'} {one if a.need == 1 else many}"
        by = (lit(" before ") + when(next_at, tz)) if next_at else lit(" before the next meeting")
        if a.to is None:
            text = text + lit(f"\n{what[0].upper()}{what[1:]}") + by + lit(" keeps you green.")
        else:
            measure = next(x.label for x in light.metrics if x.key == a.key)
            lift = lit(f" would turn your {measure} {a.to}.")
            text = text + lit(f"\n{what[0].upper()}{what[1:]}") + by + lift
    return reply(text, "lights.own")


def lights_all(lights: list[Light]) -> OutMessage:
    lines = []
    for light in lights:
        reds = [x.label for x in light.metrics if x.band != "green"]
        why = f" — to work on: {', '.join(reds)}" if reds and light.colour != "grey" else ""
        if light.colour == "grey":
            why = (
                " — no meeting held yet"
                if light.grey_because == "no_meetings"
                else " — newer than a month"
            )
        lines.append(
            lit(f"{LIGHT_ICON[light.colour]} ") + fmt("{u}", u=named(light.member.user)) + lit(why)
        )
    text = lit("Traffic lights (rolling window):")
    if lines:
        text = (
            text
            + lit("\n")
            + listing(lines, sep="\n", again=lit(continued("Traffic lights") + ":\n"))
        )
    return reply(text, "lights.all")


# --- members' data -------------------------------------------------------------------------
def export_ready(
    first: str, last: str, counts: dict[str, int], contacts: bool, files: tuple[str, ...]
) -> OutMessage:
    label = {
        "referrals": "referral",
        "leads": "lead",
        "closed_business": "closed business report",
        "closed_business_totals": "monthly total",
        "referral_sources": "referral source",
        "one_to_ones": "1-2-1",
        "attendance": "attendance record",
    }
    what = ", ".join(count(n, label.get(name, name)) for name, n in counts.items())
    note = (
        " Prospect contact details are included: keep these files safe."
        if contacts
        else " Prospect contact details are left out; add `contacts` to include them."
    )
    return reply(
        f"Export of {first} to {last}: {what}. Closed business rows carry no amounts (those are"
        f" private to each member); the monthly group totals are in their own file.{note}",
        "export",
        attachments=files,
    )


def files_not_written(why: str) -> OutMessage:
    return error(
        f"I couldn't write the files ({why}), so there is nothing to send; none was left half"
        " written. Please try again later; if it keeps happening, tell whoever runs Rapport."
    )


def my_data_ready(files: tuple[str, ...]) -> OutMessage:
    return reply(
        "Here is everything Rapport stores about you, as JSON.", "my-data", attachments=files
    )


def forget_confirm(user: UserRef, self_: bool) -> OutMessage:
    who = lit("your") if self_ else fmt("{u}'s", u=named(user))
    # the name is echoed as the person's own text: "@everyone" or "<@&…>" stays inert
    again = (
        lit("/rapport forget-me confirm")
        if self_
        else fmt("/rapport forget @{name} confirm", name=user.display_name)
    )
    return reply(
        lit("This erases ")
        + who
        + lit(
            " personal data for good: name, profile, notes, the prospects of the referrals"
            " given (except those another member is still working on, which stay with them)"
            " and the contact details of those received (whom each giver referred stays in"
            " their record); open referrals still waiting on this member are closed and"
            " their givers told. The group's totals keep counting the activity anonymously."
            " To go ahead, type "
        )
        + again,
        "forget.confirm",
    )


def forgotten(self_: bool) -> OutMessage:
    text = (
        "Done: your personal data is erased and you are off the roster."
        if self_
        else "Done: that member's personal data is erased and they are off the roster."
    )
    return reply(text + " The group's totals still count the activity, anonymously.", "forget.done")


# --- power teams and open seats ------------------------------------------------------------
def _seats(trades: list[str]) -> Rich:
    return listing([lit(t) for t in trades])


def gaps_unplaced(classification: str | None, spheres: list[str]) -> OutMessage:
    if not classification:
        return reply(
            "Take a seat first (/rapport join <classification>) to see your power team.", "gaps.own"
        )
    return reply(
        fmt(
            "I can't place {c} in a contact sphere (" + ", ".join(spheres) + "). Ask"
            " your admin to add it to the group's catalogue.",
            c=classification,
        ),
        "gaps.own",
    )


def gaps_own(
    sphere: str, trade: str, team: list[tuple[Member, str]], open_seats: list[str]
) -> OutMessage:
    text = lit(f"Your contact sphere: {sphere} (you: {trade}).")
    if team:
        text = (
            text
            + lit("\n")
            + listing(
                [fmt("{u} ({t})", u=named(m.user), t=lit(t)) for m, t in team],
                head=lit("Your power team here: "),
                again=lit(continued("Your power team") + ": "),
            )
            + lit(". Meet them 1-2-1: you serve the same clients.")
        )
    else:
        text = text + lit("\nNobody in your sphere has a seat yet: you're the first.")
    if open_seats:
        text = (
            text + lit("\nOpen seats worth inviting someone for: ") + _seats(open_seats) + lit(".")
        )
    return reply(text, "gaps.own")


def gaps_all(by_sphere: list[tuple[str, list[str]]], unplaced: list[Member]) -> OutMessage:
    text = lit("Open seats by contact sphere:")
    for name, trades in by_sphere:
        text = text + lit(f"\n• {name}: ") + (_seats(trades) if trades else lit("all filled"))
        text = text + lit(".")
    if unplaced:
        text = (
            text
            + lit("\n")
            + listing(
                [fmt("{u} ({c})", u=named(m.user), c=m.classification or "") for m in unplaced],
                head=lit("Not in any sphere yet: "),
                again=lit(continued("Not in any sphere yet") + ": "),
            )
            + lit(".")
        )
    return reply(text, "gaps.all")


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
