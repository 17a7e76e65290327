"""English."""

from tests.messages.languages import Cues

CUES = Cues(
    forbidden=(
        "truan", "unexcused", "unauthori[sz]ed", "sanction", "punish", "penalt", r"fines?\b",
        r"fined\b", "mandatory", "compulsory", "allowance", "benefit", "money", r"law\b",
        "legal", "illegal", "police", "court", "prosecut", r"must\b", r"have to\b", "obligat",
        "blame", "fault", "detention", "suspen[ds]", "expel",
    ),
    guilty="Truancy is unexcused; attendance is compulsory by law.",
    innocent="Get well soon",
    help=r"help|talk|in touch|contact|call|ask|anything|something|need|easier|question|"
    r"not on your own",
    reply=r"reply|answer|message|send|let us know|tell|try again|choose|confirm|/start",
    choose=r"[Cc]hoose “([^”]+)”",
    tapping=(r"tap(?:s|ped|ping)?\b", "press", "button", "click"),
    tapped="Tap a button below or reply to this message.",
)  # fmt: skip
