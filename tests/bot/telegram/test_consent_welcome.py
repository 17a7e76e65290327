"""The welcome after linking names only the children the school may contact the guardian about
(issue 15, item 1): the rules file's do-not-contact list, the roster's ``may_contact`` and an
adult pupil's consent decide, as for the planner. End to end through the local Bot API server."""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import col

from bot.models import GuardianLink, Pupil
from bot.rules import DoNotContact, Rules
from tests.helpers.telegram import plain, telegram_world

# Fatima El Amrani (G003, Arabic) is the mother of Yasmine (P0002, spilfiguur Koen De Backer)
# and Ilyas (P0018, spilfiguur S03).


async def _welcome(engine, clock, tmp_path, rules: Rules | None = None, prepare=None):
    async with telegram_world(engine, clock, tmp_path, rules=rules) as world:
        invited = await world.invite("guardian", "G003")  # printed before anything changed
        if prepare is not None:
            await prepare(engine)
        chat = world.user("Fatima")
        await world.say(chat, f"/start {invited.code}")
        await world.conversation.handled(1)  # every welcome of that /start is sent
        return [plain(message.text) for message in world.api.messages_to(chat)]


async def test_a_parent_of_two_is_welcomed_only_for_the_child_the_school_may_contact_her_about(
    engine, clock, tmp_path
):
    rules = Rules(do_not_contact=(DoNotContact(guardian="G003", pupil="P0002"),))

    texts = await _welcome(engine, clock, tmp_path, rules)

    assert len(texts) == 1
    assert "verbonden met Sint-Jozefcollege voor Ilyas." in texts[0]
    assert "Yasmine" not in texts[0]
    assert "Koen De Backer" not in texts[0]  # Yasmine's spilfiguur


async def test_a_guardian_on_the_do_not_contact_list_gets_a_welcome_that_names_nobody(
    engine, clock, tmp_path
):
    rules = Rules(do_not_contact=(DoNotContact(guardian="G003"),))

    texts = await _welcome(engine, clock, tmp_path, rules)

    [text] = texts
    assert "Welkom! U bent nu verbonden met Sint-Jozefcollege." in text
    assert "أهلًا وسهلًا" in text  # in her language first, as every family text
    for name in ("Yasmine", "Ilyas", "Koen", "De Backer", "@example.org"):
        assert name not in text


async def test_a_roster_that_says_may_contact_no_for_every_child_gives_the_neutral_welcome(
    engine, clock, tmp_path
):
    async def forbid(engine) -> None:
        async with engine.begin() as conn:
            await conn.execute(sa.update(GuardianLink).values(may_contact=False))

    texts = await _welcome(engine, clock, tmp_path, prepare=forbid)

    [text] = texts
    assert "Welkom! U bent nu verbonden met Sint-Jozefcollege." in text
    assert "Yasmine" not in text
    assert "Ilyas" not in text


async def test_the_parent_of_a_pupil_of_18_without_consent_is_not_welcomed_for_that_pupil(
    engine, clock, tmp_path
):
    async def ilyas_of_age(engine) -> None:
        async with engine.begin() as conn:
            await conn.execute(
                sa.update(Pupil)
                .where(col(Pupil.pupil_id) == "P0018")
                .values(birth_date=clock.today().replace(year=clock.today().year - 18))
            )

    texts = await _welcome(engine, clock, tmp_path, prepare=ilyas_of_age)

    assert len(texts) == 1
    assert "voor Yasmine." in texts[0]
    assert "Ilyas" not in texts[0]
