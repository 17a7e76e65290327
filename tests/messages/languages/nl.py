"""Dutch, the source language."""

from tests.messages.languages import Cues

CUES = Cues(
    forbidden=(
        "spijbel", "ongewettigd", "ongeoorloofd", "sanctie", "sanctioner", "straf", "bestraf",
        "boete", "verplicht", "leerplicht", "schooltoelage", "toelage", "groeipakket",
        "uitkering", "geld", "euro", r"wet\b", "wettelijk", r"wetten\b", "politie", "parket",
        "rechter", "tucht", "schorsing", "uitsluiting", "schuld", r"moet(en)?\b", "spijt u",
    ),
    guilty="Uw kind spijbelt; dat is ongewettigd en de leerplicht geldt.",
    innocent="Laat u het ons weten?",
    help=r"help|hulp|praten|iets (voor je )?doen|nodig|makkelijker|contact|terecht|bel|vraag",
    reply=r"antwoord|bericht|stuur|weten|zeg|probeer|kies|bevestig|/start",
    choose=r"Kies (?:dan )?“([^”]+)”",
    tapping=(r"tik(?:t|ken)?\b", r"druk(?:t|ken)? (?:dan )?op\b", "knop", "klik"),
    tapped="Tik op een knop hieronder of antwoord op dit bericht.",
)  # fmt: skip
