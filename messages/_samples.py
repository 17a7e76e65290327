"""Sample values for every placeholder: the preview command and the tests render with these."""

from __future__ import annotations

from datetime import date

__all__ = ["SAMPLE_CONTEXT"]

# A fictional pupil and school. Tuesday 17 November 2026 is a school day; the return date
# is the Monday after. An invitation made that day works for 30 days.
SAMPLE_CONTEXT: dict[str, object] = {
    "first_name": "Yasmine",
    "school": "Sint-Jozefcollege",
    "sender": "mevrouw Claes (leerlingenbegeleiding)",
    "contact": "mevrouw Claes, 050 12 34 56",
    "class_name": "2B",
    "date": date(2026, 11, 17),
    "weekday": date(2026, 11, 17),
    "missed_half_days": 7,
    "days_without_answer": 3,
    "absent_pupils": 22,
    "held_messages": 40,
    "new_absences": 12,
    "open_nudges": 3,
    "pupils_back": 1,
    "items": "Nieuw sinds het vorige overzicht:\n• Yasmine (2B): 3 keer afwezig op een maandag "
    "in 6 weken: 5/10, 19/10, 16/11",
    "line": "3 keer afwezig op een maandag in 6 weken: 5/10, 19/10, 16/11",
    "count": 3,
    "weeks": 6,
    "dates": "5/10, 19/10, 16/11",
    "since": date(2026, 11, 12),
    "writer": "de moeder van Yasmine",
    "language": "tr",
    "message": "Yasmine is ziek, ze heeft koorts. Ze komt terug als ze beter is.",
    "translation": "Yasmine is ziek, ze heeft koorts. Ze komt terug wanneer ze beter is.",
    "words": "Yasmine is ziek, ze heeft koorts. Ze komt terug als ze beter is.",
    "person": "Fatima El Amrani",
    "relation": "moeder",
    "channel": "email",
    "pupil_id": "P0002",
    "school_year": "2026-2027",
    "problematic": 3,
    "unknown": 2,
    "justified": 4,
    "threshold": 5,
    "omitted": 12,
    "when": "di 17 nov. 10:30",
    "codes": "B",
    "what": "vraag over de afwezigheid",
    "status": "verstuurd",
    "recipient": "Fatima El Amrani (moeder)",
    "answer": "Ze is ziek",
    "by": "mevrouw Claes",
    "scope": "2B",
    "valid_until": date(2026, 12, 17),
    "helpline": "Awel",
    "helpline_phone": "102",
    "helpline_chat": "awel.be",
    "emergency": "112",
    "link": "https://gemist.sint-jozef.be/desk/in/3q2-7Kx0b9sWmZ4pTnY1vA",
}
