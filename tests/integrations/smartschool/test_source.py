"""Smartschool's absences as an AbsenceSource, against the local server with the real client."""

from __future__ import annotations

import datetime as dt

import pytest

from integrations.abc import AbsenceBatch, RowReject
from integrations.exceptions import FeedAuthError, FeedParseError, FeedUnavailable
from integrations.smartschool.exceptions import (
    SmartschoolAccessRefused,
    SmartschoolBadAnswer,
    SmartschoolFault,
    SmartschoolUnavailable,
)
from integrations.smartschool.source import ABSENCES_METHOD, SmartschoolAbsenceSource
from tests.helpers.smartschool_source import (
    AMIRA,
    DAY,
    LARS,
    NOOR,
    client_of,
    sample_school,
    serving,
)

WHERE = f"{ABSENCES_METHOD} {DAY.isoformat()}"


async def batches(source: SmartschoolAbsenceSource) -> list[AbsenceBatch]:
    return [batch async for batch in source.batches()]


async def test_a_day_is_a_snapshot_of_absent_half_days_with_canonical_codes() -> None:
    async with serving() as server, client_of(server) as client:
        source = SmartschoolAbsenceSource(client, [DAY])
        [batch] = await batches(source)

    assert sorted(batch.records) == [
        (AMIRA, DAY, "am", "Z", None, None, None),
        (AMIRA, DAY, "pm", "Z", None, None, None),
        (LARS, DAY, "am", "B", None, None, None),  # "|" in the afternoon: present
        (NOOR, DAY, "pm", "Z", None, None, None),  # null in the morning; "D" is a doctor's note
    ]
    assert batch.rejects == []
    assert batch.kept == []
    assert batch.rows == 4
    assert source.covers == (DAY,)
    assert source.location == WHERE
    assert server.calls == [ABSENCES_METHOD]


async def test_a_date_without_any_mark_is_still_covered() -> None:
    quiet = dt.date(2026, 11, 16)
    async with serving() as server, client_of(server) as client:
        source = SmartschoolAbsenceSource(client, [quiet, DAY])
        found = await batches(source)

    assert [len(batch.records) for batch in found] == [0, 4]
    assert source.covers == (quiet, DAY)
    assert server.calls == [ABSENCES_METHOD, ABSENCES_METHOD]  # one call per date


async def test_an_unmapped_letter_is_rejected_where_and_why_and_its_half_day_kept() -> None:
    school = sample_school()
    school.absences[DAY.isoformat()][LARS] = ("Q", "L")
    async with serving(school) as server, client_of(server) as client:
        [batch] = await batches(SmartschoolAbsenceSource(client, [DAY]))

    assert [r for r in batch.records if r[0] == LARS] == []
    [q, l_code] = batch.rejects
    assert (q.file, q.line, q.column) == (WHERE, None, f"pupil {LARS}, am")
    assert q.reason.startswith("unknown absence code 'Q'")
    assert q.reason.endswith("map it in [codes] of the configuration")
    assert l_code.column == f"pupil {LARS}, pm"
    assert "[codes] L" in l_code.reason
    assert batch.kept == [(LARS, DAY, "am"), (LARS, DAY, "pm")]


async def test_the_schools_own_codes_map_its_letters() -> None:
    school = sample_school()
    school.absences[DAY.isoformat()][LARS] = ("L", "x")
    async with serving(school) as server, client_of(server) as client:
        source = SmartschoolAbsenceSource(client, [DAY], code_map={"L": "P", "X": "M"})
        [batch] = await batches(source)

    assert sorted(r[2:4] for r in batch.records if r[0] == LARS) == [("am", "P"), ("pm", "M")]
    assert batch.rejects == []


async def test_a_pupil_key_that_names_nobody_keeps_the_whole_date() -> None:
    school = sample_school()
    school.absences[DAY.isoformat()][" "] = ("B", "B")
    async with serving(school) as server, client_of(server) as client:
        [batch] = await batches(SmartschoolAbsenceSource(client, [DAY]))

    assert batch.rejects == [
        RowReject(WHERE, None, "pupil ' '", "a pupil without an internal number")
    ]
    assert batch.kept == [(None, DAY, None)]


@pytest.mark.parametrize(
    ("trouble", "error", "kind"),
    [
        ("fault", SmartschoolFault, None),
        ("broken_json", SmartschoolBadAnswer, FeedParseError),
        ("unavailable", SmartschoolUnavailable, FeedUnavailable),
        ("slow", SmartschoolUnavailable, FeedUnavailable),
    ],
)
async def test_a_failed_call_raises_and_gives_nothing_of_the_feed(
    trouble: str, error: type[Exception], kind: type[Exception] | None
) -> None:
    later = dt.date(2026, 11, 18)
    async with serving() as server, client_of(server, timeout=0.2) as client:
        server.slow_seconds = 1.0
        server.trouble_on(ABSENCES_METHOD, later.isoformat(), trouble)
        source = SmartschoolAbsenceSource(client, [DAY, later])
        with pytest.raises(error) as caught:
            await source.read()
        with pytest.raises(error):  # and again when the importer asks for the batches
            await batches(source)

    assert f"Smartschool {ABSENCES_METHOD}" in str(caught.value)
    if kind is FeedParseError:  # which date's answer could not be read
        assert str(caught.value).startswith(f"Smartschool {ABSENCES_METHOD} 2026-11-18 answer: ")
    if kind is not None:
        assert isinstance(caught.value, kind)


async def test_a_refused_access_code_is_an_authentication_error() -> None:
    async with serving() as server, client_of(server) as client:
        server.access_code = "another"
        with pytest.raises(SmartschoolAccessRefused) as caught:
            await SmartschoolAbsenceSource(client, [DAY]).read()

    assert isinstance(caught.value, FeedAuthError)
    assert "access code refused" in str(caught.value)


def test_a_source_needs_a_date() -> None:
    with pytest.raises(ValueError, match="no date"):
        SmartschoolAbsenceSource(None, [])  # type: ignore[arg-type]
