"""The harness itself: a missing Chromium fails with the way to install it, and the console
check does see what the Content Security Policy refuses (else a clean console would prove
nothing)."""

from __future__ import annotations

import pytest
from playwright.async_api import Route

from bot.web.security import HEADERS
from tests.browser.conftest import BROWSER, Visit, chromium_path

BREAKS_THE_POLICY = "<style>p { color: red }</style><script>document.title = 'x'</script><p>x</p>"


def test_a_missing_chromium_fails_and_says_how_to_install_it(monkeypatch, tmp_path):
    monkeypatch.setenv("GEMIST_CHROMIUM", str(tmp_path / "chromium"))
    with pytest.raises(pytest.fail.Exception, match=r"apt-get install -y chromium"):
        chromium_path()


def test_the_configured_chromium_is_used(monkeypatch, tmp_path):
    binary = tmp_path / "chromium"
    binary.write_text("#!/bin/sh\n")
    binary.chmod(0o755)
    monkeypatch.setenv("GEMIST_CHROMIUM", str(binary))
    assert chromium_path() == str(binary)


@BROWSER
async def test_the_console_check_sees_what_the_policy_refuses(visit: Visit):
    async def serve(route: Route) -> None:
        await route.fulfill(
            status=200, headers={**HEADERS, "Content-Type": "text/html"}, body=BREAKS_THE_POLICY
        )

    await visit.page.route("http://127.0.0.1:9/probe", serve)
    await visit.page.goto("http://127.0.0.1:9/probe")
    refused = visit.csp_violations()
    assert len(refused) == 2, visit.console  # the inline style and the inline script
    assert await visit.page.title() == ""
