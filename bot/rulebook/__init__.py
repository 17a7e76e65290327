"""The coordinator's rules as Gemist keeps them: saved versions (:mod:`.versions`), the form
that describes and checks each setting (:mod:`.form`), and the preview of a change on the
school's own history (:mod:`.preview`).

:mod:`bot.rules` is the rules themselves (pure: their shape, defaults and checks); this package
stores them, and replays with them.
"""
