"""Gemist: the application (domain model, storage, care engine, interfaces, command line)."""

__version__ = "0.1.0"
