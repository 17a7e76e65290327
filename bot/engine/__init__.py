"""The care engine: pure decisions over stored facts.

``episodes`` turns one pupil's absence marks into absence episodes and school-year counts;
``signals`` derives the follow-up signals (CLB threshold, long absence, patterns) from them.
Nothing in this package reads the database, the clock or the network: the planner passes the
facts, the calendar and the instant in, and gets values back.
"""
