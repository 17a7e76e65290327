"""The Smartschool channel is built in: the registry finds it, reads its settings from
``[smartschool]`` and ``GEMIST_SMARTSCHOOL_*``, says clearly what is missing (the sender
first of all), and the router it builds sends through the local server without ever showing
the access code."""

from __future__ import annotations

import logging

import pytest

from bot.channels import registry as channels
from bot.config import Settings, load_settings
from bot.outbox import Outcome
from bot.outbox.plugin import ChannelContext, ChannelUnavailable
from integrations.smartschool.channel import SmartschoolChannel
from integrations.smartschool.plugin import PLUGIN, SmartschoolChannelOptions
from scheduler.clock import VirtualClock
from tests.helpers.email import NOW, Pages
from tests.helpers.smartschool import SENDER, SENDER_ACCOUNT, Inboxes, outgoing
from tests.integrations.smartschool.conftest import ACCESS_CODE


def test_the_registry_finds_it_without_installing_and_knows_what_it_can_do():
    assert channels.registered()["smartschool"] is PLUGIN
    settings = Settings(channels=("smartschool", "email"))
    assert channels.usable(settings) == ("smartschool", "email")
    caps = channels.capabilities(settings)["smartschool"]
    assert (caps.buttons, caps.html, caps.answer_links, caps.inbound_answers) == (
        False,
        True,
        True,
        False,
    )


def test_settings_come_from_the_table_and_the_environment_with_the_school_s_name(tmp_path):
    config = tmp_path / "gemist.toml"
    config.write_text(
        'channels = ["smartschool"]\n'
        '[school]\nname = "Sint-Jozefcollege"\n'
        '[smartschool]\nurl = "https://sint-jozef.smartschool.be"\nsender = "zorgteam"\n'
    )
    settings = load_settings(config, environ={"GEMIST_SMARTSCHOOL_ACCESS_CODE": ACCESS_CODE})

    options = channels.options(PLUGIN, settings)

    assert isinstance(options, SmartschoolChannelOptions)
    assert options.endpoint == "https://sint-jozef.smartschool.be/Webservices/V3"
    assert (options.sender, options.school, options.copy_to_lvs) == (
        "zorgteam",
        "Sint-Jozefcollege",
        False,
    )
    assert PLUGIN.missing(options) is None
    assert ACCESS_CODE not in repr(options) + str(options) + repr(settings)


@pytest.mark.parametrize(
    ("environ", "said"),
    [
        ({}, "GEMIST_SMARTSCHOOL_URL"),
        ({"GEMIST_SMARTSCHOOL_URL": "https://x.smartschool.be"}, "GEMIST_SMARTSCHOOL_ACCESS_CODE"),
        (
            {
                "GEMIST_SMARTSCHOOL_URL": "https://x.smartschool.be",
                "GEMIST_SMARTSCHOOL_ACCESS_CODE": ACCESS_CODE,
            },
            "GEMIST_SMARTSCHOOL_SENDER",
        ),
    ],
)
def test_what_is_missing_is_said_in_the_words_that_fix_it(environ, said):
    settings = load_settings(environ={"GEMIST_CHANNELS": "smartschool", **environ})

    [problem] = channels.unready(settings)

    assert said in problem
    assert ACCESS_CODE not in problem


def test_without_the_web_application_it_cannot_be_built_and_says_to_set_web_url():
    settings = load_settings(
        environ={
            "GEMIST_CHANNELS": "smartschool",
            "GEMIST_SMARTSCHOOL_URL": "https://x.smartschool.be",
            "GEMIST_SMARTSCHOOL_ACCESS_CODE": ACCESS_CODE,
            "GEMIST_SMARTSCHOOL_SENDER": SENDER,
        }
    )

    with pytest.raises(ChannelUnavailable, match="GEMIST_WEB_URL"):
        channels.build_router(settings, ChannelContext(VirtualClock(NOW), Inboxes()))


@pytest.mark.parametrize("lvs", [None, "true"])
async def test_the_router_the_registry_builds_sends_a_smartschool_message(server, caplog, lvs):
    server.school.accounts.append(SENDER_ACCOUNT)
    environ = {
        "GEMIST_CHANNELS": "smartschool",
        "GEMIST_SCHOOL_NAME": "Sint-Jozefcollege",
        "GEMIST_SMARTSCHOOL_URL": server.url,
        "GEMIST_SMARTSCHOOL_ACCESS_CODE": ACCESS_CODE,
        "GEMIST_SMARTSCHOOL_SENDER": SENDER,
    }
    if lvs is not None:
        environ["GEMIST_SMARTSCHOOL_COPY_TO_LVS"] = lvs
    inboxes = Inboxes({("guardian", 1): "amira.elamrani#1"})
    router = channels.build_router(
        load_settings(environ=environ), ChannelContext(VirtualClock(NOW), inboxes, pages=Pages())
    )
    assert isinstance(router.channel("smartschool"), SmartschoolChannel)
    with caplog.at_level(logging.DEBUG):
        async with router:
            outcome = await router.deliver(outgoing())

    assert outcome.kind is Outcome.SENT
    [sent] = server.sent
    assert (sent.sender_identifier, sent.coaccount) == (SENDER, 1)
    assert sent.copy_to_lvs is (lvs == "true")
    assert ACCESS_CODE not in caplog.text
