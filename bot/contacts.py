"""A prospect's email and phone, taken from what a member pasted.

People paste `sean.o'brien+mortgage@example.ie`, `Jane Roe <jane@roe.example>`, a
`mailto:` link, a phone written the way their country writes it, and order numbers in the
need. Addresses are judged by email-validator and phones by phonenumbers (Google's
libphonenumber data) with the group's country as the default, rather than by patterns that
grow with every complaint. The group's country comes from its time zone (bot.money).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import phonenumbers
from email_validator import EmailNotValidError, validate_email

MAX_EMAIL = 254
_EDGES = "<>()[]{}\"',;:."


class ContactProblem(Exception):
    """Contact details that cannot be taken as they are. `reason`: two_emails, bad_email,
    bad_phone, phone_needs_country; `text` is what the member typed (echoed as their text)."""

    def __init__(self, reason: str, text: str = "", detail: str = "") -> None:
        super().__init__(reason)
        self.reason = reason
        self.text = text
        self.detail = detail


@dataclass(frozen=True)
class Found:
    name: str  # what is left of the text: the prospect's name
    email: str | None
    phone: str | None  # as the group writes it (082 555 1234), or with its country code
    need: str | None
    phones_seen: int  # plausible phone numbers in the text; the reply names the one taken
    phone_typed: str | None  # the phone as it stood in the text


def take(text: str, need: str | None, region: str | None) -> Found:
    """The email and phone in `text` (the words before "--"), or else in the need, where
    they also stay. Only a number that is a phone for the group's country (or carries its
    own country code) is a phone: an order or invoice number is not."""
    email, rest = _take_email(text, remove=True, strict=True, mark=_TAKEN)
    if email is None and need:
        email, _ = _take_email(need, remove=False, strict=False)
    matches = _phones(rest, region, strict=True)
    in_need = False
    if not matches and need:
        without_email = _take_email(need, remove=True, strict=False)[1]
        matches = _phones(without_email, region, strict=False)
        in_need = True
    phone = typed = None
    if matches:
        typed, number = matches[0]
        phone = _format(number, region, typed)
        if not in_need:
            rest = rest.replace(typed, f" {_TAKEN} ", 1)
            others = [raw for raw, _ in matches[1:]]
            for other in others:  # kept where the receiver reads them, not in the name
                rest = rest.replace(other, f" {_TAKEN} ", 1)
            if others:
                need = " ".join(x for x in (need, "also " + ", ".join(others)) if x)
    return Found(_name(rest.split()), email, phone, need, len(matches), typed)


_TAKEN = "\x00"  # where a detail stood in the text, until the name is tidied
# words people paste before a detail ("email:", "cell", "tel:"): labels, not the name
LABELS = frozenset(
    {
        *("email", "e-mail", "mail", "phone", "tel", "telephone", "cell", "cellphone"),
        *("mobile", "mob", "ph", "whatsapp", "fax", "landline", "number", "no"),
    }
)
SHORT_LABELS = frozenset(["e", "t", "m", "p", "c", "w"])  # only with their colon: "m: 082 …"
CONNECTORS = frozenset({"or", "and", "&", "/", "|", "or:"})


def _name(words: list[str]) -> str:
    """What is left once the details are out, without what only framed them: a label
    before a detail ("email:", "tel:"), "or" between two numbers, brackets and separators
    around them ("Jane Roe (jane@roe.example / 082 555 0134)" is Jane Roe)."""
    if _TAKEN not in words:
        return " ".join(words)

    def mark(word: str) -> bool:  # punctuation only: a bracket, a slash, a dash
        return word != _TAKEN and not any(c.isalnum() for c in word)

    def beside(i: int, step: int) -> str | None:
        """The nearest word from `i` that is more than punctuation."""
        i += step
        while 0 <= i < len(words) and mark(words[i]):
            i += step
        return words[i] if 0 <= i < len(words) else None

    kept: list[str] = []
    for i, word in enumerate(words):
        after, before = beside(i, 1), beside(i, -1)
        label = after == _TAKEN and _is_label(word)
        joins = word.casefold() in CONNECTORS and before == _TAKEN and after in (_TAKEN, None)
        frames = mark(word) and _TAKEN in (after, before)  # "(…)", "… / …"
        if word == _TAKEN:
            kept.append(word)
        elif label or joins or frames:
            continue
        elif after == _TAKEN:
            kept.append(word.rstrip(",:"))  # "Jane Roe, 082 …", "Jane Roe: 082 …"
        else:
            kept.append(word)
    return " ".join(w for w in kept if w != _TAKEN).strip(" ,")


def _is_label(word: str) -> bool:
    base = word.casefold().strip("([").rstrip(":.")
    return base in LABELS or (word.endswith(":") and base in SHORT_LABELS)


def email(text: str) -> str:
    """One address, as typed in a form or a profile (a `mailto:` or `<…>` around it is
    fine). Raises ContactProblem."""
    found = _address(text.strip())
    if found is None:
        raise ContactProblem("bad_email", text.strip())
    return found


def phone(text: str, region: str | None) -> str:
    """One phone number, as typed in a form field. Raises ContactProblem."""
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        if region is None and not text.strip().startswith("+"):
            raise ContactProblem("phone_needs_country", text.strip())
        raise ContactProblem("bad_phone", text.strip())
    return _format(number, region, text)


def same_phone(a: str, b: str, region: str | None) -> bool:
    """Two written phones are one number (082 555 1234 and +27 82 555 1234)."""
    try:
        x, y = phonenumbers.parse(a, region), phonenumbers.parse(b, region)
    except phonenumbers.NumberParseException:
        return re.sub(r"\D", "", a) == re.sub(r"\D", "", b)
    return bool(x == y)


def _format(number: phonenumbers.PhoneNumber, region: str | None, typed: str) -> str:
    """Written as the group dials it at home (082 555 1234); with its country code when it
    is from abroad or was typed with one."""
    at_home = (
        region is not None
        and phonenumbers.region_code_for_number(number) == region
        and not typed.lstrip().startswith("+")
    )
    style = phonenumbers.PhoneNumberFormat.NATIONAL if at_home else None
    return str(
        phonenumbers.format_number(number, style or phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    )


Phone = tuple[str, phonenumbers.PhoneNumber]  # as typed, and the number it is


def _phones(text: str, region: str | None, strict: bool) -> list[Phone]:
    """The phones in `text`, in order: what phonenumbers' matcher finds in each run of
    digits; where it finds none (a name ending in digits, two numbers run together), the
    longest valid numbers among the run's words. Strict (before "--"), a run of seven
    digits or more that holds no phone is said rather than left in the prospect's name."""
    found: list[Phone] = []
    for run in _DIGITS.finditer(text):
        matched = [
            (m.raw_string, m.number)
            for m in phonenumbers.PhoneNumberMatcher(
                run.group(0), region, leniency=phonenumbers.Leniency.VALID
            )
        ]
        matched = matched or _within(run.group(0), region)
        if not matched and strict:
            _unreadable(run.group(0), region)
        found.extend(matched)
    return found


def _within(run: str, region: str | None) -> list[Phone]:
    words = [(m.start(), m.end()) for m in re.finditer(r"\S+", run)]
    out: list[Phone] = []
    i = 0
    while i < len(words):
        for j in range(len(words), i, -1):
            raw = run[words[i][0] : words[j - 1][1]]
            number = _valid(raw, region)
            if number is not None:
                out.append((raw, number))
                i = j
                break
        else:
            i += 1
    return out


def _valid(raw: str, region: str | None) -> phonenumbers.PhoneNumber | None:
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException:
        return None
    return number if phonenumbers.is_valid_number(number) else None


# a run of digits that may be a phone, with its extension ("212-555-0134 ext. 12")
_DIGITS = re.compile(
    r"\+?\(?\d[\d ().\-/]{5,}\d(?:\s*(?:ext\.?|extension|x)\s*\d{1,6}\b)?", re.IGNORECASE
)


def _unreadable(run: str, region: str | None) -> None:
    """Digits that would otherwise vanish into the prospect's name: a number written without
    its country in a group whose time zone names none (UTC), or one that is no phone.
    Said, rather than recorded as a lead for want of a phone."""
    if len(re.sub(r"\D", "", run)) < 7:
        return
    if region is None and not run.startswith("+"):
        raise ContactProblem("phone_needs_country", run.strip())
    raise ContactProblem("bad_phone", run.strip())


def _take_email(text: str, remove: bool, strict: bool, mark: str = "") -> tuple[str | None, str]:
    """The address in `text`. Strict (the words before "--"): an address that is not one,
    or two of them, is refused; in the need, only a lone valid address is taken."""
    found: list[tuple[str, str]] = []
    for token in text.split():
        if "@" not in token.strip(_EDGES)[1:]:
            continue  # a mention (@bob) or a lone @, not an address ("bad@" is one, badly)
        address = _address(token)
        if address is None:
            if strict:
                raise ContactProblem("bad_email", token.strip(_EDGES))
            continue
        found.append((token, address))
    if len(found) > 1:
        if strict:
            raise ContactProblem("two_emails")
        return None, text
    if not found:
        return None, text
    token, address = found[0]
    return address, (text.replace(token, f" {mark} ", 1) if remove else text)


def _address(token: str) -> str | None:
    core = token.strip(_EDGES)
    if core.casefold().startswith("mailto:"):
        core = core[len("mailto:") :].split("?", 1)[0]
    core = core.strip(_EDGES)
    if not core or len(core) > MAX_EMAIL:
        return None
    try:
        return str(validate_email(core, check_deliverability=False).normalized)
    except EmailNotValidError:
        return None
