"""``gemist demo``'s building blocks: the school and its two weeks, the chats as events, and
what the demo shows of them (a timeline in the terminal, a transcript per person in HTML).

Nothing here talks to Telegram or runs the bot: the demo's driver does, and hands the chats'
events to :mod:`bot.demo.transcript` and :mod:`bot.demo.timeline`.
"""
