"""Message templates and their rendering (Babel: locales, plurals, dates, right-to-left)."""
