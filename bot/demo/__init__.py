"""``gemist demo``'s building blocks, none of which talks to Telegram or runs the bot:

- :mod:`bot.demo.school`: the school (the example roster as package data) and its two weeks:
  feed deliveries, scripted answers of pupils, guardians and staff, and what each is there to
  show;
- :mod:`bot.demo.people`: everyone on the roster with a fixed chat id and a Dutch role word;
- :mod:`bot.demo.events`: what happened in a chat (:class:`~bot.demo.events.ChatEvent`, built
  from the local Bot API server's ``sent`` list and the injected texts and taps) and who is
  behind it (:class:`~bot.demo.events.Recipient`);
- :mod:`bot.demo.transcript`: a self-contained HTML page per person, and an index;
- :mod:`bot.demo.timeline`: the same events as a readable timeline in the terminal.

The demo's driver (``gemist demo``) runs the bot, replays the weeks and hands the events over.
"""
