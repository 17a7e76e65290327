"""Tests of the coordinator desk's reads (:mod:`bot.desk`)."""
