"""Contact spheres: which trades serve the same clients, so a chapter can see its power teams.

A member's classification is free text ("Residential plumbing", "Web design & hosting"),
so `Catalogue.match` places it in the shipped catalogue (bot/data/spheres.toml) by its
words: every word of a trade or synonym must appear in the classification, spelled alike
or nearly so. Extra qualifier words are allowed; a missing distinguishing word is not,
which keeps "Financial planner" away from "Event planner".
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher, get_close_matches
from importlib.resources import files
from itertools import pairwise
from pathlib import Path

from bot.model import seat_key

# Words that never tell one trade from another.
_STOPWORDS = frozenset({"a", "an", "and", "at", "by", "for", "in", "of", "on", "or", "the", "to"})
# A misspelt word counts as a catalogue word when difflib rates them this close. Four-letter
# words need an insertion or deletion at most ("evnt"); "roof" is never "room".
_TYPO_CUTOFF = 0.8
_TYPO_MIN_LEN = 4
# Words after which a classification names its clients, not its trade.
_CLIENTELE = re.compile(r"\b(?:for|to|in|with|serving)\b")
# For run-together classifications ("Eventplanner") compared letter by letter.
_RUN_TOGETHER_CUTOFF = 0.88


@dataclass(frozen=True)
class Sphere:
    """A contact sphere: trades that share clients without competing for them."""

    name: str
    description: str
    trades: tuple[str, ...]


@dataclass(frozen=True)
class _Alias:
    """One way of naming a trade (the trade itself or a synonym), as comparable words."""

    words: tuple[str, ...]
    trade: str
    sphere: Sphere


def _words(text: str) -> tuple[str, ...]:
    """The comparable words of a classification: folded case and accents, no punctuation,
    no filler words, plurals made singular. Shared by catalogue and members alike, so
    "Plumbers" and "plumber", "Décor" and "decor", "B&B" and "b and b" compare equal."""
    folded = unicodedata.normalize("NFKD", seat_key(text))
    plain = "".join(c for c in folded if not unicodedata.combining(c))
    plain = plain.replace("&", " and ").replace("'", "").replace("’", "")
    out: list[str] = []
    for word in "".join(c if c.isalnum() else " " for c in plain).split():
        if word not in _STOPWORDS:
            out.append(_singular(word))
    return tuple(out)


def _singular(word: str) -> str:
    """A crude English singular. It need not be right, only the same on both sides."""
    if len(word) < 3 or word.endswith(("ss", "us", "is")):
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith("ie") and len(word) > 4:  # "cookie" meets "cookies" → "cooky"
        return word[:-2] + "y"
    if word.endswith(("sses", "ches", "shes", "xes")):
        return word[:-2]
    if word.endswith("s"):
        return word[:-1]
    return word


class Catalogue:
    """The contact spheres and the words each trade goes by.

    Build one with `load_catalogue`; the constructor refuses a catalogue in which the same
    words would name trades in two places, because `match` could then place a member
    in either.
    """

    def __init__(self, spheres: Sequence[Sphere], synonyms: Mapping[str, Sequence[str]]) -> None:
        self._spheres = tuple(spheres)
        self._by_name: dict[str, Sphere] = {}
        aliases: dict[tuple[str, ...], _Alias] = {}
        for sphere in self._spheres:
            key = seat_key(sphere.name)
            if key in self._by_name:
                raise ValueError(f"sphere {sphere.name!r} is listed twice")
            self._by_name[key] = sphere
            if not sphere.trades:
                raise ValueError(f"sphere {sphere.name!r} has no trades")
            for trade in sphere.trades:
                for said in (trade, *synonyms.get(trade, ())):
                    said_words = _words(said)
                    if not said_words:
                        raise ValueError(f"{said!r} (in {sphere.name!r}) has no words to match")
                    seen = aliases.get(said_words)
                    if seen is None:
                        aliases[said_words] = _Alias(said_words, trade, sphere)
                    elif (seen.trade, seen.sphere.name) != (trade, sphere.name):
                        raise ValueError(_clash(said, trade, sphere, seen))
        self._aliases = tuple(aliases.values())
        # How many trades use a word: a word only one trade uses is the one that tells trades apart.
        trades_using: dict[str, set[str]] = {}
        for alias in self._aliases:
            for word in alias.words:
                trades_using.setdefault(word, set()).add(alias.trade)
        self._weight = {word: 1 / len(trades) for word, trades in trades_using.items()}
        self._typo_vocabulary = sorted(w for w in self._weight if len(w) >= _TYPO_MIN_LEN)

    @property
    def spheres(self) -> tuple[Sphere, ...]:
        return self._spheres

    def sphere(self, name: str) -> Sphere:
        """The sphere called `name`, whatever its case or spacing. KeyError names the choices."""
        try:
            return self._by_name[seat_key(name)]
        except KeyError:
            known = ", ".join(s.name for s in self._spheres)
            raise KeyError(f"no sphere called {name!r}; the spheres are {known}") from None

    def trades_in(self, sphere_name: str) -> tuple[str, ...]:
        """The canonical trades of one sphere, in catalogue order: the seats a power team fills."""
        return self.sphere(sphere_name).trades

    def match(self, classification: str) -> tuple[Sphere, str] | None:
        """The sphere and canonical trade a member's classification belongs to, or None.

        None means the words name no trade in the catalogue, or name two trades equally
        well, so a caller never files a member under a guess it cannot explain.
        """
        # "Mortgage broker for commercial property": what follows "for" is the clientele.
        head = _CLIENTELE.split(seat_key(classification), maxsplit=1)[0]
        if head != seat_key(classification):
            found = self._match_words(_words(head))
            if found is not None:
                return found
        return self._match_words(_words(classification))

    def _match_words(self, said: tuple[str, ...]) -> tuple[Sphere, str] | None:
        if not said:
            return None
        candidates = [self._spellings(word) for word in said]
        best: dict[str, tuple[tuple[float, ...], _Alias]] = {}
        for alias in self._aliases:
            score = self._score(alias, candidates)
            if score is not None and (alias.trade not in best or score > best[alias.trade][0]):
                best[alias.trade] = (score, alias)
        if not best:
            return self._run_together(said)
        ranked = sorted(best.values(), key=lambda pair: pair[0], reverse=True)
        if len(ranked) > 1 and ranked[0][0] == ranked[1][0]:
            return None
        winner = ranked[0][1]
        return winner.sphere, winner.trade

    def _spellings(self, word: str) -> dict[str, float]:
        """Catalogue words this classification word may stand for, with how alike they are.
        A correctly spelt catalogue word stands only for itself: "printer" is never "painter"."""
        if word in self._weight or len(word) < _TYPO_MIN_LEN:
            return {word: 1.0}
        close = get_close_matches(word, self._typo_vocabulary, n=5, cutoff=_TYPO_CUTOFF)
        return {c: SequenceMatcher(None, word, c).ratio() for c in close}

    def _score(
        self, alias: _Alias, candidates: Sequence[Mapping[str, float]]
    ) -> tuple[float, ...] | None:
        """How well the classification names this alias, or None when one of its words is
        missing. Higher is better: more words matched, better spelt, in the alias's own
        order, more distinctive words, then the one naming the last word, which in English
        is the head: a "Residential property valuer" is a valuer."""
        used: list[int] = []
        likeness = 0.0
        for word in alias.words:
            options = [
                (candidates[i][word], -i)
                for i in range(len(candidates))
                if i not in used and word in candidates[i]
            ]
            if not options:
                return None
            alike, neg_at = max(options)
            used.append(-neg_at)
            likeness += alike
        in_order = sum(1 for a, b in pairwise(used) if b == a + 1)
        distinct = sum(self._weight[word] for word in alias.words)
        return (len(alias.words), round(likeness, 6), in_order, round(distinct, 6), max(used))

    def _run_together(self, said: tuple[str, ...]) -> tuple[Sphere, str] | None:
        """Last resort for words typed without spaces ("Webdesign", "Eventplanner")."""
        joined = "".join(said)
        if len(joined) < 5:
            return None
        scored: dict[str, tuple[float, _Alias]] = {}
        for alias in self._aliases:
            ratio = SequenceMatcher(None, joined, "".join(alias.words)).ratio()
            if ratio >= _RUN_TOGETHER_CUTOFF and ratio > scored.get(alias.trade, (0.0,))[0]:
                scored[alias.trade] = (ratio, alias)
        ranked = sorted(scored.values(), key=lambda pair: pair[0], reverse=True)
        if not ranked or (len(ranked) > 1 and ranked[0][0] == ranked[1][0]):
            return None
        return ranked[0][1].sphere, ranked[0][1].trade


def _clash(said: str, trade: str, sphere: Sphere, seen: _Alias) -> str:
    """Why the same words cannot name two trades, in the catalogue editor's terms."""
    if seen.trade == trade:
        return f"trade {trade!r} is listed in two spheres, {seen.sphere.name!r} and {sphere.name!r}"
    return (
        f"{said!r} (read as {' '.join(seen.words)!r}) would name two trades:"
        f" {seen.trade!r} in {seen.sphere.name!r} and {trade!r} in {sphere.name!r}"
    )


def load_catalogue(path: str | Path | None = None) -> Catalogue:
    """Read a sphere catalogue: the one Rapport ships, or a chapter's own file.

    A chapter may keep its own catalogue, so a mistake in it is reported as a ValueError
    that names the file and the sphere or trade at fault, not as a KeyError deep inside.
    """
    if path is None:
        source = "bot/data/spheres.toml"
        text = files("bot.data").joinpath("spheres.toml").read_text(encoding="utf-8")
    else:
        source = str(path)
        text = Path(path).read_text(encoding="utf-8")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as problem:
        raise ValueError(f"{source}: not valid TOML: {problem}") from None
    try:
        spheres, synonyms = _read(data)
        return Catalogue(spheres, synonyms)
    except ValueError as problem:
        raise ValueError(f"{source}: {problem}") from None


def _read(data: Mapping[str, object]) -> tuple[list[Sphere], dict[str, list[str]]]:
    """Check the file's shape and turn it into spheres and each trade's synonyms."""
    unknown = set(data) - {"sphere"}
    if unknown:
        raise ValueError(
            f"unknown top-level key(s) {', '.join(sorted(unknown))}; expected [[sphere]]"
        )
    raw_spheres = data.get("sphere")
    if not isinstance(raw_spheres, list) or not raw_spheres:
        raise ValueError("no [[sphere]] tables")
    spheres: list[Sphere] = []
    synonyms: dict[str, list[str]] = {}
    for number, raw in enumerate(raw_spheres, start=1):
        if not isinstance(raw, dict):
            raise ValueError(f"sphere #{number} is not a table")
        name = raw.get("name")
        if not isinstance(name, str) or not name.strip():
            raise ValueError(f"sphere #{number} has no name")
        label = f"sphere {name!r}"
        extra = set(raw) - {"name", "description", "trades"}
        if extra:
            raise ValueError(f"{label} has unknown key(s) {', '.join(sorted(extra))}")
        description = raw.get("description")
        if not isinstance(description, str) or not description.strip():
            raise ValueError(f"{label} has no description")
        trades = raw.get("trades")
        if not isinstance(trades, dict) or not trades:
            raise ValueError(f"{label} has no trades")
        for trade, also in trades.items():
            if not trade.strip():
                raise ValueError(f"{label} has a trade with no name")
            if not isinstance(also, list) or not all(isinstance(s, str) for s in also):
                raise ValueError(
                    f"trade {trade!r} in {label} needs a list of synonyms ([] for none)"
                )
            synonyms.setdefault(trade.strip(), []).extend(also)
        spheres.append(Sphere(name.strip(), description.strip(), tuple(t.strip() for t in trades)))
    return spheres, synonyms
