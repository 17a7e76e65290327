"""``gemist smartschool check``: does the configured access code give Gemist what it needs?

Reads the ``[smartschool]`` table and the ``GEMIST_SMARTSCHOOL_*`` variables, calls the school's
webservices once per method Gemist needs (:mod:`integrations.smartschool.check`: no call has a
side effect, no message is sent) and prints, per method, whether it works and what the
administrator still has to allow. Exit 0 only when everything Gemist needs works; 1 when
something does not (the report says what); 2 when the settings are unusable.

The access code is never printed: the report is made of method names, numeric codes and
Smartschool's texts, and the code is also redacted from stderr and logs while the check runs.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime
from typing import Any

from bot import redaction
from bot.config import ENV_PREFIX, ConfigError, Settings
from bot.exits import Exit
from integrations.smartschool.check import Report, check
from integrations.smartschool.client import SmartschoolClient
from integrations.smartschool.settings import SmartschoolOptions

__all__ = ["TABLE", "read_options", "register"]

TABLE = "smartschool"
"""The configuration's table (``[smartschool]``), and the infix of the variables
(``GEMIST_SMARTSCHOOL_``)."""

HELP = "Smartschool: check that the access code allows what Gemist needs"


def register(commands: Any) -> None:
    parser: argparse.ArgumentParser = commands.add_parser("smartschool", help=HELP)
    actions = parser.add_subparsers(dest="smartschool_action", metavar="ACTION", required=True)
    check_parser = actions.add_parser(
        "check",
        help="call Smartschool once per method Gemist needs, without sending anything; say what "
        "works and what the administrator still has to allow (exit 0 only when all works)",
    )
    check_parser.add_argument(
        "--json",
        action="store_true",
        help="print the report as JSON Lines: one object per check, then a summary",
    )
    check_parser.set_defaults(handler=run_check)


def read_options(settings: Settings) -> SmartschoolOptions:
    """Smartschool's settings, as the source and the channel read them
    (:func:`bot.imports.smartschool.options`)."""
    from bot.imports.smartschool import options

    return options(settings)


async def run_check(args: argparse.Namespace, settings: Settings) -> int:
    """Check the configured access code against the school's Smartschool; print the report."""
    try:
        options = read_options(settings)
    except ConfigError as err:
        print(f"gemist: smartschool check: {err}", file=sys.stderr)
        return Exit.UNUSABLE
    if options.url is None or options.access_code is None:
        missing = [key for key in ("url", "access_code") if getattr(options, key) is None]
        variables = ", ".join(f"{ENV_PREFIX}{TABLE.upper()}_{key.upper()}" for key in missing)
        print(
            f"gemist: smartschool check: set {' and '.join(missing)} in [{TABLE}] of the "
            f"configuration file (or {variables}); see docs/smartschool.md",
            file=sys.stderr,
        )
        return Exit.UNUSABLE
    today = datetime.now(settings.timezone).date()
    # The access code is in the settings as a plain string of the table or the environment:
    # make sure this command's stderr and logs know it as a secret, whatever a library prints.
    with redaction.installed(options):
        async with SmartschoolClient(
            options.url,
            options.access_code.get_secret_value(),
            timeout=options.timeout,
            attempts=1,  # the check says how it is now; the bot itself retries
        ) as client:
            report = await check(
                client, today=today, sender=options.sender, identifier=options.identifier.value
            )
    print("\n".join(as_json_lines(report) if args.json else as_text(report)))
    return Exit.OK if report.ok else Exit.NOT_MET


def as_text(report: Report) -> list[str]:
    """The report for a person: one line per check, then what to do."""
    lines = [f"Smartschool check: {report.endpoint}"]
    subject_width = max(len(f.subject) for f in report.findings)
    status_width = max(len(f.status.value) for f in report.findings)
    for finding in report.findings:
        lines.append(
            f"  {finding.subject:<{subject_width}}  {finding.status.value:<{status_width}}  "
            f"{finding.detail}".rstrip()
        )
    lines.append("")
    if report.ok:
        lines.append(
            f"Ready: everything Gemist needs works ({report.calls} calls, nothing was sent)."
        )
        return lines
    lines.append("To do:")
    lines.extend(f"  - {f.subject}: {f.advice}" for f in report.problems if f.advice)
    problems = len(report.problems)
    lines.append("")
    lines.append(
        f"Not ready: {problems} problem{'s' if problems != 1 else ''} "
        f"({report.calls} calls, nothing was sent)."
    )
    return lines


def as_json_lines(report: Report) -> list[str]:
    """The report for a script, as JSON Lines: one object per check, then a summary."""
    lines = [
        json.dumps(
            {
                "subject": f.subject,
                "status": f.status.value,
                "ok": f.ok,
                "detail": f.detail,
                "advice": f.advice,
            },
            ensure_ascii=False,
        )
        for f in report.findings
    ]
    summary = {
        "summary": True,
        "endpoint": report.endpoint,
        "ok": report.ok,
        "problems": len(report.problems),
        "calls": report.calls,
    }
    lines.append(json.dumps(summary, ensure_ascii=False))
    return lines
