"""The planner's database side: it loads the facts, runs the tick, stores decisions and gates
delivery.

The care engine (:mod:`bot.engine`) decides from values and reads nothing; this package is
what feeds it and keeps what it decides. ``facts_db`` reads the pupils, staff, replies and sent
outreach the planner needs, and ``facts_cache`` keeps them between ticks of one process;
``tick`` runs the planner over them and stores the rows it plans in the outbox; ``decisions``
stores and reads what a coordinator decided (held days, notices, pauses); ``gate`` says at the
moment of sending whether a row may go now (sending hours, caps, held days).
"""
