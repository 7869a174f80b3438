"""Referrals and leads as typed: /referral, /lead, /referrals (list, update, amount, edit, withdraw,
snooze) and /thanks, and the Command types they make."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot import contacts
from bot.features.referrals import sources
from bot.grammar import (
    BUSINESS_WORDS,
    HEAT,
    HEAT_LAST,
    ID,
    INSIDE,
    MAX_EMAIL,
    MAX_NAME,
    MAX_TEXT,
    PHONE,
    SNOOZES,
    STATUS_WORDS,
    Amount,
    ParseError,
    Who,
    clean,
    is_number,
    limit,
    parse_id,
    split_note,
    take_amount,
    take_mention,
)
from bot.model import Status


@dataclass(frozen=True)
class LogReferral:
    """A referral; with no email or phone the service records it as a lead and says why.

    Typed, `prospect` is the text before "--" with the contact details still in it: the
    core takes them out with the group's country as the phone's default (bot.contacts).
    A form gives them in their own fields. `heat` None: the giver gave none."""

    member: Who
    prospect: str
    email: str | None = None
    phone: str | None = None
    need: str | None = None
    heat: int | None = None
    inside: bool = False
    source: str | None = None  # where the giver found it (bot.features.referrals.sources)


@dataclass(frozen=True)
class LogLead:
    member: Who
    business: str
    details: str | None = None

    @classmethod
    def of(cls, member: Who, business: str, details: str | None = None) -> LogLead:
        """A lead from its parts as typed, with the grammar's checks and wording (a typed
        line and an adapter's options share them)."""
        name = clean(business)
        if not name:
            raise ParseError("lead", "Name the business or person after the member.")
        more = clean(details or "") or None
        return cls(
            member,
            limit(name, MAX_NAME, "The business name", "lead"),
            limit(more, MAX_TEXT, "The details", "lead") if more else None,
        )


@dataclass(frozen=True)
class ListReferrals:
    which: str = "all"  # all | given | received | open


@dataclass(frozen=True)
class UpdateReferral:
    referral_id: int
    status: Status
    amount: Amount | None = None
    note: str | None = None
    repeat: bool = False  # "won £4,800 repeat": repeat business; new by default

    @classmethod
    def of(
        cls,
        referral_id: int,
        status: Status,
        amount: Amount | None = None,
        note: str | None = None,
        repeat: bool = False,
    ) -> UpdateReferral:
        """Which amounts a status takes is the core's rule (it knows the referral); here the
        note's length."""
        words = _note(note, "The note", "referrals")
        return cls(_id(referral_id, "referrals"), status, amount, words, repeat)


@dataclass(frozen=True)
class CorrectAmount:
    """The receiver replaces the closed business they recorded, saying why: a referral's
    (`referral_id`), or one a /thanks recorded without a referral (`business_id`, "B12").
    `amount` "none" takes it out of every count; None keeps it (new or repeat changes)."""

    referral_id: int | None
    amount: Amount | None
    note: str
    repeat: bool | None = None  # None: as it was recorded
    business_id: int | None = None

    @classmethod
    def of(
        cls,
        referral_id: int | None,
        amount: Amount | None,
        note: str | None,
        repeat: bool | None = None,
        business_id: int | None = None,
    ) -> CorrectAmount:
        why = _note(note, "The reason", "referrals")
        if not why:
            raise ParseError(
                "referrals",
                "Say why after --, e.g. /referrals amount 12 4800 -- the invoice came to less;"
                " none instead of the amount takes it out.",
            )
        rid = _id(referral_id, "referrals") if referral_id is not None else None
        return cls(rid, amount, why, repeat, business_id)


@dataclass(frozen=True)
class ShowBusiness:
    """The receiver reads the closed business they recorded and its history."""

    referral_id: int | None
    business_id: int | None = None


@dataclass(frozen=True)
class EditReferral:
    """The giver corrects an open referral or lead: `text` holds a new prospect name and
    contact details (taken out by the core, as for /referral), `need` a new need."""

    referral_id: int
    text: str = ""
    need: str | None = None
    heat: int | None = None

    @classmethod
    def of(
        cls, referral_id: int, text: str = "", need: str | None = None, heat: int | None = None
    ) -> EditReferral:
        details = clean(text)
        what = _note(need, "What they need", "referrals")
        if not details and what is None and heat is None:
            raise ParseError(
                "referrals",
                "Say what to correct: a name, an email, a phone, the need after --, or heat:N.",
            )
        if heat is not None and not 1 <= heat <= 5:
            raise ParseError("referrals", "Heat is 1 (cool) to 5 (ready to buy), e.g. heat:4.")
        return cls(
            _id(referral_id, "referrals"),
            limit(details, MAX_NAME + MAX_EMAIL + 60, "The prospect's details", "referrals"),
            what,
            heat,
        )


@dataclass(frozen=True)
class WithdrawReferral:
    """The giver (or an admin) takes back a mistaken or duplicate referral, saying why."""

    referral_id: int
    note: str

    @classmethod
    def of(cls, referral_id: int, note: str | None) -> WithdrawReferral:
        why = _note(note, "The reason", "referrals")
        if not why:
            raise ParseError(
                "referrals",
                "Give the id and say why after --, e.g. /referrals withdraw 12 -- a duplicate of #9.",
            )
        return cls(_id(referral_id, "referrals"), why)


@dataclass(frozen=True)
class SnoozeReferral:
    referral_id: int
    hours: int


@dataclass(frozen=True)
class Thank:
    member: Who | None
    referral_id: int | None = None
    amount: Amount | None = None
    note: str | None = None
    # "/thanks @alice 12": a lone bare number is a referral id if one from @alice to the
    # caller has it; otherwise it is never taken as money: the core asks which was meant.
    bare_number: int | None = None
    repeat: bool = False

    @classmethod
    def of(
        cls,
        member: Who | None,
        referral_id: int | None = None,
        amount: Amount | None = None,
        note: str | None = None,
        *,
        bare_number: int | None = None,
        repeat: bool = False,
    ) -> Thank:
        if member is None and referral_id is None:
            raise ParseError(
                "thanks", "Say whom you thank, e.g. /thanks @alice, or give the referral id."
            )
        rid = _id(referral_id, "thanks") if referral_id is not None else None
        words = _note(note, "The note", "thanks")
        return cls(member, rid, amount, words, bare_number=bare_number, repeat=repeat)


def _note(text: str | None, what: str, command: str) -> str | None:
    """A note, reason or need: cleaned as the grammar cleans it, within its limit."""
    words = clean(text or "") or None
    return limit(words, MAX_TEXT, what, command) if words else None


MAX_ID = 999_999_999_999  # ids are at most twelve digits, as the grammar reads them


def _id(value: int, command: str) -> int:
    if not 1 <= value <= MAX_ID:
        raise ParseError(command, f"“{value}” is not a referral id; ids are numbers, like 12.")
    return value


def parse_referral(rest: str) -> ReferralCommand:
    member, rest = take_mention(rest)
    if member is None:
        raise ParseError("referral", "Start with the member you are referring to, e.g. @bob.")
    # heat: and inside: may stand anywhere, after the need too
    heat, body = _heat(rest, "referral")
    try:
        source, body = sources.take(body)
    except sources.SourceProblem as e:
        raise ParseError("referral", str(e)) from None
    inside = False
    im = INSIDE.search(body)
    if im:
        v = im.group(1).casefold()
        if v not in ("yes", "no", "true", "false"):
            raise ParseError(
                "referral", "Write inside:yes when the prospect is a member of this group."
            )
        inside = v in ("yes", "true")
        body = body[: im.start()] + " " + body[im.end() :]
    body, need = split_note(body)
    # the contact details stay in the prospect's text: the core takes them out, with the
    # group's country as the phone's default
    prospect = clean(body)
    if not prospect:
        raise ParseError("referral", "Who is the prospect? Write their name after the member.")
    return LogReferral(
        member=member,
        prospect=limit(prospect, MAX_NAME + MAX_EMAIL + 60, "The prospect's details", "referral"),
        need=limit(need, MAX_TEXT, "What they need", "referral") if need else None,
        heat=heat,
        inside=inside,
        source=source,
    )


def _heat(text: str, command: str) -> tuple[int | None, str]:
    """The heat anywhere as heat:4 (or heat: 4), or as "heat 4" ending the line; and the
    text without it. None: no heat given."""
    found = list(HEAT.finditer(text))
    last = HEAT_LAST.search(text)
    if len(found) + bool(last) > 1:
        raise ParseError(command, "Give heat once, e.g. heat:4.")
    if last:
        return int(last.group(1)), text[: last.start()]
    if not found:
        return None, text
    v = found[0].group(1).removesuffix("/5")
    if v not in ("1", "2", "3", "4", "5"):
        raise ParseError(command, "Heat is 1 (cool) to 5 (ready to buy), e.g. heat:4.")
    return int(v), text[: found[0].start()] + " " + text[found[0].end() :]


class FieldErrors(Exception):
    """Form fields (a Slack modal, Discord options) that are not valid: field → message."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


def referral_from_fields(
    member: Who,
    prospect: str | None,
    email: str | None = None,
    phone: str | None = None,
    need: str | None = None,
    heat: int | str | None = None,
    inside: bool = False,
) -> LogReferral:
    """The same rules as the typed grammar, for a form's separate fields. Raises FieldErrors
    naming each bad field, so a form can show the message beside it."""
    errors: dict[str, str] = {}
    name = clean(prospect or "")
    if not name:
        errors["prospect"] = "Give the prospect's name."
    elif len(name) > MAX_NAME:
        errors["prospect"] = f"At most {MAX_NAME} characters."
    mail = clean(email or "") or None
    if mail:
        try:
            mail = contacts.email(mail)
        except contacts.ContactProblem:
            errors["email"] = "That is not an email address, e.g. jane@example.com."
    tel = clean(phone or "") or None
    if tel:
        # the group's country decides the rest (bot.contacts): here, only what is plainly
        # not a phone number
        digits = re.sub(r"[^0-9]", "", tel)
        if not PHONE.fullmatch(tel) or not 7 <= len(digits) <= 15:
            errors["phone"] = "That is not a phone number, e.g. 082 555 1234."
    what = clean(need or "") or None
    if what and len(what) > MAX_TEXT:
        errors["need"] = f"At most {MAX_TEXT} characters."
    level = None
    if heat not in (None, ""):
        if str(heat) not in ("1", "2", "3", "4", "5"):
            errors["heat"] = "Heat is 1 (cool) to 5 (ready to buy)."
        else:
            level = int(str(heat))
    if errors:
        raise FieldErrors(errors)
    return LogReferral(member, name, mail, tel, what, level, inside)


def parse_lead(rest: str) -> ReferralCommand:
    member, rest = take_mention(rest)
    if member is None:
        raise ParseError("lead", "Start with the member the lead is for, e.g. @bob.")
    body, details = split_note(rest)
    business = clean(body)
    if not business:
        raise ParseError("lead", "Name the business or person after the member.")
    return LogLead.of(member, business, details)


def parse_referrals(rest: str) -> ReferralCommand:
    first, _, after = rest.strip().partition(" ")
    if first.casefold() == "edit":
        return _edit(after)
    body, note = split_note(rest)
    words = body.split()
    if not words:
        if note:
            raise ParseError("referrals", "A note (after --) only goes with update.")
        return ListReferrals()
    sub = words[0].casefold()
    if sub in ("given", "received", "open", "all") and len(words) == 1:
        return ListReferrals(sub)
    if sub == "update":
        return _update(words[1:], note)
    if sub == "amount":
        return _correct_amount(words[1:], note)
    if sub == "withdraw":
        if len(words) != 2 or not note:
            raise ParseError(
                "referrals",
                "Give the id and say why after --, e.g. /referrals withdraw 12 -- a duplicate of #9.",
            )
        return WithdrawReferral.of(parse_id(words[1], "referrals"), note)
    if sub == "snooze":
        if len(words) != 3 or words[2].casefold() not in SNOOZES or note:
            raise ParseError(
                "referrals", "Snooze for 1h, 1d, 3d or 1w, e.g. /referrals snooze 12 1d."
            )
        return SnoozeReferral(parse_id(words[1], "referrals"), SNOOZES[words[2].casefold()])
    raise ParseError("referrals", f"I don't know “{sub[:30]}” in /referrals.")


def _update(words: list[str], note: str | None) -> ReferralCommand:
    if len(words) < 2:
        raise ParseError(
            "referrals",
            "Give the referral id and its new status, e.g. /referrals update 12 contacted.",
        )
    rid = parse_id(words[0], "referrals")
    status_words = words[1:]
    word = status_words[0].casefold()
    if word == "no" and len(status_words) > 1 and status_words[1].casefold() == "sale":
        status_words = ["lost", *status_words[2:]]
        word = "lost"
    if word == "meeting" and len(status_words) > 1 and status_words[1].casefold() == "booked":
        status_words = ["meeting", *status_words[2:]]
    status = STATUS_WORDS.get(word)
    if status is None:
        raise ParseError(
            "referrals", f"“{word[:30]}” is not a status: use contacted, meeting, won or lost."
        )
    amount = None
    repeat: bool | None = None
    extra = status_words[1:]
    if extra:
        if status is not Status.WON:
            raise ParseError("referrals", "Only won takes an amount; put a note after --.")
        amount, repeat = take_amount(extra, "referrals")
    return UpdateReferral.of(rid, status, amount, note, bool(repeat))


BUSINESS_ID = re.compile(r"#?[Bb]([0-9]{1,12})")


def _correct_amount(words: list[str], note: str | None) -> ReferralCommand:
    if not words:
        raise ParseError(
            "referrals",
            "Give the id, the right amount and why after --,"
            " e.g. /referrals amount 12 4800 -- the invoice came to less.",
        )
    b = BUSINESS_ID.fullmatch(words[0])
    rid, bid = (None, int(b.group(1))) if b else (parse_id(words[0], "referrals"), None)
    if len(words) == 1 and not note:
        return ShowBusiness(rid, bid)
    if not note:
        raise ParseError(
            "referrals",
            "Say why after --, e.g. /referrals amount 12 4800 -- the invoice came to less;"
            " none instead of the amount takes it out.",
        )
    rest = words[1:]
    repeat: bool | None
    if len(rest) == 1 and rest[0].casefold() in BUSINESS_WORDS:
        amount, repeat = None, BUSINESS_WORDS[rest[0].casefold()]  # only new or repeat
    else:
        amount, repeat = take_amount(rest, "referrals")
    return CorrectAmount.of(rid, amount, note, repeat, business_id=bid)


def _edit(rest: str) -> ReferralCommand:
    rid_word, _, after = rest.strip().partition(" ")
    if not rid_word:
        raise ParseError(
            "referrals",
            "Give the id and what to correct, e.g. /referrals edit 12 jane@roe.example.",
        )
    rid = parse_id(rid_word, "referrals")
    heat, body = _heat(after, "referrals")
    body, need = split_note(body)
    return EditReferral.of(rid, body, need, heat)


GROUPED = re.compile(r"[0-9]{3}(?:[.,][0-9]+)?")  # "200" in "1 200", "500,00" in "12 500,00"


def parse_thanks(rest: str) -> ReferralCommand:
    """`/thanks @alice #12 £1,500 repeat -- note`. A referral id is written with # (or
    stands before an amount of its own, or alone without a member); a number followed only
    by words (`1500 GBP`, `1500 repeat`) or by a group of three digits (`1 200`) is one
    amount, for the core to read: with neither currency nor decimals it is asked about,
    never taken as money."""
    member, rest = take_mention(rest)
    body, note = split_note(rest)
    words = body.split()
    rid = None
    amount = None
    repeat: bool | None = None
    bare = None
    if words and words[-1].casefold() in BUSINESS_WORDS:
        repeat = BUSINESS_WORDS[words[-1].casefold()]
        words = words[:-1]
    first = words[0] if words else ""
    if (
        len(words) == 1
        and repeat is None
        and is_number(first)
        and member is not None
        and len(first) <= 12
    ):
        bare = int(first)  # a referral id or an amount: the core decides, or asks
        words = []
    elif ID.fullmatch(first) and (
        first.startswith("#") or member is None or (len(words) > 1 and _own_amount(words[1:]))
    ):
        rid = parse_id(first, "thanks")
        words = words[1:]
    if words:
        amount = Amount(" ".join(words))
    elif repeat is not None:
        raise ParseError("thanks", "Give the amount with its currency, like 1,500.00 repeat.")
    return Thank.of(member, rid, amount, note, bare_number=bare, repeat=bool(repeat))


def _own_amount(words: list[str]) -> bool:
    """Words after a number that are an amount by themselves (`£1500`, `1,500.00`), not
    the rest of the number's own (`GBP`, or the `200` of `1 200`)."""
    return any(c.isdigit() for c in words[0]) and not GROUPED.fullmatch(words[0])


# every Command this slice's parsers make
ReferralCommand = (
    LogReferral
    | LogLead
    | ListReferrals
    | UpdateReferral
    | CorrectAmount
    | ShowBusiness
    | EditReferral
    | WithdrawReferral
    | SnoozeReferral
    | Thank
)
