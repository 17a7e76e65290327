"""The e-mail channel is built in: the registry finds it, reads its settings from ``[email]``
and ``GEMIST_EMAIL_*``, says clearly what is missing or wrong, and never shows the password."""

from __future__ import annotations

import pytest

from bot.channels import registry as channels
from bot.config import ConfigError, Settings, load_settings
from bot.outbox import Outcome
from bot.outbox.plugin import ChannelContext, ChannelUnavailable
from integrations.email import EmailChannel, EmailOptions, Security
from integrations.email.local_server import LocalSmtpServer
from integrations.email.plugin import PLUGIN
from scheduler.clock import VirtualClock
from tests.helpers.email import NOW, Addresses, Pages, outgoing

SECRET = "correct-horse-battery"


def test_the_registry_finds_it_without_installing_and_knows_what_it_can_do():
    assert channels.registered()["email"] is PLUGIN
    assert channels.usable(Settings(channels=("telegram", "email"))) == ("telegram", "email")
    caps = channels.capabilities(Settings(channels=("email",)))["email"]
    assert (caps.buttons, caps.html, caps.answer_links, caps.inbound_answers) == (
        False,
        True,
        True,
        False,
    )


def test_settings_come_from_the_table_and_the_environment_with_the_school_as_sender(tmp_path):
    config = tmp_path / "gemist.toml"
    config.write_text(
        'channels = ["email"]\n'
        '[school]\nname = "Sint-Jozefcollege"\n'
        '[email]\nhost = "smtp.office365.com"\nuser = "gemist@sint-jozef.be"\n'
        'from_address = "gemist@sint-jozef.be"\nreply_to = "secretariaat@sint-jozef.be"\n'
        "rate = 30\n"
    )
    settings = load_settings(
        config, environ={"GEMIST_EMAIL_PASSWORD": SECRET, "GEMIST_EMAIL_POOL": "3"}
    )

    options = channels.options(PLUGIN, settings)

    assert isinstance(options, EmailOptions)
    assert (options.host, options.smtp_port, options.security) == (
        "smtp.office365.com",
        587,
        Security.STARTTLS,
    )
    assert options.from_name == "Sint-Jozefcollege"  # the school's name by default
    assert (options.pool, options.rate) == (3, 30)
    assert options.password is not None
    assert options.password.get_secret_value() == SECRET
    assert SECRET not in repr(options) + str(options) + repr(settings)
    assert PLUGIN.missing(options) is None


@pytest.mark.parametrize(
    ("table", "said"),
    [
        ('host = "smtp://mail.example"', "host: Value error, expected a host name"),
        ('security = "ssl"', "security: Input should be 'starttls', 'tls' or 'none'"),
        ("port = 0", "port: Input should be greater than or equal to 1"),
        ('from_address = "School <s@x.be>"', "expected the address alone"),
        ('reply_to = "niet een adres"', "reply_to: Value error, expected an e-mail address"),
        (f'password = "{SECRET}"', "user and password go together"),
        ("rate = 0", "rate: Input should be greater than 0"),
        ("pool = 0", "pool: Input should be greater than or equal to 1"),
        ('hots = "typo"', "hots: Extra inputs are not permitted"),
        (
            f'host = "mail.example"\nsecurity = "none"\nuser = "u"\npassword = "{SECRET}"',
            "security none would send the password unencrypted",
        ),
    ],
)
def test_a_bad_setting_is_named_with_why_and_never_shows_the_password(tmp_path, table, said):
    config = tmp_path / "gemist.toml"
    config.write_text(f"[email]\n{table}\n")

    with pytest.raises(ConfigError) as caught:
        channels.options(PLUGIN, load_settings(config, environ={}))

    message = str(caught.value)
    assert "channel email" in message
    assert said in message
    assert SECRET not in message


def test_what_is_missing_is_said_in_the_words_that_fix_it():
    assert "GEMIST_EMAIL_HOST" in (PLUGIN.missing(EmailOptions()) or "")
    assert "GEMIST_EMAIL_FROM_ADDRESS" in (PLUGIN.missing(EmailOptions(host="mail.x")) or "")
    unready = channels.unready(load_settings(environ={"GEMIST_CHANNELS": "email"}))
    assert len(unready) == 1
    assert "GEMIST_EMAIL_HOST" in unready[0]


def test_without_the_web_application_it_cannot_be_built_and_says_to_set_web_url():
    settings = load_settings(
        environ={
            "GEMIST_CHANNELS": "email",
            "GEMIST_EMAIL_HOST": "mail.example",
            "GEMIST_EMAIL_FROM_ADDRESS": "school@example.be",
        }
    )
    context = ChannelContext(VirtualClock(NOW), Addresses())

    with pytest.raises(ChannelUnavailable, match="GEMIST_WEB_URL"):
        channels.build_router(settings, context)


async def test_the_router_the_registry_builds_sends_e_mail():
    directory = Addresses({("guardian", 1): "ouder@example.be"})
    async with LocalSmtpServer() as server:
        settings = load_settings(
            environ={
                "GEMIST_CHANNELS": "email",
                "GEMIST_EMAIL_HOST": server.host,
                "GEMIST_EMAIL_PORT": str(server.port),
                "GEMIST_EMAIL_SECURITY": "none",
                "GEMIST_EMAIL_FROM_ADDRESS": "school@example.be",
            }
        )
        router = channels.build_router(
            settings, ChannelContext(VirtualClock(NOW), directory, pages=Pages())
        )
        assert isinstance(router.channel("email"), EmailChannel)
        async with router:
            outcome = await router.deliver(outgoing())

    assert outcome.kind is Outcome.SENT
    [received] = server.received
    assert received.parsed()["From"] == "School <school@example.be>"
