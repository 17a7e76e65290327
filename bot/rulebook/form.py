"""The rules as a form: each setting with a one-line explanation, its type and its limits, and
the checks of ``gemist rules check`` with each problem at the setting it is about.

The explanations are Dutch, the source language, marked with :func:`N_` so that ``pybabel``
finds them for the gettext domain ``rules_form`` (``locales/<lang>/LC_MESSAGES/rules_form.po``;
English and French are translated). :func:`describe` gives them in a reader's language; a line
without a translation stays Dutch. Catalog work, from the repository root::

    pybabel extract -k N_ --no-location --sort-output --width=100 --project=Gemist \\
        -o locales/rules_form.pot bot/rulebook/form.py
    pybabel update -i locales/rules_form.pot -d locales -D rules_form --width=100 \\
        --no-fuzzy-matching --ignore-obsolete

The limits listed here are those the rules themselves enforce (:mod:`bot.rules`); the tests
hold each one to the validation, so a form never offers a value the bot would refuse. The
problems (:func:`check_text`, :func:`check_values`) are the English lines of ``gemist rules
check``, without the file name.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from io import BytesIO
from pathlib import Path
from typing import Any

import yaml
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

from bot.rules import CLB_HALF_DAYS, WEEKDAY_NAMES, Rules, RulesError, parse_rules, rules_from
from bot.rules import format_duration as _duration

__all__ = [
    "DOMAIN",
    "SETTINGS",
    "FieldProblem",
    "Kind",
    "Setting",
    "check_text",
    "check_values",
    "describe",
    "form_values",
    "rules_text",
]

DOMAIN = "rules_form"
LOCALES_DIR = Path(__file__).resolve().parent.parent.parent / "locales"


def N_(text: str) -> str:
    """Mark ``text`` for the ``rules_form`` catalog; it is translated by :func:`describe`."""
    return text


class Kind(StrEnum):
    """What a form field holds, and so how its text is read."""

    YES_NO = "yes_no"
    WHOLE = "whole"  # a whole number
    WHOLE_OR_OFF = "whole_or_off"  # a whole number, or off
    TIME = "time"  # HH:MM
    DURATION = "duration"  # 2h, 90m
    PERCENT = "percent"
    CHOICE = "choice"
    WEEKDAYS = "weekdays"
    SWITCH = "switch"  # a section that is on (with the settings below it) or off
    CAP = "cap"  # per_day and per_week below it, or none
    STAFF_TIMES = "staff_times"  # a time of day per staff id
    LIST = "list"  # entries (pauses, do-not-contact), edited apart


@dataclass(frozen=True, slots=True)
class Setting:
    """One setting of the rules file as a form shows it."""

    path: str
    """Its key in the file, dotted: ``guardian.grace_period``."""
    explanation: str
    """One line in Dutch (the catalog's source); :func:`describe` translates it."""
    kind: Kind
    minimum: int | str | None = None
    """The smallest value allowed (a duration as the file writes it: ``15m``)."""
    maximum: int | str | None = None
    legal: str | None = None
    """Why the maximum is what it is, when the law sets it."""
    choices: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        """The key's last part: what the file calls it."""
        return self.path.rsplit(".", 1)[-1]


_CODES = (
    ("B", N_("B (problematisch afwezig)")),
    ("unknown", N_("- (code nog niet gekend)")),
    ("Z", N_("Z (ziek)")),
    ("R", N_("R (van rechtswege gewettigd, ook uitsluiting)")),
    ("P", N_("P (persoonlijke redenen)")),
    ("M", N_("M (medisch)")),
    ("H", N_("H (huiselijke omstandigheden)")),
    ("A", N_("A (nog niet leerplichtig)")),
)
_STEPS = (
    (
        "pupil_checkin",
        N_("Een zorgzaam bericht aan de leerling op de eerste dag van de afwezigheid."),
    ),
    (
        "guardian",
        N_(
            "Een bericht aan de ouders: een vraag bij een onverklaarde afwezigheid, "
            "anders een zorgbericht."
        ),
    ),
    ("teacher_welcome", N_("Een herinnering aan de leerkrachten om de leerling welkom te heten.")),
    (
        "coordinator",
        N_("De afwezigheid telt mee in het overzicht en de signalen van de spilfiguur."),
    ),
)
CODE_LABELS: Mapping[str, str] = dict(_CODES)
"""Each code of ``codes`` with its meaning, for the heading of its four switches."""

_ON_OFF = ("hold", "send")
_W = Kind.WHOLE

SETTINGS: tuple[Setting, ...] = (
    *(
        Setting(f"codes.{code}.{step}", explanation, Kind.YES_NO)
        for code, _ in _CODES
        for step, explanation in _STEPS
    ),
    Setting(
        "long_absence.school_days",
        N_("Zoveel schooldagen na elkaar afwezig is een lange afwezigheid."),
        _W,
        minimum=2,
    ),
    Setting(
        "pupil.min_age",
        N_("Jongere leerlingen krijgen zelf geen bericht: hun ouders horen het eerst."),
        _W,
        minimum=6,
        maximum=18,
    ),
    Setting(
        "pupil.checkin_at",
        N_("Het uur van het bericht aan de leerling op de eerste dag van de afwezigheid."),
        Kind.TIME,
    ),
    Setting(
        "pupil.afternoon_starts_at",
        N_("Begint een afwezigheid 's middags, dan gaat het bericht niet vroeger dan dit uur."),
        Kind.TIME,
    ),
    Setting(
        "pupil.followup_every_school_days",
        N_("Tijdens een lange afwezigheid: om de zoveel schooldagen een nieuw bericht."),
        _W,
        minimum=1,
    ),
    Setting(
        "pupil.max_followups",
        N_("Hoeveel nieuwe berichten aan de leerling ten hoogste (0: geen)."),
        _W,
        minimum=0,
        maximum=20,
    ),
    Setting(
        "guardian.grace_period",
        N_("Zo lang heeft de leerling om te antwoorden voor de ouders een bericht krijgen."),
        Kind.DURATION,
        minimum="15m",
        maximum="24h",
    ),
    Setting(
        "guardian.when_pupil_asks_for_help",
        N_(
            "Vraagt de leerling om hulp: het bericht aan de ouders wacht op de spilfiguur "
            "(hold) of gaat toch (send)."
        ),
        Kind.CHOICE,
        choices=_ON_OFF,
    ),
    Setting(
        "guardian.followup_after_school_days",
        N_("Antwoordt niemand, dan krijgen de ouders na zoveel schooldagen een nieuw bericht."),
        _W,
        minimum=1,
    ),
    Setting(
        "guardian.max_followups",
        N_("Hoeveel nieuwe berichten aan de ouders ten hoogste (0: geen)."),
        _W,
        minimum=0,
        maximum=20,
    ),
    Setting(
        "guardian.care_on_school_day",
        N_("Op deze schooldag van een gewettigde afwezigheid krijgen de ouders een zorgbericht."),
        _W,
        minimum=1,
    ),
    Setting(
        "teacher.welcome_day_before_at",
        N_("Het uur van de welkomherinnering, de schooldag voor een gekende terugkeer."),
        Kind.TIME,
    ),
    Setting(
        "teacher.welcome_on_return",
        N_("Terugkeer niet gekend: een welkomherinnering de ochtend dat de leerling terug is."),
        Kind.YES_NO,
    ),
    Setting(
        "coordinator.digest_at",
        N_("Het uur van het dagelijkse overzicht voor de spilfiguur."),
        Kind.TIME,
    ),
    Setting(
        "coordinator.digest_at_for",
        N_("Een eigen uur voor het dagelijkse overzicht, per personeelslid."),
        Kind.STAFF_TIMES,
    ),
    Setting(
        "coordinator.reminder_after_school_days",
        N_("Een signaal dat niemand bekeek, komt na zoveel schooldagen terug."),
        _W,
        minimum=1,
    ),
    Setting(
        "coordinator.max_reminders",
        N_("Hoe vaak een signaal ten hoogste terugkomt (0: nooit)."),
        _W,
        minimum=0,
        maximum=20,
    ),
    Setting(
        "nudges.problematic_half_days",
        N_("Vanaf deze problematische halve dag (B) van het schooljaar het CLB betrekken."),
        _W,
        minimum=1,
        maximum=CLB_HALF_DAYS,
        legal=N_("De wet vraagt het CLB te betrekken vanaf de 5de problematische halve dag."),
    ),
    Setting(
        "nudges.absent_half_days",
        N_("Een signaal bij zoveel afwezige halve dagen dit schooljaar, gewettigd of niet."),
        Kind.WHOLE_OR_OFF,
        minimum=1,
    ),
    Setting(
        "nudges.no_answer_after_school_days",
        N_("Een signaal als niemand antwoordde na zoveel schooldagen."),
        _W,
        minimum=1,
    ),
    Setting(
        "nudges.patterns.same_weekday",
        N_("Een signaal als een leerling vaak op dezelfde weekdag afwezig is."),
        Kind.SWITCH,
    ),
    Setting(
        "nudges.patterns.same_weekday.times",
        N_("Zoveel keer afwezig op dezelfde weekdag."),
        _W,
        minimum=2,
    ),
    Setting(
        "nudges.patterns.same_weekday.within_weeks",
        N_("Binnen zoveel weken."),
        _W,
        minimum=1,
        maximum=52,
    ),
    Setting(
        "nudges.patterns.same_weekday.max_school_days",
        N_("Alleen afwezigheden van ten hoogste zoveel schooldagen tellen mee."),
        _W,
        minimum=1,
    ),
    Setting(
        "nudges.patterns.after_holiday",
        N_("Een signaal als een leerling afwezig is op de eerste schooldag na een vakantie."),
        Kind.SWITCH,
    ),
    Setting(
        "nudges.patterns.after_holiday.times",
        N_("Zoveel keer in een schooljaar."),
        _W,
        minimum=1,
    ),
    Setting(
        "nudges.patterns.after_holiday.min_closed_days",
        N_("Na minstens zoveel dagen zonder lessen (3: vakanties en lange weekends)."),
        _W,
        minimum=2,
    ),
    Setting(
        "nudges.patterns.short_absences",
        N_("Een signaal bij veel korte afwezigheden."),
        Kind.SWITCH,
    ),
    Setting(
        "nudges.patterns.short_absences.episodes",
        N_("Zoveel korte afwezigheden."),
        _W,
        minimum=2,
    ),
    Setting(
        "nudges.patterns.short_absences.max_school_days",
        N_("Een afwezigheid van ten hoogste zoveel schooldagen is kort."),
        _W,
        minimum=1,
    ),
    Setting(
        "nudges.patterns.short_absences.within_weeks",
        N_("Binnen zoveel weken."),
        _W,
        minimum=1,
        maximum=52,
    ),
    Setting("delivery.not_before", N_("Geen berichten voor dit uur."), Kind.TIME),
    Setting("delivery.not_after", N_("Geen berichten vanaf dit uur."), Kind.TIME),
    Setting(
        "delivery.weekdays",
        N_("Berichten gaan alleen op deze weekdagen, en alleen op schooldagen."),
        Kind.WEEKDAYS,
        choices=WEEKDAY_NAMES,
    ),
    Setting(
        "delivery.expire_after",
        N_(
            "Een bericht dat zo lang na zijn tijd nog niet weg is, vervalt in plaats van laat "
            "te komen."
        ),
        Kind.DURATION,
        minimum="1h",
        maximum="48h",
    ),
    *(
        Setting(f"caps.{role}", explanation, Kind.CAP)
        for role, explanation in (
            ("pupil", N_("Ten hoogste zoveel berichten per dag en per week aan een leerling.")),
            ("guardian", N_("Ten hoogste zoveel berichten per dag en per week aan een ouder.")),
            ("teacher", N_("Ten hoogste zoveel berichten per dag en per week aan een leerkracht.")),
            (
                "coordinator",
                N_("Ten hoogste zoveel signalen per dag en per week aan een spilfiguur."),
            ),
        )
    ),
    *(
        Setting(f"caps.{role}.{part}", explanation, _W, minimum=1)
        for role in ("pupil", "guardian", "teacher", "coordinator")
        for part, explanation in (
            ("per_day", N_("Per dag.")),
            ("per_week", N_("Per week (maandag tot zondag).")),
        )
    ),
    Setting(
        "hold.school_percent",
        N_("Is meer dan dit deel van de school afwezig, dan wacht alles tot iemand het vrijgeeft."),
        Kind.PERCENT,
        minimum=0,
        maximum=100,
    ),
    Setting(
        "hold.class_percent",
        N_("Is meer dan dit deel van een klas afwezig, dan wacht alles voor die klas."),
        Kind.PERCENT,
        minimum=0,
        maximum=100,
    ),
    Setting(
        "hold.min_class_size",
        N_("Alleen voor klassen met minstens zoveel leerlingen."),
        _W,
        minimum=1,
    ),
    Setting(
        "hold.min_school_size",
        N_("Alleen voor scholen met minstens zoveel leerlingen."),
        _W,
        minimum=1,
    ),
    Setting(
        "pauses",
        N_("Leerlingen over wie een tijd geen berichten gaan (de spilfiguur blijft ze zien)."),
        Kind.LIST,
    ),
    Setting(
        "do_not_contact",
        N_("Ouders die geen berichten krijgen (over alle kinderen, of over een)."),
        Kind.LIST,
    ),
)
"""Every setting, in the order of the rules file (docs/rules.md)."""

_BY_PATH = {setting.path: setting for setting in SETTINGS}


# --- the reader's language ---------------------------------------------------------------------


class _Catalogs:
    """The ``rules_form`` catalogs, compiled in memory at first use (as the web pages' are);
    an entry still marked fuzzy is left out, so an unreviewed line stays Dutch."""

    def __init__(self, root: Path = LOCALES_DIR) -> None:
        self.root = root
        self._loaded: dict[str, NullTranslations] = {}
        self._lock = threading.Lock()

    def get(self, lang: str) -> NullTranslations:
        with self._lock:
            if lang not in self._loaded:
                self._loaded[lang] = self._load(lang)
            return self._loaded[lang]

    def _load(self, lang: str) -> NullTranslations:
        path = self.root / lang / "LC_MESSAGES" / f"{DOMAIN}.po"
        if not re.fullmatch(r"[a-z]{2,3}", lang) or not path.is_file():
            return NullTranslations()
        with path.open("rb") as handle:
            catalog = read_po(handle, locale=lang, domain=DOMAIN)
        compiled = BytesIO()
        write_mo(compiled, catalog, use_fuzzy=False)
        compiled.seek(0)
        return Translations(compiled, domain=DOMAIN)


_CATALOGS = _Catalogs()


@dataclass(frozen=True, slots=True)
class Described:
    """A setting in a reader's language, with its value in the rules shown."""

    setting: Setting
    explanation: str
    legal: str | None
    value: str | None


def describe(lang: str = "nl", rules: Rules | None = None) -> list[Described]:
    """Every setting with its explanation in ``lang`` (``nl``, ``en``, ``fr``; Dutch for a line
    or a language without a translation) and its value in ``rules`` as a form shows it."""
    translations = _CATALOGS.get(lang)
    values = form_values(rules) if rules is not None else {}
    return [
        Described(
            setting,
            translations.gettext(setting.explanation),
            translations.gettext(setting.legal) if setting.legal else None,
            values.get(setting.path),
        )
        for setting in SETTINGS
    ]


def code_label(code: str, lang: str = "nl") -> str:
    """The heading of a code's switches (``codes.Z``) in ``lang``."""
    return _CATALOGS.get(lang).gettext(CODE_LABELS[code])


# --- values as a form shows them ----------------------------------------------------------------


def form_values(rules: Rules) -> dict[str, str]:
    """The value of every setting but the lists, as the text a form field holds."""
    data = rules.model_dump()
    found: dict[str, str] = {}
    for setting in SETTINGS:
        if setting.kind is Kind.LIST:
            continue
        value = _at(data, setting.path)
        if setting.kind is Kind.SWITCH or setting.kind is Kind.CAP:
            found[setting.path] = "on" if value is not None else "off"
        elif value is not None or setting.kind is Kind.WHOLE_OR_OFF:
            found[setting.path] = _shown(setting, value)
    return found


def _at(data: Any, path: str) -> Any:
    for part in path.split("."):
        if not isinstance(data, dict):
            return None
        data = data.get(part)
    return data


def _shown(setting: Setting, value: Any) -> str:
    kind = setting.kind
    if kind is Kind.YES_NO:
        return "true" if value else "false"
    if kind is Kind.TIME:
        return f"{value:%H:%M}"
    if kind is Kind.DURATION:
        return _duration(value)
    if kind is Kind.WEEKDAYS:
        return ",".join(WEEKDAY_NAMES[day] for day in value)
    if kind is Kind.WHOLE_OR_OFF:
        return "off" if value is None else str(value)
    if kind is Kind.PERCENT:
        return f"{value:g}"
    if kind is Kind.STAFF_TIMES:
        return ",".join(f"{staff}={moment:%H:%M}" for staff, moment in sorted(value.items()))
    return str(value)


# --- checking -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FieldProblem:
    """One problem, at the setting it is about (``path``; ``None`` for the text as a whole,
    such as a YAML syntax error, whose ``message`` then says the line)."""

    path: str | None
    message: str


def _problems(err: RulesError) -> list[FieldProblem]:
    found = []
    for problem in err.problems:
        if not problem.key or problem.key == "(top)":
            found.append(FieldProblem(None, problem.message))
        elif problem.key.startswith("line "):
            found.append(FieldProblem(None, f"{problem.key}: {problem.message}"))
        else:
            found.append(FieldProblem(problem.key, problem.message))
    return found


def check_text(text: str) -> tuple[Rules | None, list[FieldProblem]]:
    """The rules in ``text`` and no problems, or ``None`` and every problem: the same checks and
    words as ``gemist rules check``, each at its setting."""
    try:
        return parse_rules(text), []
    except RulesError as err:
        return None, _problems(err)


_WHOLE = re.compile(r"[+-]?\d+")
_TRUE = {"true", "yes", "on", "1", "ja", "oui"}
_FALSE = {"false", "no", "off", "0", "nee", "non", ""}


def check_values(
    values: Mapping[str, str], base: Rules | None = None
) -> tuple[Rules | None, list[FieldProblem]]:
    """The rules a form's fields give, on top of ``base`` (the rules in force): fields by
    :attr:`Setting.path`, each the text a person typed. Checked as :func:`check_text` checks a
    file; a field that is not a setting is a problem at its own name."""
    data = _as_written((base or Rules.default()).model_dump())
    unknown = [FieldProblem(path, "not a setting") for path in values if path not in _BY_PATH]
    if unknown:
        return None, unknown
    # A switch or a cap turned off wins over the fields below it; one turned on keeps them.
    for path in sorted(values, key=lambda key: key.count(".")):
        setting = _BY_PATH[path]
        if setting.kind is Kind.LIST:
            continue
        _put(data, path, _read(setting, values[path], _at(data, path)))
    try:
        return rules_from(data, "form"), []
    except RulesError as err:
        return None, _problems(err)


def _as_written(data: dict[str, Any]) -> dict[str, Any]:
    """``model_dump()`` as the rules accept it back: weekdays by name, and a pattern or a cap
    that is off as ``false`` and ``none`` (an empty value would mean its defaults)."""
    data["delivery"]["weekdays"] = [WEEKDAY_NAMES[day] for day in data["delivery"]["weekdays"]]
    patterns = data["nudges"]["patterns"]
    for name, value in list(patterns.items()):
        if value is None:
            patterns[name] = False
    for role, cap in list(data["caps"].items()):
        if cap is None:
            data["caps"][role] = "none"
    if data["nudges"]["absent_half_days"] is None:
        data["nudges"]["absent_half_days"] = False
    return data


def _put(data: dict[str, Any], path: str, value: Any) -> None:
    parts = path.split(".")
    for part in parts[:-1]:
        inner = data.get(part)
        if not isinstance(inner, dict):
            inner = {}
            data[part] = inner
        data = inner
    data[parts[-1]] = value


def _read(setting: Setting, text: str, current: Any) -> Any:
    """A field's text as the rules file would hold it; what cannot be read is passed on as
    text, so that the rules' own check says what is wrong with it."""
    raw = text.strip()
    kind = setting.kind
    if kind in (Kind.WHOLE, Kind.WHOLE_OR_OFF):
        if kind is Kind.WHOLE_OR_OFF and raw.lower() in ("off", "false", "uit", ""):
            return False
        return int(raw) if _WHOLE.fullmatch(raw) else raw
    if kind is Kind.YES_NO:
        return _yes_no(raw)
    if kind is Kind.PERCENT:
        number = raw.removesuffix("%").strip().replace(",", ".")
        return float(number) if re.fullmatch(r"[+-]?\d+(\.\d*)?", number) else raw
    if kind is Kind.SWITCH:
        on = _yes_no(raw)
        if on is True:
            return current if isinstance(current, dict) else True
        return on
    if kind is Kind.CAP:
        on = _yes_no(raw)
        if on is True:
            return current if isinstance(current, dict) else {"per_day": 2, "per_week": 5}
        return "none" if on is False else raw
    if kind is Kind.WEEKDAYS:
        return [part for part in re.split(r"[\s,;]+", raw) if part]
    if kind is Kind.STAFF_TIMES:
        pairs = [part.split("=", 1) for part in re.split(r"[\s,;]+", raw) if part]
        if all(len(pair) == 2 for pair in pairs):
            return {staff.strip(): moment.strip() for staff, moment in pairs}
        return raw
    return raw


def _yes_no(raw: str) -> bool | str:
    lowered = raw.lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    return raw


def settings_at(paths: Iterable[str]) -> list[Setting]:
    """The settings named, in the form's order (for a summary of what changed)."""
    wanted = set(paths)
    return [setting for setting in SETTINGS if setting.path in wanted]


def rules_text(rules: Rules, header: str = "") -> str:
    """The rules as a rules file, with only the settings that differ from the defaults: what a
    form saves as a version (:func:`bot.rulebook.versions.save`). ``header`` becomes comment
    lines at the top (who changed what, say). :func:`~bot.rules.parse_rules` of the text gives
    ``rules`` back."""
    given = _written(rules.model_dump())
    default = _written(Rules.default().model_dump())
    changed = _differences(given, default)
    lines = [f"# {line}".rstrip() for line in header.splitlines()]
    body = (
        yaml.safe_dump(changed, sort_keys=False, allow_unicode=True, width=100) if changed else ""
    )
    return "\n".join([*lines, body]).strip() + "\n" if (lines or body) else ""


def _written(data: dict[str, Any]) -> dict[str, Any]:
    """``model_dump()`` in the file's own notation."""
    data = _as_written(data)
    for section, key in (("guardian", "grace_period"), ("delivery", "expire_after")):
        data[section][key] = _duration(data[section][key])
    plain: dict[str, Any] = _plain(data)
    return plain


def _plain(value: Any) -> Any:
    """Times as ``HH:MM``, tuples as lists, enums as their text: what YAML writes plainly."""
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if isinstance(value, StrEnum):
        return value.value
    if hasattr(value, "strftime") and not hasattr(value, "year"):  # a time of day
        return f"{value:%H:%M}"
    if hasattr(value, "isoformat") and hasattr(value, "year"):  # a date (pauses)
        return value.isoformat()
    return value


def _differences(given: dict[str, Any], default: dict[str, Any]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for key, value in given.items():
        other = default.get(key)
        if isinstance(value, dict) and isinstance(other, dict) and key != "digest_at_for":
            inner = _differences(value, other)
            if inner:
                found[key] = inner
        elif value != other:
            found[key] = _without_none(value)
    return found


def _without_none(value: Any) -> Any:
    """List entries without their empty optional keys (``until: null``)."""
    if isinstance(value, list):
        return [
            {k: v for k, v in item.items() if v is not None} if isinstance(item, dict) else item
            for item in value
        ]
    return value
