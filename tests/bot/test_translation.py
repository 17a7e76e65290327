"""The seam for a school's own translation engine (issue 14, item 6): when a family's words
need help for their reader, what a failing engine does, and that nothing is translated, or even
looked up, without an engine the school named."""

from __future__ import annotations

import argparse
import enum
import importlib.util
import logging
import sys
import types
from pathlib import Path

import pytest

from bot.commands.run import run_service
from bot.config import ConfigError, Settings, load_settings
from bot.telegram._store import Pupilship
from bot.telegram._translate import translation_for
from bot.translation import (
    TranslationUnavailable,
    foreign,
    machine_translation,
    reading_aid,
    translator_named,
)

TURKISH = "Emir hasta, ateşi var."


class FakeTranslator:
    """Upper-cases the words and says which way it went; remembers every call."""

    name = "fake"

    def __init__(self, *, knows: bool = True, fails: bool = False) -> None:
        self.calls: list[tuple[str, str, str]] = []
        self.knows, self.fails = knows, fails

    def translate(self, text: str, source: str, target: str) -> str | None:
        self.calls.append((text, source, target))
        if self.fails:
            raise RuntimeError(f"model crashed on {text!r}")
        return f"[{source}>{target}] {text.upper()}" if self.knows else None


@pytest.mark.parametrize(
    ("written_in", "reader", "expected"),
    [
        pytest.param("ar", "nl", True, id="Arabic to a Dutch reader"),
        pytest.param("tr", "fr", True, id="Turkish to a French reader"),
        pytest.param("nl", "nl", False, id="Dutch to a Dutch reader"),
        pytest.param("nl", "fr", False, id="Dutch, the school's language, to a French reader"),
        pytest.param("fr", "fr_BE", False, id="French to a reader of Belgian French"),
        pytest.param("en", "en", False, id="the reader's own language"),
        pytest.param(None, "nl", False, id="a language not recognised"),
    ],
)
def test_words_need_help_only_in_a_language_neither_the_readers_nor_dutch(
    written_in, reader, expected
) -> None:
    assert foreign(written_in, reader) is expected


def test_the_variant_says_which_help_comes_with_the_words() -> None:
    assert reading_aid("ar", "nl", None) == "foreign"
    assert reading_aid("ar", "nl", "My daughter is ill.") == "translated"
    assert reading_aid("nl", "nl", None) == ""
    assert reading_aid(None, "nl", None) == ""


def test_a_foreign_text_is_translated_into_the_readers_language() -> None:
    engine = FakeTranslator()

    assert machine_translation(engine, "ابنتي مريضة", "ar", "nl_BE") == "[ar>nl] ابنتي مريضة"
    assert engine.calls == [("ابنتي مريضة", "ar", "nl")]


def test_words_the_reader_can_read_are_never_given_to_the_engine() -> None:
    engine = FakeTranslator()

    assert machine_translation(engine, "Yasmine is ziek.", "nl", "fr") is None
    assert machine_translation(engine, "oké", None, "nl") is None
    assert engine.calls == []


def test_an_engine_without_a_way_between_the_languages_gives_no_translation() -> None:
    assert machine_translation(FakeTranslator(knows=False), TURKISH, "tr", "nl") is None


def test_a_failing_engine_gives_no_translation_and_logs_no_words(caplog) -> None:
    caplog.set_level(logging.WARNING)

    assert machine_translation(FakeTranslator(fails=True), TURKISH, "tr", "nl") is None
    assert "RuntimeError" in caplog.text
    assert "ateşi" not in caplog.text


def test_nothing_is_translated_by_default() -> None:
    assert Settings().translation_engine is None
    assert load_settings(environ={}).translation_engine is None


class _Untouchable:
    """A database that fails the test when it is used at all."""

    def connect(self):
        raise AssertionError("the database was read without a translation engine")


async def test_without_an_engine_no_translation_is_attempted_or_looked_up() -> None:
    pupil = Pupilship(2, "P0002", "Yasmine", "1A", "sjc", "Sint-Jozefcollege", 2, "Koen", "Koen")

    found = await translation_for(_Untouchable(), None, pupil, "ar", "ابنتي مريضة")  # type: ignore[arg-type]

    assert found is None


def test_the_engine_is_named_explicitly_and_checked(tmp_path: Path) -> None:
    config = tmp_path / "gemist.toml"
    config.write_text('translation_engine = "argos"\n', encoding="utf-8")
    assert load_settings(config, environ={}).translation_engine == "argos"
    assert load_settings(environ={"GEMIST_TRANSLATION_ENGINE": "argos"}).translation_engine == (
        "argos"
    )

    config.write_text('translation_engine = "deepl"\n', encoding="utf-8")
    with pytest.raises(
        ConfigError, match=r"gemist.toml: translation_engine: unknown engine 'deepl'"
    ):
        load_settings(config, environ={})


def test_an_unknown_engine_name_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown translation engine 'online'"):
        translator_named("online")


@pytest.mark.skipif(
    importlib.util.find_spec("argostranslate") is not None,
    reason="Argos Translate is installed here: the message for a missing one cannot be seen",
)
def test_argos_named_but_not_installed_says_what_to_install() -> None:
    with pytest.raises(TranslationUnavailable, match=r"pip install 'gemist\[translate\]'"):
        translator_named("argos")


@pytest.mark.skipif(
    importlib.util.find_spec("argostranslate") is not None,
    reason="Argos Translate is installed here: gemist run would start with it",
)
async def test_gemist_run_with_an_engine_it_cannot_load_ends_with_2_before_anything_starts(
    tmp_path: Path, capsys
) -> None:
    missing = tmp_path / "nowhere.db"
    settings = load_settings(
        environ={
            "GEMIST_DATABASE_URL": f"sqlite:///{missing}",
            "GEMIST_TELEGRAM_TOKEN": "123456:test-token",
            "GEMIST_TRANSLATION_ENGINE": "argos",
        }
    )

    code = await run_service(argparse.Namespace(dry_run=False, worker_id=None), settings)

    assert code == 2
    err = capsys.readouterr().err
    assert "translation_engine = 'argos' needs Argos Translate" in err
    assert "pip install 'gemist[translate]'" in err
    assert "test-token" not in err
    assert not missing.exists()  # no database was opened, let alone created


class _Way:
    def __init__(self, source: str, target: str) -> None:
        self.source, self.target = source, target

    def translate(self, text: str) -> str:
        return f"{self.source}>{self.target}: {text}"


class _Language:
    """Argos's installed language as its ``translate`` module hands it out."""

    def __init__(self, code: str, reaches: set[str]) -> None:
        self.code, self.reaches = code, reaches

    def get_translation(self, to: _Language) -> _Way | None:
        return _Way(self.code, to.code) if to.code in self.reaches else None


def _argos_modules(provider: str, languages: list[_Language]) -> dict[str, types.ModuleType]:
    """Stand-ins for Argos Translate's ``settings`` and ``translate`` modules."""
    settings = types.ModuleType("argostranslate.settings")
    settings.ModelProvider = enum.Enum("ModelProvider", "OPENNMT LIBRETRANSLATE OPENAI")  # type: ignore[attr-defined]
    settings.model_provider = settings.ModelProvider[provider]  # type: ignore[attr-defined]
    translate = types.ModuleType("argostranslate.translate")
    translate.get_installed_languages = lambda: languages  # type: ignore[attr-defined]
    package = types.ModuleType("argostranslate")
    return {
        "argostranslate": package,
        "argostranslate.settings": settings,
        "argostranslate.translate": translate,
    }


def test_argos_translates_between_installed_languages_only(monkeypatch) -> None:
    languages = [_Language("ar", {"nl"}), _Language("nl", set()), _Language("tr", set())]
    for name, module in _argos_modules("OPENNMT", languages).items():
        monkeypatch.setitem(sys.modules, name, module)

    argos = translator_named("argos")

    assert argos.name == "argos"
    assert argos.translate("ابنتي مريضة", "ar", "nl") == "ar>nl: ابنتي مريضة"
    assert argos.translate(TURKISH, "tr", "nl") is None  # installed, but no way to Dutch
    assert argos.translate("Córka jest chora.", "pl", "nl") is None  # no Polish package


@pytest.mark.parametrize("provider", ["LIBRETRANSLATE", "OPENAI"])
def test_argos_set_to_a_network_service_is_refused(monkeypatch, provider: str) -> None:
    for name, module in _argos_modules(provider, []).items():
        monkeypatch.setitem(sys.modules, name, module)

    with pytest.raises(TranslationUnavailable, match=f"ARGOS_MODEL_PROVIDER={provider}"):
        translator_named("argos")
