"""Contact spheres: members type their classification however they like, and Rapport still
knows which power team they belong to, without ever filing them under the wrong trade."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.model import seat_key
from bot.spheres import Catalogue, Sphere, load_catalogue

HOME = "Home services"
PROPERTY = "Property"
BUSINESS = "Business services"
LEGAL = "Legal & financial"
HEALTH = "Health & wellness"
EVENTS = "Events & hospitality"
MARKETING = "Marketing & media"
MOTOR = "Motor & transport"
PERSONAL = "Personal services"


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return load_catalogue()


def where(catalogue: Catalogue, classification: str) -> tuple[str, str] | None:
    found = catalogue.match(classification)
    return None if found is None else (found[0].name, found[1])


# --- the packaged catalogue ------------------------------------------------------------------
def test_the_packaged_catalogue_has_the_spheres_a_chapter_expects(catalogue: Catalogue) -> None:
    names = [sphere.name for sphere in catalogue.spheres]
    assert len(names) >= 8
    for expected in (HOME, PROPERTY, BUSINESS, LEGAL, HEALTH, EVENTS, MARKETING, MOTOR, PERSONAL):
        assert expected in names
    for sphere in catalogue.spheres:
        assert sphere.description.strip(), sphere.name
        assert "\n" not in sphere.description, sphere.name
        assert len(sphere.trades) >= 5, sphere.name


def test_no_trade_sits_in_two_spheres(catalogue: Catalogue) -> None:
    home: dict[str, str] = {}
    for sphere in catalogue.spheres:
        for trade in sphere.trades:
            assert seat_key(trade) not in home, (trade, home.get(seat_key(trade)), sphere.name)
            home[seat_key(trade)] = sphere.name


def test_every_trade_matches_itself(catalogue: Catalogue) -> None:
    for sphere in catalogue.spheres:
        for trade in sphere.trades:
            assert where(catalogue, trade) == (sphere.name, trade)


def test_spheres_are_looked_up_by_name_whatever_the_case(catalogue: Catalogue) -> None:
    home = catalogue.sphere("  home   SERVICES ")
    assert isinstance(home, Sphere)
    assert home.name == HOME
    assert "plumber" in catalogue.trades_in(HOME)
    assert "roofer" in catalogue.trades_in("home services")
    assert catalogue.trades_in(PROPERTY)[0] == "residential estate agent"


def test_an_unknown_sphere_is_a_key_error_that_lists_the_real_ones(catalogue: Catalogue) -> None:
    with pytest.raises(KeyError, match="Home services"):
        catalogue.sphere("Space travel")
    with pytest.raises(KeyError, match="Space travel"):
        catalogue.trades_in("Space travel")


# --- matching what members actually type -----------------------------------------------------
MATCHES = [
    # exact and case
    ("Plumber", (HOME, "plumber")),
    ("ELECTRICIAN", (HOME, "electrician")),
    ("  interior   designer ", (HOME, "interior designer")),
    # plurals
    ("Plumbers", (HOME, "plumber")),
    ("Estate agents", (PROPERTY, "residential estate agent")),
    ("Printers", (BUSINESS, "printing")),
    ("Tyres", (MOTOR, "tyre fitter")),
    ("DJs", (EVENTS, "DJ")),
    # synonyms
    ("plumbing", (HOME, "plumber")),
    ("Roofing", (HOME, "roofer")),
    ("Conveyancer", (PROPERTY, "conveyancing attorney")),
    ("Bond originator", (PROPERTY, "mortgage broker")),
    ("Home loans", (PROPERTY, "mortgage broker")),
    ("Chartered accountant", (BUSINESS, "accountant")),
    ("Wealth management", (LEGAL, "financial planner")),
    ("Physio", (HEALTH, "physiotherapist")),
    ("Nutritionist", (HEALTH, "dietitian")),
    ("Flowers", (EVENTS, "florist")),
    ("Room hire", (EVENTS, "venue")),
    ("Wedding planner", (EVENTS, "event planner")),
    ("SEO", (MARKETING, "digital marketing")),
    ("PR", (MARKETING, "public relations")),
    ("Car hire", (MOTOR, "car rental")),
    ("Hair stylist", (PERSONAL, "hairdresser")),
    ("Vet", (PERSONAL, "veterinarian")),
    ("IT", (BUSINESS, "IT support")),
    ("Funeral cover", (LEGAL, "life insurance")),
    # qualifiers and extra words
    ("Residential plumbing", (HOME, "plumber")),
    ("Commercial plumbing", (HOME, "plumber")),
    ("Plumbing & drainage", (HOME, "plumber")),
    ("Commercial insurance broker", (BUSINESS, "commercial insurance")),
    ("Commercial insurance specialist", (BUSINESS, "commercial insurance")),
    ("Insurance, commercial", (BUSINESS, "commercial insurance")),
    ("Web design & hosting", (BUSINESS, "web design")),
    ("Wedding photographer", (EVENTS, "photographer")),
    ("Event photographer", (EVENTS, "photographer")),
    ("Sports massage", (HEALTH, "massage therapist")),
    ("Personal injury lawyer", (LEGAL, "attorney")),
    ("Family law attorney", (LEGAL, "attorney")),
    ("Estate planning attorney", (LEGAL, "wills and estates")),
    ("Residential property valuer", (PROPERTY, "property valuer")),
    ("Commercial real estate agent", (PROPERTY, "commercial property")),
    ("Mortgage broker for commercial property", (PROPERTY, "mortgage broker")),
    ("Accountant for dentists", (BUSINESS, "accountant")),
    ("Specialist in wedding photography", (EVENTS, "photographer")),
    ("Auto electrician", (MOTOR, "auto electrician")),
    ("Spray painter", (MOTOR, "panel beater")),
    ("Carpet cleaning", (HOME, "cleaning services")),
    ("Dry cleaning", (PERSONAL, "dry cleaner")),
    ("Cyber security", (BUSINESS, "IT support")),
    ("Dog training", (PERSONAL, "pet services")),
    ("Personal training", (HEALTH, "personal trainer")),
    # punctuation and accents
    ("Real-estate agent", (PROPERTY, "residential estate agent")),
    ("Short-term insurance", (LEGAL, "short-term insurance")),
    ("B&B", (EVENTS, "accommodation")),
    ("Décor hire", (EVENTS, "event hire")),
    ("Men’s grooming", (PERSONAL, "barber")),
    # small typos
    ("Plumbr", (HOME, "plumber")),
    ("Electrcian", (HOME, "electrician")),
    ("Acountant", (BUSINESS, "accountant")),
    ("Chiropracter", (HEALTH, "chiropractor")),
    ("Photografer", (EVENTS, "photographer")),
    ("Fotographer", (EVENTS, "photographer")),
    ("Finacial planner", (LEGAL, "financial planner")),
    ("Evnt planner", (EVENTS, "event planner")),
    ("Lawer", (LEGAL, "attorney")),
    ("Bankr", (BUSINESS, "banker")),
    # run together
    ("Eventplanner", (EVENTS, "event planner")),
    ("Webdesign", (BUSINESS, "web design")),
    ("Panelbeater", (MOTOR, "panel beater")),
]


@pytest.mark.parametrize(("classification", "expected"), MATCHES)
def test_a_members_classification_finds_its_sphere_and_trade(
    catalogue: Catalogue, classification: str, expected: tuple[str, str]
) -> None:
    assert where(catalogue, classification) == expected


def test_the_match_is_the_catalogues_own_sphere_and_trade(catalogue: Catalogue) -> None:
    found = catalogue.match("Residential plumbing")
    assert found is not None
    sphere, trade = found
    assert sphere is catalogue.sphere(HOME)
    assert trade in sphere.trades


# The distinguishing word must win: a shared word ("planner", "hire", "design") is never enough.
NEAR_MISSES = [
    ("Roofing", (HOME, "roofer")),
    ("Room hire", (EVENTS, "venue")),
    ("Financial planner", (LEGAL, "financial planner")),
    ("Event planner", (EVENTS, "event planner")),
    ("Retirement planning", (LEGAL, "financial planner")),
    ("Party planner", (EVENTS, "event planner")),
    ("Printer", (BUSINESS, "printing")),
    ("Painter", (HOME, "painter")),
    ("Baker", (EVENTS, "cake maker")),
    ("Banker", (BUSINESS, "banker")),
    ("Graphic design", (MARKETING, "graphic designer")),
    ("Interior design", (HOME, "interior designer")),
    ("Landscape design", (HOME, "landscaper")),
    ("Life coach", (PERSONAL, "life coach")),
    ("Business coach", (BUSINESS, "business coach")),
    ("Life insurance", (LEGAL, "life insurance")),
    ("Car insurance", (LEGAL, "short-term insurance")),
    ("Medical aid broker", (LEGAL, "medical aid broker")),
    ("Mortgage broker", (PROPERTY, "mortgage broker")),
    ("Physical therapist", (HEALTH, "physiotherapist")),
    ("Massage therapist", (HEALTH, "massage therapist")),
    ("Occupational therapist", (HEALTH, "occupational therapist")),
    ("Building inspector", (PROPERTY, "home inspector")),
    ("Travel agent", (EVENTS, "travel agent")),
    ("Letting agent", (PROPERTY, "property manager")),
    # one shared word alone names no trade
    ("Planner", None),
    ("Designer", None),
    ("Therapist", None),
    ("Insurance", None),
    ("Broker", None),
    ("Agent", None),
    ("Consultant", None),
    ("Hire", None),
    # nothing like any trade
    ("Astronaut", None),
    ("Roof", None),
    ("", None),
    ("   ", None),
    ("&&&", None),
]


@pytest.mark.parametrize(("classification", "expected"), NEAR_MISSES)
def test_a_shared_word_never_files_a_member_under_the_wrong_trade(
    catalogue: Catalogue, classification: str, expected: tuple[str, str] | None
) -> None:
    assert where(catalogue, classification) == expected


def test_matching_gives_the_same_answer_every_time() -> None:
    first, second = load_catalogue(), load_catalogue()
    for classification, _ in MATCHES + NEAR_MISSES:
        assert where(first, classification) == where(second, classification)


# --- a chapter's own catalogue ---------------------------------------------------------------
GOOD = """
[[sphere]]
name = "Wine country"
description = "Everyone a wine farm calls."

[sphere.trades]
sommelier = ["wine steward"]
"wine farm" = ["vineyard", "winery"]
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "chapter_spheres.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_chapter_can_ship_its_own_catalogue(tmp_path: Path) -> None:
    own = load_catalogue(write(tmp_path, GOOD))
    assert [sphere.name for sphere in own.spheres] == ["Wine country"]
    assert own.trades_in("Wine country") == ("sommelier", "wine farm")
    assert where(own, "Boutique wineries") == ("Wine country", "wine farm")
    assert where(own, "Plumber") is None
    assert load_catalogue(str(write(tmp_path, GOOD))).spheres == own.spheres


def sphere_toml(name: str, trades: str, description: str = "A test sphere.") -> str:
    return (
        f'[[sphere]]\nname = "{name}"\ndescription = "{description}"\n\n[sphere.trades]\n{trades}\n'
    )


BAD = [
    (
        '[[sphere]]\ndescription = "No name here."\n[sphere.trades]\nplumber = []\n',
        "sphere #1 has no name",
    ),
    (sphere_toml("Home", "", description="Trades."), "sphere 'Home' has no trades"),
    ('[[sphere]]\nname = "Home"\ndescription = "Trades."\n', "sphere 'Home' has no trades"),
    (sphere_toml("Home", "plumber = []", description=" "), "sphere 'Home' has no description"),
    (
        sphere_toml("Home", "plumber = []") + sphere_toml("Property", "plumber = []"),
        "trade 'plumber' is listed in two spheres, 'Home' and 'Property'",
    ),
    (
        sphere_toml("Home", "Plumber = []") + sphere_toml("Property", "plumbers = []"),
        "would name two trades: 'Plumber' in 'Home' and 'plumbers' in 'Property'",
    ),
    (
        sphere_toml("Home", 'plumber = ["drains"]\n"drain cleaner" = ["drains"]'),
        "'drains' (read as 'drain') would name two trades",
    ),
    (
        sphere_toml("Home", "plumber = []") + sphere_toml("home", "roofer = []"),
        "sphere 'home' is listed twice",
    ),
    (sphere_toml("Home", 'plumber = "plumbing"'), "trade 'plumber' in sphere 'Home' needs a list"),
    (sphere_toml("Home", 'plumber = ["&"]'), "'&' (in 'Home') has no words to match"),
    (
        sphere_toml("Home", "plumber = []").replace("description", "descripton"),
        "sphere 'Home' has unknown key(s) descripton",
    ),
    ('[[spheres]]\nname = "Home"\n', "unknown top-level key(s) spheres"),
    ("", "no [[sphere]] tables"),
    ('[[sphere]]\nname = "Home\n', "not valid TOML"),
]


@pytest.mark.parametrize(("text", "problem"), BAD)
def test_a_broken_catalogue_says_which_file_and_what_is_wrong(
    tmp_path: Path, text: str, problem: str
) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ValueError) as caught:
        load_catalogue(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: ")
    assert problem in message
