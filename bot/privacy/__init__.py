"""Data protection: how long Gemist keeps what it holds, and the rights of the people in it.

- :mod:`bot.privacy.policy`: the retention policy (``[retention]`` in the configuration) and
  the dates it sets, counted in school years (:class:`scheduler.calendar.SchoolYear`).
- :mod:`bot.privacy.purge`: removes what the policy says has been kept long enough; run daily
  by ``gemist run`` and on demand by ``gemist privacy purge``.
- :mod:`bot.privacy.people`: finds one person by their roster id; :mod:`bot.privacy.erase`
  removes everything about them (and :mod:`bot.privacy.scrub` what else still names them);
  :mod:`bot.privacy.export` gathers it, :mod:`bot.privacy.document` writes it as JSON or as a
  readable Markdown document.
- :mod:`bot.privacy.audit`: the record of these actions (:class:`bot.models.PrivacyLog`), which
  keeps no personal data, and the log of who viewed a pupil's timeline.

``docs/privacy.md`` explains all of it to the school's data protection officer.
"""
