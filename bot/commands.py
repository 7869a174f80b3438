"""The core's text grammar: a typed line becomes a Command dataclass, or a ParseError.

The Command types, the lexical pieces they share, and one parser per command (`parse_<name>`,
the line after the command's name); bot/registry.py names each command and routes a line
(`registry.parse`) to its parser.

Mentions stay as raw tokens (`MentionToken`) here; the adapter that received the line
resolves them to platforms users, so this module never reads a platform's id format.
Discord builds the same dataclasses from typed options, with `UserRef`s instead of tokens.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from bot import contacts, money
from bot.features import sources
from bot.features.calendar.commands import MeetingCalendar, MeetingFeed
from bot.features.cards.commands import (
    AllCards,
    SetCardPhone,
    SetCardWebsite,
    ShareCardEmail,
    ShowCard,
)
from bot.features.keep_in_touch.commands import (
    AddKeepInTouch,
    DoneKeepInTouch,
    ListKeepInTouch,
    RemoveKeepInTouch,
)
from bot.messages import DAY_SOON, TODAY, YEAR_START, slash
from bot.model import Status, UserRef
from bot.schedule import is_timezone

# --- limits a person can hit, named in the errors ----------------------------------------
MAX_NAME = 120  # prospect, business, group name
MAX_CLASSIFICATION = 80
MAX_TEXT = 1000  # need, details, notes, asks
MAX_EMAIL = 254
MAX_AMOUNT_CENTS = money.MAX_AMOUNT_CENTS

DEFAULT_HEAT = 3


@dataclass(frozen=True)
class MentionToken:
    """A member as typed (`@bob`, `<@U123|bob>`), resolved later by the adapter."""

    raw: str


Who = MentionToken | UserRef


@dataclass(frozen=True)
class Amount:
    """An amount as typed ("£4,800", "R 12 500,00", "4800 GBP"). The core reads it in the
    group's currency and locale (bot.money), which a typed line does not know."""

    text: str


# --- commands ----------------------------------------------------------------------------
@dataclass(frozen=True)
class Setup:
    name: str | None = None
    currency: str | None = None  # "currency:EUR"; otherwise the group's time zone's


@dataclass(frozen=True)
class Join:
    classification: str


@dataclass(frozen=True)
class ShowProfile:
    """The caller's profile, or with `member` another member's seat and ask (a list that
    had to shorten their ask points here)."""

    member: Who | None = None


@dataclass(frozen=True)
class SetAsk:
    ask: str


@dataclass(frozen=True)
class SetEmail:
    """The member's own business address, used to address introductions."""

    email: str


@dataclass(frozen=True)
class SetTimeZone:
    tz: str


@dataclass(frozen=True)
class SetQuietHours:
    quiet: str  # "HH:MM-HH:MM"


@dataclass(frozen=True)
class SetDirectMessages:
    enabled: bool


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
    source: str | None = None  # where the giver found it (bot.features.sources)


@dataclass(frozen=True)
class LogLead:
    member: Who
    business: str
    details: str | None = None


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


@dataclass(frozen=True)
class WithdrawReferral:
    """The giver (or an admin) takes back a mistaken or duplicate referral, saying why."""

    referral_id: int
    note: str


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


@dataclass(frozen=True)
class LogOneToOne:
    member: Who
    note: str | None = None
    # "/onetoone @a @b": a 1-2-1 with each of them, logged together or not at all
    others: tuple[Who, ...] = ()


@dataclass(frozen=True)
class ShowMeeting:
    """The next meeting."""


@dataclass(frozen=True)
class SetMeeting:
    weekday: int  # 0 = Monday
    time: str  # HH:MM
    tz: str | None = None
    where: str | None = None


@dataclass(frozen=True)
class SkipMeeting:
    day: date


@dataclass(frozen=True)
class ShowStats:
    member: Who | None = None


@dataclass(frozen=True)
class Leave:
    """The caller leaves the group."""


@dataclass(frozen=True)
class RemoveMember:
    member: Who


@dataclass(frozen=True)
class ShowSettings:
    """The group's settings."""


@dataclass(frozen=True)
class ChangeSetting:
    """An admin override: key is one of SETTING_KEYS; value None restores the default."""

    key: str
    value: str | None


@dataclass(frozen=True)
class WantSeat:
    classification: str
    wanted: bool  # False: no longer looking for this classification


@dataclass(frozen=True)
class ShowLeaderboard:
    period: str = "month"  # week | month | quarter


@dataclass(frozen=True)
class RecordVisitor:
    name: str
    invited_by: Who | None = None  # None: the member who typed it invited them


@dataclass(frozen=True)
class Rsvp:
    answer: str  # attending | substitute | absent
    day: date | None = None  # None: the next meeting


@dataclass(frozen=True)
class ShowAttendance:
    day: date | None = None  # None: the latest meeting


@dataclass(frozen=True)
class MarkAttendance:
    """The admin records who was there: (status, member) pairs; `confirm` first turns every
    RSVP into attendance (attending → present), then the pairs correct it."""

    day: date | None = None
    marks: tuple[tuple[str, Who], ...] = ()
    confirm: bool = False


@dataclass(frozen=True)
class ShowLights:
    everyone: bool = False


@dataclass(frozen=True)
class Export:
    since: date | None = None
    until: date | None = None
    contacts: bool = False  # prospects' email and phone only when the admin asks


@dataclass(frozen=True)
class MyData:
    """Everything stored about the caller."""


@dataclass(frozen=True)
class Forget:
    """Erase a member's personal data: yourself (member None) or, for the admin, someone."""

    member: Who | None = None
    confirmed: bool = False


@dataclass(frozen=True)
class ShowGaps:
    """The caller's power team and open seats."""


@dataclass(frozen=True)
class SetSuggestions:
    enabled: bool


@dataclass(frozen=True)
class Help:
    topic: str | None = None


# --- the group's roster, its admins and its seats ------------------------------------------
@dataclass(frozen=True)
class ShowRoster:
    """Every member with their seat, join date and role, and the open seats."""


@dataclass(frozen=True)
class ShowAdmins:
    """Who the group's admins are."""


@dataclass(frozen=True)
class AddAdmin:
    member: Who


@dataclass(frozen=True)
class RemoveAdmin:
    member: Who


@dataclass(frozen=True)
class AllowSeat:
    """An admin lets a member take the seat they asked for, though a seated member's
    classification is the same trade (Solicitor beside Lawyer)."""

    member: Who


Command = (
    Setup
    | Join
    | ShowProfile
    | SetAsk
    | SetEmail
    | SetTimeZone
    | SetQuietHours
    | SetDirectMessages
    | LogReferral
    | LogLead
    | ListReferrals
    | UpdateReferral
    | CorrectAmount
    | ShowBusiness
    | EditReferral
    | WithdrawReferral
    | Thank
    | LogOneToOne
    | ShowMeeting
    | SetMeeting
    | SkipMeeting
    | ShowStats
    | Help
    | SnoozeReferral
    | Leave
    | RemoveMember
    | ShowSettings
    | ChangeSetting
    | WantSeat
    | ShowLeaderboard
    | RecordVisitor
    | Rsvp
    | ShowAttendance
    | MarkAttendance
    | ShowLights
    | Export
    | MyData
    | Forget
    | ShowGaps
    | SetSuggestions
    | ShowRoster
    | ShowAdmins
    | AddAdmin
    | RemoveAdmin
    | AllowSeat
    | MeetingCalendar
    | MeetingFeed
    | ShowCard
    | AllCards
    | SetCardPhone
    | SetCardWebsite
    | ShareCardEmail
    | ListKeepInTouch
    | AddKeepInTouch
    | RemoveKeepInTouch
    | DoneKeepInTouch
)


class ParseError(Exception):
    """A line that is not a valid command. `problem` names what was wrong (or is empty);
    `command` names whose usage line to show. For an unknown command, `unknown` holds the
    word typed and `suggestion` the command it most resembles."""

    def __init__(
        self,
        command: str,
        problem: str = "",
        unknown: str | None = None,
        suggestion: str | None = None,
    ) -> None:
        super().__init__(problem or command)
        self.command = command
        self.problem = problem
        self.unknown = unknown
        self.suggestion = suggestion


# --- lexical pieces ----------------------------------------------------------------------
PHONE = re.compile(r"(?<![\w@])\+?\(?\d[\d ().\-/]{4,}\d(?![\w@])")
HEAT = re.compile(r"(?<!\S)heat\s*:\s*(\S*)", re.IGNORECASE)
# "… needs a new roof heat 5": heat without its colon, as the last words
HEAT_LAST = re.compile(r"(?:^|\s)heat\s+([1-5])(?:/5)?\s*$", re.IGNORECASE)
CURRENCY_OPTION = re.compile(r"(?<!\S)currency\s*:\s*(\S*)", re.IGNORECASE)
BUSINESS_WORDS = {"new": False, "repeat": True}
INSIDE = re.compile(r"(?<!\S)inside:(\S*)", re.IGNORECASE)
# "--" as its own word, or the dash a phone or Mac turns it into.
NOTE_SPLIT = re.compile(r"(?:^|\s)(?:--|—|–)(?:\s|$)")
ID = re.compile(r"#?([0-9]{1,12})")
TIME = re.compile(r"([01]?\d|2[0-3]):([0-5]\d)")
QUIET = re.compile(r"([01]?\d|2[0-3]):([0-5]\d)\s*-\s*([01]?\d|2[0-3]):([0-5]\d)")
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]

STATUS_WORDS = {
    "contacted": Status.CONTACTED,
    "meeting": Status.MEETING,
    "booked": Status.MEETING,
    "won": Status.WON,
    "lost": Status.LOST,
    "nosale": Status.LOST,
    "no-sale": Status.LOST,
}

RSVP_WORDS = {
    "attending": "attending",
    "yes": "attending",
    "substitute": "substitute",
    "sub": "substitute",
    "absent": "absent",
    "no": "absent",
}
ATTENDANCE_WORDS = {
    "present": "present",
    "absent": "absent",
    "late": "late",
    "substitute": "substitute",
    "sub": "substitute",
}

SNOOZES = {"1h": 1, "1d": 24, "3d": 72, "1w": 168}


def clean(text: str) -> str:
    """Control characters out, runs of whitespace collapsed; what is left is stored verbatim."""
    return re.sub(r"\s+", " ", CONTROL.sub(" ", text)).strip()


def split_note(text: str) -> tuple[str, str | None]:
    m = NOTE_SPLIT.search(text)
    if not m:
        return text, None
    note = clean(text[m.end() :])
    return text[: m.start()], (note or None)


def take_mention(text: str) -> tuple[MentionToken | None, str]:
    """The leading member mention, if any: `@name` or an escaped `<@…>` form."""
    s = text.lstrip()
    if s.startswith("<@") and ">" in s:
        end = s.index(">") + 1
        return MentionToken(s[:end]), s[end:]
    if s.startswith("@") and len(s) > 1 and not s[1].isspace():
        parts = s.split(maxsplit=1)
        return MentionToken(parts[0]), (parts[1] if len(parts) > 1 else "")
    return None, text


def is_number(word: str) -> bool:
    """Plain ASCII digits (str.isdigit() also accepts "²" and other scripts' digits)."""
    return word.isascii() and word.isdigit()


def take_amount(words: list[str], command: str) -> tuple[Amount, bool | None]:
    """An amount with an optional "new" or "repeat" after it (repeat business, as on a
    thank-you slip): the words become an Amount for the core to read."""
    repeat = None
    if words and words[-1].casefold() in BUSINESS_WORDS:
        repeat = BUSINESS_WORDS[words[-1].casefold()]
        words = words[:-1]
    if not words:
        raise ParseError(command, "Give the amount, like 1500 or 1,500.50.")
    return Amount(" ".join(words)), repeat


def limit(value: str, most: int, what: str, command: str) -> str:
    if len(value) > most:
        raise ParseError(command, f"{what} is too long ({len(value)} characters; at most {most}).")
    return value


def valid_tz(name: str, command: str) -> str:
    if not is_timezone(name):
        raise ParseError(
            command,
            f"“{name[:60]}” is not a time zone I know. Use an Area/City name like Europe/London.",
        )
    return name


# --- the parsers, one a command (bot/registry.py has the table) ---------------------------
def parse_setup(rest: str) -> Command:
    currency = None
    found = list(CURRENCY_OPTION.finditer(rest))
    if len(found) > 1:
        raise ParseError("setup", "Give the currency once, e.g. currency:EUR.")
    if found:
        code = found[0].group(1)
        if not re.fullmatch(r"[A-Za-z]{3}", code):
            raise ParseError("setup", "Give the currency as a three-letter code, e.g. currency:EUR.")
        currency = code.upper()
        rest = rest[: found[0].start()] + " " + rest[found[0].end() :]
    name = clean(rest)
    return Setup(limit(name, MAX_NAME, "The group name", "setup") or None, currency)


def parse_join(rest: str) -> Command:
    c = clean(rest)
    if not c:
        raise ParseError(
            "join", "Say which classification (trade) you hold, e.g. Residential plumbing."
        )
    return Join(limit(c, MAX_CLASSIFICATION, "The classification", "join"))


def parse_profile(rest: str) -> Command:
    sub, _, arg = rest.partition(" ")
    sub = sub.casefold()
    arg = clean(arg)
    if not sub:
        return ShowProfile()
    if sub.startswith(("@", "<@")):
        member, after = take_mention(rest)
        if member is None or clean(after):
            raise ParseError("profile", "Name one member, e.g. /rapport profile @bob.")
        return ShowProfile(member)
    if sub == "ask":
        if not arg:
            raise ParseError(
                "profile",
                f"Say what referral you want, e.g. {slash('profile')} ask homeowners planning"
                " a kitchen.",
            )
        return SetAsk(limit(arg, MAX_TEXT, "Your ask", "profile"))
    if sub == "email":
        try:
            return SetEmail(contacts.email(arg))
        except contacts.ContactProblem:
            raise ParseError(
                "profile",
                f"Give your business email, e.g. {slash('profile')} email bob@plumbing.example.",
            ) from None
    if sub in ("tz", "timezone"):
        if not arg:
            raise ParseError("profile", "Give a time zone like Europe/London.")
        return SetTimeZone(valid_tz(arg, "profile"))
    if sub == "quiet":
        m = QUIET.fullmatch(arg)
        if not m:
            raise ParseError("profile", "Write quiet hours as HH:MM-HH:MM, e.g. 21:00-07:00.")
        a, b, c, d = (int(x) for x in m.groups())
        if (a, b) == (c, d):
            raise ParseError("profile", "Quiet hours must start and end at different times.")
        return SetQuietHours(f"{a:02d}:{b:02d}-{c:02d}:{d:02d}")
    if sub == "suggestions":
        if arg.casefold() in ("on", "off"):
            return SetSuggestions(arg.casefold() == "on")
        raise ParseError(
            "profile",
            f"Write {slash('profile')} suggestions on or {slash('profile')} suggestions off.",
        )
    if sub == "dm":
        if arg.casefold() in ("on", "off"):
            return SetDirectMessages(arg.casefold() == "on")
        raise ParseError("profile", f"Write {slash('profile')} dm on or {slash('profile')} dm off.")
    raise ParseError("profile", f"I don't know “{sub[:30]}” in {slash('profile')}.")


def parse_referral(rest: str) -> Command:
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


def parse_lead(rest: str) -> Command:
    member, rest = take_mention(rest)
    if member is None:
        raise ParseError("lead", "Start with the member the lead is for, e.g. @bob.")
    body, details = split_note(rest)
    business = clean(body)
    if not business:
        raise ParseError("lead", "Name the business or person after the member.")
    return LogLead(
        member=member,
        business=limit(business, MAX_NAME, "The business name", "lead"),
        details=limit(details, MAX_TEXT, "The details", "lead") if details else None,
    )


def parse_referrals(rest: str) -> Command:
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
        return WithdrawReferral(
            parse_id(words[1], "referrals"), limit(note, MAX_TEXT, "The reason", "referrals")
        )
    if sub == "snooze":
        if len(words) != 3 or words[2].casefold() not in SNOOZES or note:
            raise ParseError(
                "referrals", "Snooze for 1h, 1d, 3d or 1w, e.g. /referrals snooze 12 1d."
            )
        return SnoozeReferral(parse_id(words[1], "referrals"), SNOOZES[words[2].casefold()])
    raise ParseError("referrals", f"I don't know “{sub[:30]}” in /referrals.")


def parse_id(word: str, command: str) -> int:
    m = ID.fullmatch(word)
    if not m:
        raise ParseError(command, f"“{word[:30]}” is not a referral id; ids are numbers, like 12.")
    return int(m.group(1))


def _update(words: list[str], note: str | None) -> Command:
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
    if note:
        limit(note, MAX_TEXT, "The note", "referrals")
    return UpdateReferral(rid, status, amount, note, bool(repeat))


BUSINESS_ID = re.compile(r"#?[Bb]([0-9]{1,12})")


def _correct_amount(words: list[str], note: str | None) -> Command:
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
    return CorrectAmount(
        rid, amount, limit(note, MAX_TEXT, "The reason", "referrals"), repeat, business_id=bid
    )


def _edit(rest: str) -> Command:
    rid_word, _, after = rest.strip().partition(" ")
    if not rid_word:
        raise ParseError(
            "referrals",
            "Give the id and what to correct, e.g. /referrals edit 12 jane@roe.example.",
        )
    rid = parse_id(rid_word, "referrals")
    heat, body = _heat(after, "referrals")
    body, need = split_note(body)
    text = clean(body)
    if not text and need is None and heat is None:
        raise ParseError(
            "referrals",
            "Say what to correct: a name, an email, a phone, the need after --, or heat:N.",
        )
    return EditReferral(
        rid,
        limit(text, MAX_NAME + MAX_EMAIL + 60, "The prospect's details", "referrals"),
        limit(need, MAX_TEXT, "What they need", "referrals") if need else None,
        heat,
    )


GROUPED = re.compile(r"[0-9]{3}(?:[.,][0-9]+)?")  # "200" in "1 200", "500,00" in "12 500,00"


def parse_thanks(rest: str) -> Command:
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
        first.startswith("#")
        or member is None
        or (len(words) > 1 and _own_amount(words[1:]))
    ):
        rid = parse_id(first, "thanks")
        words = words[1:]
    if words:
        amount = Amount(" ".join(words))
    elif repeat is not None:
        raise ParseError("thanks", "Give the amount with its currency, like 1,500.00 repeat.")
    if member is None and rid is None:
        raise ParseError(
            "thanks", "Say whom you thank, e.g. /thanks @alice, or give the referral id."
        )
    if note:
        limit(note, MAX_TEXT, "The note", "thanks")
    return Thank(member, rid, amount, note, bare_number=bare, repeat=bool(repeat))


def _own_amount(words: list[str]) -> bool:
    """Words after a number that are an amount by themselves (`£1500`, `1,500.00`), not
    the rest of the number's own (`GBP`, or the `200` of `1 200`)."""
    return any(c.isdigit() for c in words[0]) and not GROUPED.fullmatch(words[0])


MAX_ONE_TO_ONE = 10  # members named in one /onetoone (a small-group coffee, not a meeting)


def parse_onetoone(rest: str) -> Command:
    member, rest = take_mention(rest)
    if member is None:
        raise ParseError("onetoone", "Name the member you met, e.g. /onetoone @bob.")
    # every member named before the note: "/onetoone @a @b" is a 1-2-1 with each
    others: list[MentionToken] = []
    while (more := take_mention(rest))[0] is not None:
        other, rest = more
        assert other is not None
        if other != member and other not in others:
            others.append(other)
    if len(others) + 1 > MAX_ONE_TO_ONE:
        raise ParseError("onetoone", f"Name at most {MAX_ONE_TO_ONE} members in one /onetoone.")
    body, note = split_note(rest)
    if clean(body) and not note:
        note = clean(body)
    if note:
        limit(note, MAX_TEXT, "The note", "onetoone")
    return LogOneToOne(member, note, tuple(others))


def parse_meeting(rest: str) -> Command:
    body, where = split_note(rest)
    words = body.split()
    if not words:
        if where:
            raise ParseError(
                "meeting", f"A place (after --) only goes with {slash('meeting')} set."
            )
        return ShowMeeting()
    sub = words[0].casefold()
    if sub == "set":
        if len(words) < 3 or len(words) > 4:
            raise ParseError(
                "meeting",
                f"Give the weekday and time, e.g. {slash('meeting')} set wednesday 07:00.",
            )
        day = words[1].casefold()
        matches = [i for i, d in enumerate(WEEKDAYS) if len(day) >= 3 and d.startswith(day)]
        if len(matches) != 1:
            raise ParseError(
                "meeting", f"“{words[1][:20]}” is not a weekday; write e.g. wednesday or wed."
            )
        tm = TIME.fullmatch(words[2])
        if not tm:
            raise ParseError(
                "meeting", f"“{words[2][:20]}” is not a time; write it as HH:MM, e.g. 07:00."
            )
        tz = valid_tz(words[3], "meeting") if len(words) == 4 else None
        if where:
            limit(where, MAX_NAME * 2, "The place", "meeting")
        return SetMeeting(matches[0], f"{int(tm.group(1)):02d}:{tm.group(2)}", tz, where)
    if sub == "skip":
        if len(words) != 2:
            raise ParseError(
                "meeting", f"Give the date to skip, e.g. {slash('meeting')} skip {DAY_SOON}."
            )
        try:
            skipped = date.fromisoformat(words[1])
        except ValueError:
            raise ParseError(
                "meeting", f"“{words[1][:20]}” is not a date; write it as YYYY-MM-DD."
            ) from None
        return SkipMeeting(skipped)
    if sub == "ics" and len(words) == 1:
        return MeetingCalendar()
    if sub == "feed":
        if len(words) == 2 and words[1].casefold() in ("on", "off"):
            return MeetingFeed(words[1].casefold() == "on")
        raise ParseError(
            "meeting", f"Write {slash('meeting')} feed on or {slash('meeting')} feed off."
        )
    raise ParseError("meeting", f"I don't know “{sub[:30]}” in {slash('meeting')}.")


def parse_stats(rest: str) -> Command:
    member, rest = take_mention(rest)
    if clean(rest):
        raise ParseError(
            "stats", f"Write {slash('stats')} for your numbers, or {slash('stats')} @member."
        )
    return ShowStats(member)


def parse_leave(rest: str) -> Command:
    if clean(rest):
        raise ParseError("leave", "Write just /rapport leave.")
    return Leave()


def parse_remove(rest: str) -> Command:
    member, rest = take_mention(rest)
    if member is None or clean(rest):
        raise ParseError("remove", "Name the member to remove, e.g. /rapport remove @bob.")
    return RemoveMember(member)


def parse_settings(rest: str) -> Command:
    words = clean(rest).split(" ") if clean(rest) else []
    if not words:
        return ShowSettings()
    sub = words[0].casefold()
    args = words[1:]
    if sub == "reminder" and len(args) == 2 and args[0].casefold() == "evening":
        v = args[1].casefold()
        if v in ("off", "default"):
            return ChangeSetting("reminder.evening", "" if v == "off" else None)
        tm = TIME.fullmatch(v)
        if not tm:
            raise ParseError(
                "settings", "Give the evening-before reminder as HH:MM, off or default."
            )
        return ChangeSetting("reminder.evening", f"{int(tm.group(1)):02d}:{tm.group(2)}")
    if sub == "reminder" and len(args) == 2 and args[0].casefold() == "before":
        v = args[1].casefold().removesuffix("h")
        if v in ("off", "default"):
            return ChangeSetting("reminder.before", "0" if v == "off" else None)
        if not is_number(v) or not 1 <= int(v) <= 24:
            raise ParseError(
                "settings", "Give the hours before the meeting as 1 to 24, off or default."
            )
        return ChangeSetting("reminder.before", str(int(v)))
    if sub == "recap" and len(args) == 1:
        v = args[0].casefold().removesuffix("h")
        if v == "default":
            return ChangeSetting("recap.after", None)
        if not is_number(v) or not 0 <= int(v) <= 48:
            raise ParseError(
                "settings", "Give the hours after the meeting for the recap, 0 to 48, or default."
            )
        return ChangeSetting("recap.after", str(int(v)))
    if sub == "accountability" and len(args) == 1 and args[0].casefold() in ("on", "off"):
        return ChangeSetting("nudge.accountability", args[0].casefold())
    if sub == "currency" and len(args) == 1:
        if not re.fullmatch(r"[A-Za-z]{3}", args[0]):
            raise ParseError("settings", "Give a three-letter currency code like ZAR, USD or EUR.")
        return ChangeSetting("currency", args[0].upper())
    if sub == "locale" and len(args) == 1:
        v = args[0]
        return ChangeSetting("locale", None if v.casefold() == "default" else v)
    if sub == "seat" and len(args) >= 2 and args[0].casefold() in ("add", "remove"):
        c = " ".join(args[1:])
        return WantSeat(
            limit(c, MAX_CLASSIFICATION, "The classification", "settings"),
            args[0].casefold() == "add",
        )
    raise ParseError("settings", f"I don't know that setting: “{clean(rest)[:40]}”.")


def _date(word: str, command: str) -> date:
    try:
        return date.fromisoformat(word)
    except ValueError:
        raise ParseError(command, f"“{word[:20]}” is not a date; write it as YYYY-MM-DD.") from None


def parse_leaderboard(rest: str) -> Command:
    period = clean(rest).casefold() or "month"
    if period not in ("week", "month", "quarter"):
        raise ParseError(
            "leaderboard", "Choose week, month or quarter, e.g. /rapport leaderboard week."
        )
    return ShowLeaderboard(period)


# "Ann O'Connor invited by @lena", "… (invited by @lena)", "…, invited by: @lena"
INVITED_BY = re.compile(
    r"(?:^|\s*[,;]\s*|\s+)[(\[]?\s*invited\s+by\s*:?\s*(?P<who>[^()\[\]]*?)\s*[)\]]?\s*$",
    re.IGNORECASE,
)


def parse_visitor(rest: str) -> Command:
    text = rest.strip()
    inviter: MentionToken | None = None
    m = INVITED_BY.search(text)
    if m:
        inviter, after = take_mention(m.group("who"))
        if inviter is None or clean(after):
            raise ParseError("visitor", "Write who invited them as a mention: invited by @bob.")
        text = text[: m.start()]
    name = clean(text)
    if not name:
        raise ParseError("visitor", "Give the visitor's name, e.g. /rapport visitor Jane Smith.")
    return RecordVisitor(limit(name, MAX_NAME, "The visitor's name", "visitor"), inviter)


def parse_rsvp(rest: str) -> Command:
    words = clean(rest).split()
    if not words or words[0].casefold() not in RSVP_WORDS or len(words) > 2:
        raise ParseError(
            "rsvp", "Answer attending, substitute or absent, e.g. /rapport rsvp attending."
        )
    day = _date(words[1], "rsvp") if len(words) == 2 else None
    return Rsvp(RSVP_WORDS[words[0].casefold()], day)


def parse_attendance(rest: str) -> Command:
    text = rest.strip()
    day = None
    first, _, after = text.partition(" ")
    if first and first[0].isdigit():
        day = _date(first, "attendance")
        text = after.strip()
    if not text:
        return ShowAttendance(day)
    marks: list[tuple[str, Who]] = []
    confirm = False
    status: str | None = None
    while text:
        member, rest_text = take_mention(text)
        if member is not None:
            if status is None:
                raise ParseError(
                    "attendance", "Say present, absent, late or substitute before the members."
                )
            marks.append((status, member))
            text = rest_text.strip()
            continue
        word, _, text = text.partition(" ")
        text = text.strip()
        w = word.casefold()
        if w == "confirm" and not marks and status is None:
            confirm = True
        elif w in ATTENDANCE_WORDS:
            status = ATTENDANCE_WORDS[w]
        else:
            raise ParseError("attendance", f"I don't know “{word[:30]}” in /rapport attendance.")
    if (status is not None and not marks) or len(marks) > 200:
        raise ParseError(
            "attendance", "Name the members after present, absent, late or substitute."
        )
    return MarkAttendance(day, tuple(marks), confirm)


def parse_lights(rest: str) -> Command:
    arg = clean(rest).casefold()
    if arg not in ("", "all", "everyone"):
        raise ParseError("lights", "Write /rapport lights, or /rapport lights all (admin).")
    return ShowLights(everyone=bool(arg))


def parse_export(rest: str) -> Command:
    words = clean(rest).split()
    contacts = False
    if words and words[-1].casefold() in ("contacts", "with-contacts"):
        contacts = True
        words = words[:-1]
    if len(words) > 2:
        raise ParseError(
            "export", f"Give at most two dates, e.g. {slash('export')} {YEAR_START} {TODAY}."
        )
    days = [_date(w, "export") for w in words]
    since = days[0] if days else None
    until = days[1] if len(days) == 2 else None
    if since and until and until < since:
        raise ParseError("export", "The second date comes before the first.")
    return Export(since, until, contacts)


def _no_args(command: str) -> Command:
    raise ParseError(command, f"Write just /rapport {command}.")


def parse_my_data(rest: str) -> Command:
    if clean(rest):
        raise ParseError("my-data", "Write just /rapport my-data.")
    return MyData()


def parse_forget_me(rest: str) -> Command:
    arg = clean(rest).casefold()
    if arg not in ("", "confirm"):
        raise ParseError("forget-me", "Write /rapport forget-me, then /rapport forget-me confirm.")
    return Forget(None, arg == "confirm")


def parse_forget(rest: str) -> Command:
    member, after = take_mention(rest)
    arg = clean(after).casefold()
    if member is None or arg not in ("", "confirm"):
        raise ParseError("forget", "Name the member, e.g. /rapport forget @dave, then add confirm.")
    return Forget(member, arg == "confirm")


def parse_gaps(rest: str) -> Command:
    return ShowGaps() if not clean(rest) else _no_args("gaps")


def parse_roster(rest: str) -> Command:
    return ShowRoster() if not clean(rest) else _no_args("roster")


def parse_admins(rest: str) -> Command:
    return ShowAdmins() if not clean(rest) else _no_args("admins")


def parse_admin(rest: str) -> Command:
    sub, _, after = clean(rest).partition(" ")
    sub = sub.casefold()
    if sub in ("", "list"):
        return ShowAdmins()
    if sub in ("add", "remove"):
        member, after = take_mention(after)
        if member is not None and not clean(after):
            return AddAdmin(member) if sub == "add" else RemoveAdmin(member)
    raise ParseError(
        "admin",
        f"Name the member, e.g. {slash('admin')} add @bob or {slash('admin')} remove @bob.",
    )


def parse_seat(rest: str) -> Command:
    sub, _, after = clean(rest).partition(" ")
    if sub.casefold() == "allow":
        member, after = take_mention(after)
        if member is not None and not clean(after):
            return AllowSeat(member)
    raise ParseError(
        "seat", f"Name the member whose seat you allow, e.g. {slash('seat')} allow @erin."
    )
