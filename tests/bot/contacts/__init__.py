"""Tests of the contacts and of the decision who is reached how."""
