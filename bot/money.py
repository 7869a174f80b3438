"""Money in a group's own terms: the currency it counts in, how its amounts are written, and
reading an amount a person typed.

A group's currency comes from its time zone through Babel's copy of CLDR (zone → territory →
the territory's tender), and its amounts are written in its locale (the English of that
territory where CLDR has one, so a Cape Town club reads R12 500,00 and a London one
£4,800.00). Nothing here is a hand-kept table: a new currency or a changed convention comes
with the next Babel.
"""

from __future__ import annotations

import functools
import re
from decimal import Decimal

from babel import Locale, UnknownLocaleError, localedata
from babel.core import get_global
from babel.numbers import (
    NumberFormatError,
    format_currency,
    get_currency_precision,
    get_currency_symbol,
    get_group_symbol,
    get_territory_currencies,
    list_currencies,
    parse_decimal,
)

from bot.model import Group

MAX_AMOUNT_CENTS = 100_000_000_000  # a thousand million, in major units
FALLBACK_LOCALE = "en"  # a zone with no country (UTC): plain international English

# an amount: what stands before the number, the number, what stands after it
_AMOUNT = re.compile(r"(?P<pre>\D*?)(?P<num>\d(?:[\d.,'’\s]*\d)?)(?P<post>\D*)")
_SPACES = re.compile(r"[\s\u00a0\u202f]")
_MINUS = ("-", "−", "–")


# --- where a group is ------------------------------------------------------------------------
def territory(tz: str) -> str | None:
    """The country (ISO 3166 code) of an Area/City time zone, or None for UTC and the like."""
    name = get_global("zone_aliases").get(tz, tz)
    found = get_global("zone_territories").get(name)
    if not found or len(found) != 2 or not found.isalpha() or found == "ZZ":
        return None
    return str(found)


def country_name(where: str) -> str:
    """A country's name in English (GB → United Kingdom), as CLDR has it."""
    return str(Locale.parse(FALLBACK_LOCALE).territories.get(where, where))


def zone_currency(tz: str) -> str | None:
    """The currency people pay in where the zone is (Europe/London → GBP), if it has a place."""
    where = territory(tz)
    if where is None:
        return None
    tender = get_territory_currencies(where, tender=True)
    return str(tender[0]) if tender else None


def zone_locale(tz: str) -> str:
    """How amounts are written where the zone is (see `territory_locale`)."""
    where = territory(tz)
    return FALLBACK_LOCALE if where is None else territory_locale(where)


@functools.cache
def territory_locale(where: str) -> str:
    """A country's way of writing numbers: its English where CLDR has one (en_ZA, en_GB,
    en_DE), else its most spoken official language, else plain English."""
    if localedata.exists(f"en_{where}"):
        return f"en_{where}"
    spoken = get_global("territory_languages").get(where, {})
    ranked = sorted(
        spoken.items(),
        key=lambda kv: (not kv[1].get("official_status"), -(kv[1].get("population_percent") or 0)),
    )
    for language, _ in ranked:
        if localedata.exists(f"{language}_{where}"):
            return f"{language}_{where}"
    return FALLBACK_LOCALE


def locale_of(group: Group) -> str:
    """The group's own locale (the admin's or the config's), else its zone's."""
    return group.locale or zone_locale(group.tz)


def is_currency(code: str) -> bool:
    """A currency some country pays in today: not XXX ("no currency"), XTS (testing) or a
    unit of account like XDR, which Babel lists too."""
    return code in tender_currencies()


@functools.cache
def tender_currencies() -> frozenset[str]:
    return frozenset(
        str(code)
        for where in get_global("territory_currencies")
        for code in get_territory_currencies(where, tender=True)
    )


def known_locale(name: str) -> str | None:
    """A locale name as Babel knows it ("en-za" → "en_ZA"), or None."""
    try:
        parsed = Locale.parse(name.replace("-", "_"))
    except (ValueError, UnknownLocaleError):
        return None
    found = str(parsed)
    return found if localedata.exists(found) else None


# --- writing amounts -------------------------------------------------------------------------
def written(cents: int, currency: str, locale: str | None = None) -> str:
    """An amount as the group writes it: R12 500,00 in en_ZA, £4,800.00 in en_GB."""
    return str(
        format_currency(Decimal(cents).scaleb(-2), currency, locale=locale or FALLBACK_LOCALE)
    )


def plain(amount: str, currency: str) -> str:
    """A total for a spreadsheet ("5000.00" as stored) with the currency's own decimals:
    5000 for yen, which has no minor unit; 5000.00 for pounds."""
    places = _decimals(currency)
    return f"{Decimal(amount):.{places}f}"


def symbol(currency: str, locale: str | None = None) -> str:
    return str(get_currency_symbol(currency, locale=locale or FALLBACK_LOCALE))


# --- reading amounts -------------------------------------------------------------------------
class AmountProblem(Exception):
    """A typed amount that cannot be recorded. `reason` says why: not_amount, other_currency
    (`marker` is what named it), shorthand ("4k": `cents` is the whole number meant),
    not_positive, too_large, decimals (`decimals` allowed), plain (a number with neither
    currency nor decimals where that could be something else: `cents` is its value)."""

    def __init__(
        self, reason: str, marker: str = "", decimals: int = 2, cents: int | None = None
    ) -> None:
        super().__init__(reason)
        self.reason = reason
        self.marker = marker
        self.decimals = decimals
        self.cents = cents


# "4k", "4.8k", "£2m": shorthand a person means as a whole number (thousands, millions, …)
SHORTHAND = {"k": 3, "thousand": 3, "grand": 3, "m": 6, "mn": 6, "million": 6, "bn": 9}


def read(text: str, currency: str, locale: str, plain_ok: bool = True) -> int:
    """Read "£4,800", "R 12 500,00", "12.500,00 €" or "4800 GBP" in a group that counts in
    `currency` and writes amounts the `locale` way, in hundredths of its unit. Where a bare
    number could mean something else (`plain_ok` False), it must carry the currency or
    decimals. Raises AmountProblem."""
    s = text.strip()
    m = _AMOUNT.fullmatch(s)
    if not m:
        raise AmountProblem("not_amount")
    pre, post = m.group("pre").strip(), m.group("post").strip()
    negative = pre.endswith(_MINUS) or pre.startswith(_MINUS)
    pre = pre.strip("".join(_MINUS)).strip()
    shorthand = _shorthand(post, currency, locale)
    if shorthand is not None:
        post = ""
    for marker in (x for x in (pre, post) if x):
        _check_marker(marker, currency, locale)
    if negative:
        raise AmountProblem("not_positive")
    if shorthand is not None:
        value = _number(m.group("num"), "XXX", locale, most=3).scaleb(shorthand)
        whole = int(value * 100) if value * 100 <= MAX_AMOUNT_CENTS else None
        raise AmountProblem("shorthand", marker=m.group("post").strip(), cents=whole)
    value = _number(m.group("num"), currency, locale)
    if value <= 0:
        raise AmountProblem("not_positive")
    cents = int(value * 100)
    if cents > MAX_AMOUNT_CENTS:
        raise AmountProblem("too_large")
    if not plain_ok and not pre and not post and _places(value) == 0:
        raise AmountProblem("plain", cents=cents)
    return cents


def _shorthand(post: str, currency: str, locale: str) -> int | None:
    """The power of ten a trailing "k" or "million" stands for, unless it is the group's
    own currency sign (a kwacha group writes 500K)."""
    folded = post.casefold()
    if folded not in SHORTHAND or folded in {x.casefold() for x in own_symbols(currency, locale)}:
        return None
    return SHORTHAND[folded]


def _decimals(currency: str) -> int:
    """Decimals an amount may have: the currency's own, and no finer than a cent."""
    return min(int(get_currency_precision(currency)), 2)


def _number(num: str, currency: str, locale: str, most: int | None = None) -> Decimal:
    """The number the group's way (12 500,00 in en_ZA); else the way the bot's own examples
    write it (1,500.50); else the way the countries that pay in the currency write it, when
    they all read it alike (12.500,00 in a euro group whose locale is en_IE). Zeros after
    the point are no decimals: 4800.00 is a yen amount too."""
    most = _decimals(currency) if most is None else most
    too_fine = False
    for loc in dict.fromkeys((locale, FALLBACK_LOCALE)):
        value = _parsed(num, loc)
        if value is not None and _fits(value, most):
            return value
        too_fine = too_fine or value is not None
    readings = {_parsed(num, loc) for loc in home_locales(currency)} - {None}
    fitting = {v for v in readings if v is not None and _fits(v, most)}
    if len(fitting) == 1:
        return fitting.pop()
    raise AmountProblem("decimals" if too_fine or readings else "not_amount", decimals=most)


def _parsed(num: str, loc: str) -> Decimal | None:
    """`num` read the `loc` way; a space groups thousands in any locale (1 200, as the SI
    writes it), and strict parsing still refuses a space in the wrong place."""
    spaced = _SPACES.sub(get_group_symbol(loc), num)
    try:
        return parse_decimal(spaced, locale=loc, strict=True)
    except NumberFormatError:
        return None


def _fits(value: Decimal, most: int) -> bool:
    """At most `most` decimals that matter, and no more written than a cent's two: 4800.00
    is yen, but 18,500 in a group that writes decimals with a comma is not R18.50."""
    return _places(value) <= max(most, 2) and _places(value.normalize()) <= most


def _places(value: Decimal) -> int:
    return max(0, -int(value.as_tuple().exponent))


@functools.cache
def home_locales(currency: str) -> tuple[str, ...]:
    """The locales of the countries that pay in `currency`."""
    return tuple(
        dict.fromkeys(
            territory_locale(where)
            for where in get_global("territory_currencies")
            if currency in get_territory_currencies(where, tender=True)
        )
    )


def _check_marker(marker: str, currency: str, locale: str) -> None:
    """The group's own currency, however CLDR writes it ("Rs." as well as "Rs" and "₹" in
    an Indian group), passes; a code or symbol that is only another currency's is refused
    as such; anything else is no amount."""
    folded = marker.casefold()
    forms = {folded, folded.rstrip(".")}
    if forms & {s.casefold() for s in own_symbols(currency, locale)}:
        return
    if forms & {s.casefold() for s in symbols_anywhere().get(currency, ())}:
        return
    if marker.upper() in list_currencies() or forms & symbol_index():
        raise AmountProblem("other_currency", marker=marker)
    raise AmountProblem("not_amount")


@functools.cache
def symbols_anywhere() -> dict[str, frozenset[str]]:
    """Every symbol each currency has in any of CLDR's locales (INR: ₹, and Rs): read once,
    the first time an amount carries a sign that is not the group's usual one."""
    found: dict[str, set[str]] = {}
    for name in localedata.locale_identifiers():
        for code, sign in Locale.parse(name).currency_symbols.items():
            if sign.strip():
                found.setdefault(code, set()).add(sign)
    return {code: frozenset(signs) for code, signs in found.items()}


@functools.cache
def own_symbols(currency: str, locale: str) -> frozenset[str]:
    """Every way CLDR writes `currency`: its code, its symbol in the group's locale and in
    English, and its symbol at home in each country that pays in it (ZAR: "R")."""
    found = {currency, symbol(currency, locale), symbol(currency)}
    for where in get_global("territory_currencies"):
        if currency in get_territory_currencies(where, tender=True):
            home = territory_locale(where)
            found.add(symbol(currency, home))
    return frozenset(s for s in found if s.strip())


@functools.cache
def symbol_index() -> frozenset[str]:
    """Every currency symbol CLDR knows, casefolded (built once, on the first amount written
    with a symbol that is not the group's own)."""
    found = {symbol(code).casefold() for code in list_currencies()}
    for where in get_global("territory_currencies"):
        for code in get_territory_currencies(where, tender=True):
            found.add(symbol(code, territory_locale(where)).casefold())
    return frozenset(s for s in found if s.strip())
