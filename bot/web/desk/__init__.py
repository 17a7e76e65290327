"""The coordinator's desk: a web application for the school's staff, in the same aiohttp
application as the answer pages (so ``gemist web`` and ``gemist run`` serve it alike), under
``/desk/``.

- :mod:`~bot.web.desk.signin`: signing in by a link sent on the person's own channel (no
  password), bound to the browser that asked; signing out;
- :mod:`~bot.web.desk.sessions`: the sign-in requests and sessions, stored as hashes only;
- :mod:`~bot.web.desk.access`: the one place that decides who may see which page and pupil;
- :mod:`~bot.web.desk.base`: the layout, cookies, CSRF tokens, and the gate of every page;
- :mod:`~bot.web.desk.read`: what the pages read, always within the viewer's scope;
- :mod:`~bot.web.desk.pages`: *Vandaag*, *Leerling*, and the pages still to come;
- :mod:`~bot.web.desk.rules`: *Regels*, the rules as a form, their preview and versions.

The pages speak Dutch, French or English (the staff member's roster language), from their own
gettext domain ``desk`` (``locales/<lang>/LC_MESSAGES/desk.po``). Catalog work, from the
repository root::

    pybabel extract -F bot/web/desk/babel.cfg --no-default-keywords -k _ -k D_ \\
        --no-location --sort-output --width=100 --project=Gemist -o locales/desk.pot .
    pybabel update -i locales/desk.pot -d locales -D desk --width=100 --no-fuzzy-matching \\
        --ignore-obsolete

They use no JavaScript and only the application's own stylesheet (``static/desk.css``), under
the strict Content Security Policy of :mod:`bot.web.security`.
"""

from __future__ import annotations

from aiohttp import web

from bot.web.desk import pages, rules, signin
from bot.web.desk.base import DESK, Desk

__all__ = ["DESK", "Desk", "add_routes"]


def add_routes(app: web.Application, desk: Desk | None = None) -> None:
    """The desk's routes in ``app``, with its templates and catalogs (``desk``)."""
    app[DESK] = desk or Desk()
    signin.add_routes(app.router)
    pages.add_routes(app.router)
    rules.add_routes(app)
