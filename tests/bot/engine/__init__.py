"""Tests of the care engine (shorthand in ``tests.helpers.engine``)."""
