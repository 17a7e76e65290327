"""One module per ``gemist`` command; each exposes ``register(subparsers)``."""
