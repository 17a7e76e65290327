"""The web application's settings: checked together, with errors that say where and why, and
the signing secret never shown."""

from __future__ import annotations

import pytest

from bot.config import ConfigError, load_settings


def _load(**env: str):
    return load_settings(environ={f"GEMIST_{k.upper()}": v for k, v in env.items()})


def test_the_defaults_listen_on_this_machine_only():
    settings = _load(web_url="https://gemist.school.example/")
    assert settings.web_url == "https://gemist.school.example"
    assert (settings.web_host, settings.web_port) == ("127.0.0.1", 8080)
    assert (settings.web_link_days, settings.web_unsubscribe_days) == (14, 90)
    assert settings.web_secret is None


def test_every_key_from_the_environment():
    settings = _load(
        web_url="https://www.school.example/gemist", web_host="0.0.0.0", web_port="9000",
        web_secret="k" * 32, web_link_days="7", web_unsubscribe_days="180",
    )  # fmt: skip
    assert settings.web_url == "https://www.school.example/gemist"
    assert (settings.web_host, settings.web_port) == ("0.0.0.0", 9000)
    assert settings.web_secret is not None
    assert settings.web_secret.reveal() == "k" * 32
    assert (settings.web_link_days, settings.web_unsubscribe_days) == (7, 180)


def test_the_keys_from_the_configuration_file(tmp_path):
    path = tmp_path / "gemist.toml"
    path.write_text('web_url = "http://localhost:8080"\nweb_port = 8081\n', encoding="utf-8")
    settings = load_settings(path, environ={})
    assert (settings.web_url, settings.web_port) == ("http://localhost:8080", 8081)


@pytest.mark.parametrize(
    ("env", "says"),
    [
        ({"web_url": "gemist.school.example"}, "GEMIST_WEB_URL: web_url: expected the public"),
        ({"web_url": "ftp://gemist.example"}, "web_url: expected"),
        ({"web_url": "https://gemist.example/?x=1"}, "web_url: expected"),
        ({"web_url": "https://gemist.example:99999"}, "web_url: expected"),
        ({"web_port": "8080"}, "GEMIST_WEB_PORT: web_port: only used with web_url"),
        ({"web_secret": "k" * 40}, "GEMIST_WEB_SECRET: web_secret: only used with web_url"),
        ({"web_url": "https://g.example", "web_port": "http"}, "web_port: expected a port"),
        ({"web_url": "https://g.example", "web_link_days": "0"}, "web_link_days: expected a whole"),
        ({"web_url": "https://g.example", "web_unsubscribe_days": "999"}, "1 to 366"),
        ({"web_url": "https://g.example", "web_secret": "short"}, "at least 32 characters"),
    ],
)
def test_unusable_values_are_refused_with_where_and_why(env, says):
    with pytest.raises(ConfigError, match=says.replace("?", r"\?")):
        _load(**env)


def test_the_secret_is_never_shown():
    secret = "a-very-secret-signing-key-0123456789"
    settings = _load(web_url="https://g.example", web_secret=secret)
    assert secret not in repr(settings)
    assert secret not in str(settings.web_secret)
    with pytest.raises(ConfigError) as refused:
        _load(web_url="https://g.example", web_secret=secret[:10])
    assert secret[:10] not in str(refused.value)


def test_the_secret_is_kept_out_of_every_log_and_error():
    from bot.redaction import settings_secrets

    secret = "a-very-secret-signing-key-0123456789"
    assert secret in settings_secrets(_load(web_url="https://g.example", web_secret=secret))
