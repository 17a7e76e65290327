"""Settings from the environment and a TOML file (docs/contracts.md, "Configuration")."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from bot.config import ConfigError, HelpLines, Secret, load_settings


def toml(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "gemist.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults():
    settings = load_settings(environ={})

    assert settings.database_url == "sqlite:///gemist.db"
    assert settings.timezone.key == "Europe/Brussels"
    assert settings.telegram_token is None


def test_environment_beats_file_and_options_beat_both(tmp_path):
    path = toml(tmp_path, 'database_url = "sqlite:///file.db"\ntimezone = "Europe/Paris"\n')
    env = {"GEMIST_DATABASE_URL": "sqlite:///env.db"}

    assert load_settings(path, environ=env).database_url == "sqlite:///env.db"
    assert load_settings(path, environ=env).timezone.key == "Europe/Paris"
    assert load_settings(path, environ=env, database_url="sqlite:///cli.db").database_url == (
        "sqlite:///cli.db"
    )


def test_the_config_file_can_come_from_the_environment(tmp_path):
    path = toml(tmp_path, '[school]\nid = "sjc"\nname = "Sint-Jozefcollege"\n')

    settings = load_settings(environ={"GEMIST_CONFIG": str(path)})

    assert (settings.school_id, settings.school_name) == ("sjc", "Sint-Jozefcollege")


def test_school_tables(tmp_path):
    path = toml(
        tmp_path,
        '[calendar]\nfree_days = [2026-10-05, "2027-02-03"]\nwednesday_afternoon_free = false\n'
        '[codes]\nl = "p"\n',
    )

    settings = load_settings(path, environ={})

    assert settings.free_days == (dt.date(2026, 10, 5), dt.date(2027, 2, 3))
    assert settings.wednesday_afternoon_free is False
    assert settings.code_map == {"L": "P"}


BAD = [
    ('databse_url = "x"\n', "unknown key 'databse_url'"),
    ('timezone = "Mars/Olympus"\n', "unknown timezone 'Mars/Olympus'"),
    ("[calendar]\nfreedays = [2026-10-05]\n", "unknown key calendar.freedays (known: free_days, "
     "ical, wednesday_afternoon_free)"),
    ('[school]\nnaam = "x"\n', "unknown key school.naam (known: id, name)"),
    ("[calendar]\nfree_days = [\"soon\"]\n", "calendar.free_days[0]: 'soon' is not a date"),
    ('[codes]\nL = "X"\n', "codes.L: 'X' is not one of B, Z, R, P, M, H, A"),
    ("school = 3\n", "school: expected a table ([school])"),
    ('[calendar]\nwednesday_afternoon_free = "ja"\n',
     "calendar.wednesday_afternoon_free: expected true or false"),
    ("database_url = \n", "not valid TOML"),
    ('channels = ["telegram", "sms"]\n',
     "channels[1]: 'sms' is not a channel (known: telegram, smartschool, email)"),
    ('channels = ["email", "email"]\n', "channels[1]: 'email' is listed twice"),
    ("channels = []\n", 'channels: expected a list of channels like ["telegram", "email"]'),
]  # fmt: skip


@pytest.mark.parametrize(("text", "message"), BAD)
def test_a_bad_file_names_the_key(tmp_path, text, message):
    path = toml(tmp_path, text)

    with pytest.raises(ConfigError) as caught:
        load_settings(path, environ={})

    assert str(path) in str(caught.value)
    assert message in str(caught.value)


def test_a_missing_file_is_named(tmp_path):
    with pytest.raises(ConfigError, match="no such configuration file"):
        load_settings(tmp_path / "absent.toml", environ={})


def test_the_token_never_shows_itself():
    settings = load_settings(environ={"GEMIST_TELEGRAM_TOKEN": "123456:SECRET-token"})

    assert settings.telegram_token == Secret("123456:SECRET-token")
    assert settings.telegram_token.reveal() == "123456:SECRET-token"
    assert "SECRET" not in repr(settings)
    assert "SECRET" not in str(settings.telegram_token)


def test_an_environment_value_is_blamed_on_its_variable():
    with pytest.raises(ConfigError) as caught:
        load_settings(environ={"GEMIST_TIMEZONE": "Europe/Brussel"})

    assert str(caught.value) == "GEMIST_TIMEZONE: unknown timezone 'Europe/Brussel'"


def test_paths_in_the_file_are_relative_to_the_file(tmp_path, monkeypatch):
    folder = tmp_path / "etc"
    folder.mkdir()
    path = folder / "gemist.toml"
    path.write_text('rules = "rules.yaml"\n[calendar]\nical = "vrij.ics"\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)

    settings = load_settings(path, environ={})

    assert settings.rules == folder / "rules.yaml"
    assert settings.calendar_ical == folder / "vrij.ics"


def test_live_mode_defaults():
    settings = load_settings(environ={})

    assert settings.absence_feed is None
    assert settings.feed_poll_times == (dt.time(9, 15), dt.time(13, 45))
    assert settings.planner_interval_minutes == 5


def test_live_mode_keys_from_the_file_and_the_environment(tmp_path):
    path = toml(
        tmp_path,
        'absence_feed = "drop/absences.csv"\nfeed_poll_times = ["13:30", "08:45"]\n'
        "planner_interval_minutes = 10\n",
    )

    from_file = load_settings(path, environ={})
    from_env = load_settings(
        path,
        environ={
            "GEMIST_ABSENCE_FEED": "/srv/feed.csv",
            "GEMIST_FEED_POLL_TIMES": "09:00, 14:00",
            "GEMIST_PLANNER_INTERVAL_MINUTES": "3",
        },
    )

    assert from_file.absence_feed == tmp_path / "drop" / "absences.csv"
    assert from_file.feed_poll_times == (dt.time(8, 45), dt.time(13, 30))
    assert from_file.planner_interval_minutes == 10
    assert from_env.absence_feed == Path("/srv/feed.csv")
    assert from_env.feed_poll_times == (dt.time(9), dt.time(14))
    assert from_env.planner_interval_minutes == 3


LIVE_BAD = [
    ('feed_poll_times = ["9h15"]\n', "feed_poll_times[0]: '9h15' is not a time like 09:15"),
    ('feed_poll_times = ["25:00"]\n', "feed_poll_times[0]: '25:00' is not a time like 09:15"),
    ("feed_poll_times = []\n", "feed_poll_times: expected a list of times"),
    ("planner_interval_minutes = 0\n", "planner_interval_minutes: expected a whole number"),
    ('planner_interval_minutes = "vijf"\n', "planner_interval_minutes: expected a whole number"),
    ("absence_feed = 3\n", "absence_feed: expected a non-empty string"),
]  # fmt: skip


@pytest.mark.parametrize(("text", "message"), LIVE_BAD)
def test_a_bad_live_mode_key_is_named(tmp_path, text, message):
    path = toml(tmp_path, text)

    with pytest.raises(ConfigError) as caught:
        load_settings(path, environ={})

    assert str(path) in str(caught.value)
    assert message in str(caught.value)


def test_a_bad_poll_time_in_the_environment_is_blamed_on_its_variable():
    with pytest.raises(ConfigError) as caught:
        load_settings(environ={"GEMIST_FEED_POLL_TIMES": "09:15;13:45"})

    assert str(caught.value).startswith("GEMIST_FEED_POLL_TIMES: feed_poll_times[0]:")


def test_the_schools_own_wording_is_loaded(tmp_path):
    path = toml(
        tmp_path,
        '[messages."pupil_checkin.first"]\n'
        "nl = '''\nHoi {first_name}, we hebben je vandaag gemist.\n\n"
        "Laat je even weten hoe het gaat?'''\n"
        'fr = "Salut {first_name}, tu nous as manqué aujourd\'hui."\n',
    )

    settings = load_settings(path, environ={})

    assert settings.messages.get("pupil_checkin.first") == {
        "nl": "Hoi {first_name}, we hebben je vandaag gemist.\n\nLaat je even weten hoe het gaat?",
        "fr": "Salut {first_name}, tu nous as manqué aujourd'hui.",
    }
    assert not load_settings(environ={}).messages


MESSAGES_BAD = [
    ('[messages."pupil_checkin.first"]\nnl = "Hoi"\nfr = "Salut {naam}"\n',
     "messages.pupil_checkin.first.fr: unknown placeholder {naam}; this message knows: "
     "{first_name}, {sender}"),
    ('[messages."pupil_checkin.frist"]\nnl = "Hoi"\n',
     "messages.pupil_checkin.frist: no message 'pupil_checkin.frist'; did you mean "
     "pupil_checkin.first"),
    ('messages = "Hoi"\n', "messages: expected a table ([messages])"),
]  # fmt: skip


@pytest.mark.parametrize(("text", "message"), MESSAGES_BAD)
def test_a_bad_override_names_the_file_and_the_key(tmp_path, text, message):
    path = toml(tmp_path, text)

    with pytest.raises(ConfigError) as caught:
        load_settings(path, environ={})

    assert str(caught.value).startswith(f"{path}: {message}")


def test_without_a_webhook_url_the_bot_polls():
    settings = load_settings(environ={})

    assert settings.webhook_url is None
    assert settings.webhook_secret is None
    assert (settings.webhook_listen, settings.webhook_port, settings.webhook_path) == (
        "127.0.0.1",
        8443,
        "/telegram",
    )


def test_webhook_keys_from_the_file_and_the_environment(tmp_path):
    path = toml(
        tmp_path,
        'webhook_url = "https://bot.example.org/telegram"\nwebhook_secret = "from-the-file"\n'
        'webhook_listen = "0.0.0.0"\nwebhook_port = 9000\nwebhook_path = "/hook"\n',
    )

    from_file = load_settings(path, environ={})
    from_env = load_settings(
        path,
        environ={
            "GEMIST_WEBHOOK_URL": "https://gemist.example.org:88/t",
            "GEMIST_WEBHOOK_SECRET": "Ab_9-" * 10,
            "GEMIST_WEBHOOK_PORT": "8081",
        },
    )

    assert from_file.webhook_url == "https://bot.example.org/telegram"
    assert from_file.webhook_secret == Secret("from-the-file")
    assert (from_file.webhook_listen, from_file.webhook_port, from_file.webhook_path) == (
        "0.0.0.0",
        9000,
        "/hook",
    )
    assert from_env.webhook_url == "https://gemist.example.org:88/t"
    assert from_env.webhook_secret == Secret("Ab_9-" * 10)
    assert from_env.webhook_port == 8081
    assert from_env.webhook_path == "/hook"  # the file's, as nothing overrides it


def test_the_webhook_secret_never_shows_itself(tmp_path):
    env = {
        "GEMIST_WEBHOOK_URL": "https://bot.example.org/telegram",
        "GEMIST_WEBHOOK_SECRET": "TopSecret_hook-42",
    }
    settings = load_settings(environ=env)

    assert settings.webhook_secret is not None
    assert settings.webhook_secret.reveal() == "TopSecret_hook-42"
    assert "TopSecret" not in repr(settings)
    with pytest.raises(ConfigError) as caught:
        load_settings(environ={**env, "GEMIST_WEBHOOK_SECRET": "TopSecret hook!"})
    assert "TopSecret" not in str(caught.value)


def test_plain_http_and_any_port_only_with_a_local_bot_api_server():
    env = {"GEMIST_WEBHOOK_URL": "http://127.0.0.1:8081/telegram", "GEMIST_WEBHOOK_SECRET": "s"}

    with pytest.raises(ConfigError, match="expected an address like https://"):
        load_settings(environ=env)
    local = load_settings(environ={**env, "GEMIST_TELEGRAM_API_URL": "http://127.0.0.1:8080"})

    assert local.webhook_url == "http://127.0.0.1:8081/telegram"


WEBHOOK_BAD = [
    ('webhook_url = "https://bot.example.org/telegram"\n',
     'webhook_url: needs webhook_secret (GEMIST_WEBHOOK_SECRET) as well'),
    ('webhook_secret = "s3cret"\n',
     "webhook_secret: only used with webhook_url (GEMIST_WEBHOOK_URL), which is not set"),
    ("webhook_port = 9000\n",
     "webhook_port: only used with webhook_url (GEMIST_WEBHOOK_URL), which is not set"),
    ('webhook_url = "bot.example.org/telegram"\nwebhook_secret = "s"\n',
     "webhook_url: expected an address like https://bot.example.org/telegram"),
    ('webhook_url = "https://bot.example.org:99999/t"\nwebhook_secret = "s"\n',
     "webhook_url: expected an address like https://"),
    ('webhook_url = "https://bot.example.org:8080/t"\nwebhook_secret = "s"\n',
     "webhook_url: Telegram only sends to the ports 443, 80, 88, 8443, not 8080"),
    ('webhook_url = "https://bot.example.org/t"\nwebhook_secret = "a/b"\n',
     "webhook_secret: expected 1 to 256 characters, each a letter A-Z or a-z, a digit, _ or -"),
    (f'webhook_url = "https://bot.example.org/t"\nwebhook_secret = "{"x" * 257}"\n',
     "webhook_secret: expected 1 to 256 characters"),
    ('webhook_url = "https://bot.example.org/t"\nwebhook_secret = "s"\nwebhook_port = 0\n',
     "webhook_port: expected a port number, 1 to 65535"),
    ('webhook_url = "https://bot.example.org/t"\nwebhook_secret = "s"\nwebhook_port = "web"\n',
     "webhook_port: expected a port number, 1 to 65535"),
    ('webhook_url = "https://bot.example.org/t"\nwebhook_secret = "s"\nwebhook_path = "hook"\n',
     "webhook_path: expected a path like /telegram"),
    ('webhook_url = "https://bot.example.org/t"\nwebhook_secret = "s"\nwebhook_path = "/a?b"\n',
     "webhook_path: expected a path like /telegram"),
    ('webhook_url = "https://bot.example.org/t"\nwebhook_secret = "s"\nwebhook_listen = ""\n',
     "webhook_listen: expected a non-empty string"),
]  # fmt: skip


@pytest.mark.parametrize(("text", "message"), WEBHOOK_BAD)
def test_a_bad_webhook_key_is_named(tmp_path, text, message):
    path = toml(tmp_path, text)

    with pytest.raises(ConfigError) as caught:
        load_settings(path, environ={})

    assert str(caught.value).startswith(f"{path}: ")
    assert message in str(caught.value)


def test_a_bad_webhook_value_in_the_environment_is_blamed_on_its_variable(tmp_path):
    path = toml(tmp_path, 'webhook_url = "https://bot.example.org/t"\nwebhook_secret = "s"\n')

    with pytest.raises(ConfigError) as caught:
        load_settings(path, environ={"GEMIST_WEBHOOK_PORT": "84430"})

    assert (
        str(caught.value) == "GEMIST_WEBHOOK_PORT: webhook_port: expected a port number, 1 to 65535"
    )


def test_the_help_that_cannot_wait_is_awel_and_112_unless_configured(tmp_path):
    assert load_settings(environ={}).help == HelpLines("Awel", "102", "awel.be", "112")
    path = toml(tmp_path, '[help]\nline = "Tele-Onthaal"\nphone = 106\nchat = "tele-onthaal.be"\n')
    settings = load_settings(path, environ={"GEMIST_HELP_EMERGENCY": "101"})
    assert settings.help == HelpLines("Tele-Onthaal", "106", "tele-onthaal.be", "101")
    assert settings.help.context() == {
        "helpline": "Tele-Onthaal",
        "helpline_phone": "106",
        "helpline_chat": "tele-onthaal.be",
        "emergency": "101",
    }


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            '[help]\nnumber = "102"\n',
            "unknown key help.number (known: chat, emergency, line, phone)",
        ),
        ('[help]\nphone = "twee"\n', "help.phone: 'twee' is not a phone number"),
        ('[help]\nemergency = ""\n', "help.emergency: expected a non-empty string"),
        ('[help]\nchat = "awel be"\n', "help.chat: 'awel be' is not a web address"),
        ("help = 102\n", "help: expected a table ([help])"),
    ],
)
def test_a_bad_help_key_is_named(tmp_path, text, message):
    path = toml(tmp_path, text)
    with pytest.raises(ConfigError) as caught:
        load_settings(path, environ={})
    assert str(path) in str(caught.value)
    assert message in str(caught.value)


def test_a_bad_help_value_in_the_environment_is_blamed_on_its_variable():
    with pytest.raises(ConfigError, match=r"^GEMIST_HELP_PHONE: help\.phone: '1O2'"):
        load_settings(environ={"GEMIST_HELP_PHONE": "1O2"})


def test_retention_defaults_are_the_documented_ones():
    retention = load_settings(environ={}).retention

    assert (
        retention.free_text_years,
        retention.messages_years,
        retention.marks_years,
        retention.inactive_people_years,
        retention.view_log_years,
    ) == (1, 2, 2, 1, 2)


def test_retention_from_the_file_and_the_environment(tmp_path):
    path = toml(tmp_path, "[retention]\nfree_text_years = 0\nmarks_years = 5\n")
    env = {"GEMIST_RETENTION_MARKS_YEARS": "3", "GEMIST_RETENTION_VIEW_LOG_YEARS": "1"}

    retention = load_settings(path, environ=env).retention

    assert (retention.free_text_years, retention.marks_years) == (0, 3)
    assert (retention.messages_years, retention.view_log_years) == (2, 1)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[retention]\nfree_text = 1\n", "unknown key retention.free_text (known: free_text_years"),
        (
            "[retention]\nmarks_years = -1\n",
            "retention.marks_years: expected a whole number of years, 0 to 20",
        ),
        ("[retention]\nmarks_years = 1.5\n", "retention.marks_years: expected a whole"),
        ("[retention]\nmarks_years = true\n", "retention.marks_years: expected a whole"),
        ("[retention]\nmarks_years = 21\n", "retention.marks_years: expected a whole"),
        ("retention = 2\n", "retention: expected a table ([retention])"),
    ],
)
def test_a_bad_retention_key_is_named(tmp_path, text, message):
    path = toml(tmp_path, text)

    with pytest.raises(ConfigError, match=re.escape(f"{path}: {message}")):
        load_settings(path, environ={})


def test_a_bad_retention_variable_is_blamed_on_it(tmp_path):
    path = toml(tmp_path, "[retention]\nmarks_years = 3\n")

    with pytest.raises(
        ConfigError, match=r"^GEMIST_RETENTION_MESSAGES_YEARS: retention\.messages_years: expected"
    ):
        load_settings(path, environ={"GEMIST_RETENTION_MESSAGES_YEARS": "two"})


def test_the_school_s_order_of_channels(tmp_path):
    assert load_settings(environ={}).channels == ("telegram",)
    path = toml(tmp_path, 'channels = ["telegram", "smartschool", "email"]\n')
    settings = load_settings(path, environ={})
    assert settings.channels == ("telegram", "smartschool", "email")
    # What the decision gets: the order, and the channels that can deliver (Telegram only yet).
    assert settings.channel_order().order == ("telegram", "smartschool", "email")
    assert settings.channel_order().usable == frozenset({"telegram"})
    env = {"GEMIST_CHANNELS": "email, Telegram"}
    assert load_settings(path, environ=env).channels == ("email", "telegram")
