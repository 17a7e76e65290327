"""German."""

from tests.messages.languages import Cues

CUES = Cues(
    forbidden=(
        "schwänz", "unentschuldigt", "unerlaubt", "sanktion", "straf", "bestraf", "bußgeld",
        "bussgeld", "geldbuße", "geld", "kindergeld", "schulpflicht", "pflicht", "verpflicht",
        "gesetz", "rechtlich", "illegal", "polizei", "gericht", "jugendamt", r"muss\b",
        r"musst\b", r"müss", "schuld", "vorwurf", "verweis", "ausschluss", "nachsitz",
        "verstoß", "verstoss", "konsequenz",
    ),
    guilty="Unentschuldigtes Fehlen verstößt gegen die Schulpflicht und wird bestraft.",
    innocent="Wir denken an dich und wünschen dir gute Besserung.",
    help=r"hilf|helf|rede|sprech|kontakt|wenden|ruf|frag|etwas|brauch|leichter|allein|meld",
    reply=r"antwort|nachricht|schick|schreib|sag|bescheid|versuch|wähl|bestätig|/start",
    choose=r"Wählen Sie „([^“]+)“",
    tapping=(
        r"tipp(?:e|en|t)\b", "tipp auf", "antipp", "button", r"taste\b", "knopf", "schaltfläche",
        "klick", "drück",
    ),
    tapped="Tippen Sie unten auf einen Button oder antworten Sie auf diese Nachricht.",
)  # fmt: skip
