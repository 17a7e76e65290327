"""The school calendar, the clock, and the wiring of Gemist's recurring ticks."""
