"""Tests of the planner's database side: facts loaded, the tick, decisions stored, the gate."""
