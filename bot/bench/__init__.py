"""Benchmarks behind ``gemist bench``: tools for the people who build Gemist, not the product."""
