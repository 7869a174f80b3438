"""What Rapport says about correcting the records: amounts in the group's currency, the
question a lone number gets, corrections, edits, withdrawals, repeated prospects, and a
referral closed because its receiver was forgotten.

Kept beside messages.py, in the same style: `fmt` treats a plain `str` value as the
member's own text (never rendered as markup or a mention), a `UserRef` as a mention.
"""

from __future__ import annotations

from datetime import UTC, datetime

from bot import messages
from bot import money as amounts
from bot.contacts import ContactProblem
from bot.messages import (
    error,
    group_money,
    kind_word,
    notice,
    referral_fields,
    reply,
    slash,
)
from bot.model import BusinessChange, ClosedBusiness, Group, Referral, UserRef
from bot.out import OutMessage
from bot.schedule import local_date
from bot.text import Rich, fmt, lit

EXAMPLE_CENTS = 150_000  # 1500.00, the amount the examples write


def currency_line(group: Group) -> Rich:
    """The sentence that tells a new group (or its admin) what its amounts are in."""
    code = group.currency
    sign = amounts.symbol(code, amounts.locale_of(group))
    named = f"{code} ({sign})" if sign != code else code
    return lit(
        f"Amounts are in {named}, written like {group_money(EXAMPLE_CENTS, group)}; the admin"
        f" changes it with /rapport settings currency {'EUR' if code != 'EUR' else 'USD'}."
    )


def currency_followed_zone(group: Group) -> OutMessage:
    return reply(
        lit("The group's time zone moved, and no amount is recorded yet, so: ")
        + currency_line(group),
        "settings.currency",
    )


def currency_unknown(code: str) -> OutMessage:
    return error(
        fmt("“{c}” is not a currency code I know. Use an ISO code like ZAR, GBP or EUR.", c=code)
    )


def currency_in_use(group: Group, wanted: str, recorded: int) -> OutMessage:
    one = recorded == 1
    return error(
        f"{recorded} {'amount is' if one else 'amounts are'} recorded in {group.currency}, so"
        f" the currency stays {group.currency}: {wanted} would relabel"
        f" {'it' if one else 'them'}, and totals would add one currency to the other. If"
        f" {'it was' if one else 'they were'} never in {group.currency}, each member who"
        " recorded one takes it out with /referrals amount <id> none -- why (a referral's id,"
        " or the B number their thanks named), then change the currency and record"
        f" {'it' if one else 'them'} again in {wanted}."
    )


def locale_unknown(name: str) -> OutMessage:
    return error(
        fmt(
            "“{n}” is not a locale I know. Use a name like en_ZA, en_GB or de_DE, or default"
            " for the time zone's.",
            n=name,
        )
    )


def locale_saved(group: Group) -> OutMessage:
    return reply(
        f"Saved: amounts are written the {amounts.locale_of(group)} way, like"
        f" {group_money(EXAMPLE_CENTS, group)}.",
        "settings.saved",
    )


def currency_saved(group: Group) -> OutMessage:
    return reply(lit("Saved. ") + currency_line(group), "settings.saved")


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


def receiver_forgotten_dm(r: Referral) -> OutMessage:
    return notice(
        fmt(
            "Your {k} {p} (#{id}) went to a member whose data has been erased at their request,"
            " so it is closed. If {p} still needs help, pass them to another member with /referral.",
            k=lit(kind_word(r.kind)),
            p=r.prospect,
            id=r.id,
        ),
        "referral.receiver_forgotten",
        about=r.id,
    )


person = messages.person
