"""What the referral loop says: the giver's replies, the receiver's DM, the channel's post, status
changes, thanks, corrections and withdrawals, and the referral commands' usage."""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import quote

import regex

from bot import buttons
from bot import money as amounts
from bot.contacts import ContactProblem
from bot.currency_words import EXAMPLE_CENTS
from bot.messages import (
    error,
    group_money,
    kind_word,
    notice,
    person,
    referral_actions,
    referral_fields,
    reply,
    slash,
    snooze_action,
    when,
)
from bot.model import (
    STATUS_LABEL,
    BusinessChange,
    ClosedBusiness,
    Group,
    Kind,
    Member,
    Referral,
    Status,
    UserRef,
)
from bot.out import Action, OutMessage
from bot.schedule import local_date
from bot.text import Link, Rich, fmt, join, lit

# command → (usage, example, what it does), for /rapport help and every usage reply
USAGE: dict[str, tuple[str, str, str]] = {
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
}


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


# --- reading amounts -------------------------------------------------------------------------
def amount_problem(
    problem: amounts.AmountProblem,
    typed: str,
    group: Group,
    plain_ok: bool = True,
    to_remove: str | None = None,
) -> OutMessage:
    """What was wrong with a typed amount and how to write it, echoing it as the member's
    text (it may hold a mention or markup: it must never ping or format). `plain_ok`: a
    bare number would do here; `to_remove`: the command that takes an amount out."""
    example = group_money(EXAMPLE_CENTS, group)
    how = f" Write it like {example} or 1500." if plain_ok else f" Write it like {example}."
    echo = typed[:60]
    if problem.reason == "other_currency":
        text = fmt("“{t}” is not in this group's currency: amounts here are in ", t=echo) + lit(
            f"{group.currency}.{how} (The admin changes the currency with /rapport settings currency <code>.)"
        )
    elif problem.reason == "shorthand":
        whole = group_money(problem.cents, group) if problem.cents else example
        text = fmt("“{t}” is shorthand: ", t=echo) + lit(f"write the whole number, like {whole}.")
    elif problem.reason == "plain":
        assert problem.cents is not None
        text = fmt("Is “{t}” an amount? Nothing is posted yet: write closed business with", t=echo)
        text = text + lit(f" its currency or decimals, like {group_money(problem.cents, group)}.")
    elif problem.reason == "not_positive":
        text = lit(f"The amount must be more than zero.{how}")
        if to_remove:
            text = text + lit(f" To take the amount out, write none: {to_remove} -- why.")
    elif problem.reason == "too_large":
        most = group_money(amounts.MAX_AMOUNT_CENTS, group)
        text = fmt("“{t}” is more than I can record (at most ", t=echo) + lit(
            f"{most}); check the number.{how}"
        )
    elif problem.reason == "decimals":
        most = f"at most {problem.decimals} decimals" if problem.decimals else "no decimals"
        text = fmt("“{t}” has too many decimals: ", t=echo) + lit(
            f"{group.currency} amounts take {most}.{how}"
        )
    else:
        text = fmt("“{t}” is not an amount.", t=echo) + lit(how)
    return error(text)


def thanks_number_unclear(
    number: str, giver: UserRef, group: Group, note: str | None
) -> OutMessage:
    """A lone number after /thanks @member: never taken as money by guessing."""
    after = fmt(" -- {n}", n=note) if note else lit("")
    example = group_money(int(number) * 100, group) if len(number) <= 12 else number
    return reply(
        fmt(
            "I can't tell what “{n}” means, so nothing is posted yet. For a referral {g} passed"
            " you, write its id with #: ",
            n=number,
            g=giver,
        )
        + fmt("/thanks {g} #{n}", g=giver, n=number)
        + after
        + lit(
            f" (/referrals received lists yours). For closed business of {example}, write the amount with the currency: "
        )
        + fmt("/thanks {g} ", g=giver)
        + lit(example)
        + after,
        "thanks.unclear",
    )


def contact_problem(problem: ContactProblem, group: Group) -> OutMessage:
    region = amounts.territory(group.tz)
    if problem.reason == "two_emails":
        return error("I found more than one email address; give the prospect's one.")
    if problem.reason == "bad_email":
        return error(
            fmt(
                "“{e}” looks like an email address but isn't one; check it, e.g. jane@example.com.",
                e=problem.text[:80],
            )
        )
    if problem.reason == "phone_needs_country":
        return error(
            fmt(
                "I can't read the phone number “{p}” without its country: this group's time"
                " zone names none. Write it with its country code, e.g. +27 82 555 1234.",
                p=problem.text[:40],
            )
        )
    where = (
        " (a number without a country code is read as one in this group's country,"
        f" {amounts.country_name(region)})"
        if region
        else ""
    )
    return error(
        fmt("I can't read “{p}” as a phone number", p=problem.text[:40])
        + lit(f"{where}. If it is a phone, write it as it is dialled at home, or with its")
        + fmt(
            " country code. If it is a reference or order number, put it after -- with the"
            " need: … -- {p}",
            p=problem.text[:40],
        )
    )


def phone_taken(phone: str, seen: int) -> Rich:
    """Said when the text held more than one plausible phone."""
    if seen < 2:
        return lit("")
    return fmt(
        "\nI found {n} phone numbers and took {p} as the prospect's phone; the other stays in"
        " the need.",
        n=lit(str(seen)),
        p=phone,
    )


# --- closed business: corrections and its history ------------------------------------------
def business_name(b: ClosedBusiness) -> str:
    """ "#12" for a referral's closed business, "B3" for one a /thanks recorded alone."""
    return f"#{b.referral_id}" if b.referral_id is not None else f"B{b.id}"


def no_amount_to_correct(r: Referral) -> OutMessage:
    return error(
        f"#{r.id} has no closed business recorded to correct. Record it with"
        f" /referrals update {r.id} won <amount>."
    )


def no_such_business(business_id: int) -> OutMessage:
    return error(
        f"There is no closed business B{business_id} of yours. Closed business you record"
        " with a thanks is named in the reply (B and a number); a referral's goes by its id."
    )


def amount_unchanged(b: ClosedBusiness) -> OutMessage:
    return reply(f"{business_name(b)} already has that recorded; nothing changed.", "referral.same")


def _kind_of(repeat: bool) -> str:
    return "repeat" if repeat else "new"


def business_history(b: ClosedBusiness, history: list[BusinessChange], group: Group) -> Rich:
    """Each change to closed business, oldest first, with the reason given."""
    if not history:
        return lit("")
    text = lit(f"\nIts history ({group.tz} dates):")
    for h in history:
        day = local_date(datetime.fromtimestamp(h.at, UTC), group.tz)
        if h.new_cents is None:
            what = f"{group_money(h.old_cents, group)} taken out"
        elif h.new_cents != h.old_cents:
            what = f"{group_money(h.old_cents, group)} → {group_money(h.new_cents, group)}"
            if h.new_repeat is not None and h.new_repeat != h.old_repeat:
                what += f", {_kind_of(h.old_repeat)} → {_kind_of(h.new_repeat)} business"
        else:
            what = f"{_kind_of(h.old_repeat)} → {_kind_of(bool(h.new_repeat))} business"
        text = text + lit(f"\n• {day.day} {day:%b %Y}: {what}")
        if h.note:
            text = text + fmt(" ({n})", n=h.note)
    return text


def _told(giver: UserRef | Rich | None, told: bool, what: str) -> Rich:
    """Who heard of a change, only if they did: a member with DMs off was not told."""
    if giver is None:
        return lit("")
    if told:
        return fmt(" I've told {g} " + what + ", without the amount.", g=giver)
    if isinstance(giver, UserRef):
        return fmt(" {g} has direct messages off, so they weren't told.", g=giver)
    return lit("")


def business_corrected(
    b: ClosedBusiness,
    new: int | None,
    repeat: bool,
    group: Group,
    history: list[BusinessChange],
    giver: UserRef | Rich | None,
    told: bool,
) -> OutMessage:
    name = business_name(b)
    old_text = group_money(b.amount_cents, group)
    if new is None:
        text = lit(
            f"The closed business recorded for {name} ({old_text}) is taken out: it no longer"
            " counts in any total, stats or export. The amount and your reason stay in its"
            " history."
        )
        if b.referral_id is not None:
            text = text + lit(
                f" #{b.referral_id} stays won; if it did bring business, record it with"
                f" /referrals update {b.referral_id} won <amount>."
            )
        text = text + _told(giver, told, "it was taken out")
    elif new == b.amount_cents:
        text = lit(
            f"{name}'s closed business of {old_text} now counts as {_kind_of(repeat)}"
            f" business (it was {_kind_of(b.repeat)}). Your reason is kept in its history."
        )
    else:
        text = lit(f"Closed business for {name} is now {group_money(new, group)} (was {old_text})")
        if repeat != b.repeat:
            text = text + lit(f", counted as {_kind_of(repeat)} business")
        text = (
            text
            + lit(
                ". The old amount and your reason are kept in its history, and the group's totals"
                " follow."
            )
            + _told(giver, told, "it was corrected")
        )
    return reply(text + business_history(b, history, group), "referral.amount_corrected")


def business_shown(b: ClosedBusiness, group: Group, history: list[BusinessChange]) -> OutMessage:
    day = local_date(datetime.fromtimestamp(b.at, UTC), group.tz)
    name = business_name(b)
    label = b.label
    text = lit(
        f"Closed business for {name}: {group_money(b.amount_cents, group)},"
        f" {_kind_of(b.repeat)} business, recorded {day.day} {day:%b %Y}; only you and the group's"
        " totals see it."
    )
    text = text + (business_history(b, history, group) if history else lit(" Never corrected."))
    text = text + lit(
        f"\nTo correct it: /referrals amount {label} <amount> [new|repeat] -- why; to take it"
        f" out: /referrals amount {label} none -- why."
    )
    return reply(text, "referral.amount")


def amount_corrected_dm(
    b: ClosedBusiness, r: Referral | None, receiver: UserRef, removed: bool
) -> OutMessage:
    did = "took out" if removed else "corrected"
    if r is not None:
        text = fmt(
            "{u} " + did + " the closed business recorded for your {k} {p} (#{id}).",
            u=receiver,
            k=lit(kind_word(r.kind)),
            p=r.prospect,
            id=r.id,
        )
    else:
        text = fmt(
            "{u} " + did + " the closed business they recorded when they thanked you (B{id}).",
            u=receiver,
            id=b.id,
        )
    text = text + fmt(" Amounts stay private to {u} and the group's totals.", u=receiver)
    return notice(text, "referral.amount_corrected", about=b.referral_id)


# --- edits -----------------------------------------------------------------------------------
def only_giver_edits(r: Referral, giver: UserRef | Rich) -> OutMessage:
    return error(fmt("Only {g}, who gave #{id}, can correct it.", g=giver, id=r.id))


def not_open(r: Referral, what: str) -> OutMessage:
    if r.withdrawn:
        return error(f"#{r.id} was withdrawn, so it can't {what}.")
    return error(f"#{r.id} is closed, so it can't {what} any more.")


def nothing_edited(r: Referral) -> OutMessage:
    return reply(f"#{r.id} already says that; nothing changed.", "referral.same")


def edited(
    r: Referral, changed: list[str], became_referral: bool, receiver: UserRef, told: bool
) -> OutMessage:
    what = ", ".join(changed)
    if became_referral:
        text = fmt(
            "#{id} now has contact details, so it is a referral, and counts as one.", id=r.id
        )
        if told:
            text = text + fmt(" I've sent {r} the full details.", r=receiver)
    else:
        text = fmt("#{id} is corrected ({w}).", id=r.id, w=lit(what))
        if told:
            text = text + fmt(" I've told {r} what changed.", r=receiver)
    if not told:
        text = text + fmt(" {r} has direct messages off, so they weren't told.", r=receiver)
    return reply(text, "referral.edited")


def receiver_gone(r: Referral, receiver: UserRef | Rich) -> OutMessage:
    return error(
        fmt(
            "{u} is no longer a member, so #{id} can't be corrected: nobody is working it, and"
            " its details go to no one. To pass {p} to another member, use ",
            u=receiver,
            id=r.id,
            p=r.prospect,
        )
        + lit(f"{slash('referral')} @member …; {slash('referrals')} withdraw {r.id} -- why takes")
        + lit(" this one back.")
    )


def label_alone(r: Referral, label: str) -> OutMessage:
    return error(
        fmt("“{l}” needs what it labels after it, e.g. ", l=label)
        + lit(
            f"{slash('referrals')} edit {r.id} email jane@example.com, or"
            f" {slash('referrals')} edit {r.id} name Jane Roe."
        )
    )


def edited_dm(r: Referral, giver: UserRef, changed: list[str]) -> OutMessage:
    return notice(
        fmt(
            "{g} corrected their {k} {p} (#{id}): " + ", ".join(changed) + " changed. The details"
            " now:",
            g=giver,
            k=lit(kind_word(r.kind)),
            p=r.prospect,
            id=r.id,
        ),
        "referral.edited",
        fields=referral_fields(r),
        about=r.id,
    )


# --- withdrawals -----------------------------------------------------------------------------
def only_giver_withdraws(r: Referral, giver: UserRef | Rich) -> OutMessage:
    return error(fmt("Only {g}, who gave #{id}, or an admin can withdraw it.", g=giver, id=r.id))


def cannot_withdraw_with_business(r: Referral, receiver: UserRef | Rich) -> OutMessage:
    return error(
        fmt(
            "#{id} has closed business recorded, so it can't be withdrawn: it would take"
            " {r}'s business out of the totals. If that business didn't happen, {r} takes it"
            " out first with ",
            id=r.id,
            r=receiver,
        )
        + lit(f"/referrals amount {r.id} none -- why; then #{r.id} can be withdrawn.")
    )


def withdrawn(r: Referral, receiver: UserRef | Rich, told: bool, left: bool) -> OutMessage:
    text = fmt(
        "#{id} is withdrawn: it no longer counts anywhere, its reminders are cancelled, and"
        " its history keeps it as withdrawn.",
        id=r.id,
    )
    if told:
        text = text + fmt(" I've told {r}.", r=receiver)
    elif left:
        text = text + fmt(" {r} has left the group, so wasn't told.", r=receiver)
    elif isinstance(receiver, UserRef):
        text = text + fmt(" {r} has direct messages off, so they weren't told.", r=receiver)
    return reply(text, "referral.withdrawn")


def withdrawn_dm(r: Referral, by: UserRef, why: str) -> OutMessage:
    return notice(
        fmt(
            "{b} withdrew the {k} {p} (#{id}): {w}. It no longer counts, and you won't be"
            " reminded about it.",
            b=by,
            k=lit(kind_word(r.kind)),
            p=r.prospect,
            id=r.id,
            w=why,
        ),
        "referral.withdrawn",
        about=r.id,
    )


# --- the same prospect twice -----------------------------------------------------------------
def duplicate(first: Referral, receiver: UserRef) -> OutMessage:
    return error(
        fmt(
            "You already passed {p} to {r} as #{id}, and it is still open, so I haven't logged"
            " it again. To correct #{id}, use ",
            p=first.prospect,
            r=receiver,
            id=first.id,
        )
        + lit(
            f"{slash('referrals')} edit {first.id} [name] [email] [phone] [-- need] [heat:N];"
            f" to take it back, {slash('referrals')} withdraw {first.id} -- why."
        )
    )


def also_went_to(
    earlier: list[tuple[Referral, UserRef, bool]], receiver: UserRef, told: bool
) -> Rich:
    """Told to the giver: the prospect already went to other members lately; each entry is
    (the earlier referral, its receiver, whether they were told). `receiver` got the new
    one; `told` whether they heard of the other. Only who was really told is said so."""
    text = lit("")
    for r, other, other_told in earlier:
        text = text + fmt(
            "\nHeads-up: #{id} already went to {u} for the same prospect in the last 90 days.",
            id=r.id,
            u=other,
        )
        heard = [u for u, yes in ((receiver, told), (other, other_told)) if yes]
        missed = [u for u, yes in ((receiver, told), (other, other_told)) if not yes]
        if len(heard) == 2:
            text = text + fmt(
                " I've told {a} and {b}, so they can agree who calls.", a=receiver, b=other
            )
        elif heard:
            text = text + fmt(
                " I've told {a}; {b} has direct messages off, so let them know yourself.",
                a=heard[0],
                b=missed[0],
            )
        else:
            text = text + fmt(
                " {a} and {b} have direct messages off, so neither was told: let them know"
                " yourself.",
                a=receiver,
                b=other,
            )
    return text


def also_referred_dm(yours: Referral, other: Referral, other_receiver: UserRef) -> OutMessage:
    """To a receiver: their prospect (named as they have it) went to another member too."""
    return notice(
        fmt(
            "Heads-up about {p} (#{id}): the same prospect was also referred to {u} (#{o})."
            " Talk to {u}, so they get one good call rather than two.",
            p=yours.prospect,
            id=yours.id,
            u=other_receiver,
            o=other.id,
        ),
        "referral.also_referred",
        about=yours.id,
    )


# --- forget-me -------------------------------------------------------------------------------
def nobody_to_thank() -> OutMessage:
    return error("That member's data was erased at their request: there is nobody to thank.")
