"""Italian."""

from tests.messages.languages import Cues

CUES = Cues(
    forbidden=(
        "marinare", "marinato", "assenteismo", "ingiustificat", "sanzion", "punizion", "punir",
        "punit", r"multa\b", r"multe\b", "obblig", r"legge\b", r"leggi\b", "legal", "illegal",
        "polizia", "carabinier", "tribunal", "giudic", r"dev[eoi]\b", r"devono\b", r"dovete\b",
        "colpa", "colpevol", "sospension", "espuls", "disciplin", "denaro", "soldi",
        "assegni familiari", "sussidi",
    ),
    guilty="Le assenze ingiustificate sono punite con una multa: la scuola è obbligatoria.",
    innocent="Pensiamo a te e ti auguriamo di rimetterti presto.",
    help=r"aiut|parla|contatt|rivolg|chiam|domand|qualcosa|serv|bisogno|facile|contare|chied",
    reply=r"rispond|rispost|messaggio|scriv|invia|sapere|dimmelo|dica|riprova|scegl|scelga|"
    r"conferm|/start",
    choose=r"Scelga «([^»]+)»",
    tapping=("tocc", "pulsant", r"prem[ie]\b", "clicc", "bottone"),
    tapped="Tocchi un pulsante qui sotto o risponda a questo messaggio.",
)  # fmt: skip
