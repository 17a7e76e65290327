"""Polish."""

from tests.messages.languages import Cues

CUES = Cues(
    forbidden=(
        "wagar", "nieusprawiedliw", "sankcj", r"kar[aąyęo]\b", "karn", "ukara", "grzywn",
        "mandat", "obowiąz", "przymus", r"musi", r"musz", "należy", "prawn", r"ustaw[aąyie]\b",
        "policj", r"sąd(?:u|zie|owi|owy\w*)?\b", "pieniąd", "pieniędz", "zasił", "świadczeni",
        r"dodat(?:ek|ku|ki)\b", r"win(?:a|y|ę|ny|na|ni|nym)\b", "konsekwencj", "upomnie", "nagan",
        "zawiesz", "wydal", "relegow", "ostrzeż",
    ),
    guilty="Wagary to nieusprawiedliwiona nieobecność, za którą grozi kara.",
    innocent="Myślimy o Państwu i chętnie pomożemy.",
    help=r"pomo|pomóc|pomag|porozmaw|kontakt|zadzwon|telefon|pytani|pytań|odezw|zwróci|"
    r"potrzeb|ułatw|zostawimy|popro",
    reply=r"odpowi|napisz|napisa|wiadomo|wysła|wyślij|dać nam znać|dasz znać|spróbow|wybierz|"
    r"wybrać|potwierdz|/start",
    choose=r"wybrać „([^”]+)”",
    tapping=("klik", "przycisk", "naciśn", "dotknij", "stuknij"),
    tapped="Wystarczy kliknąć przycisk poniżej albo odpowiedzieć na tę wiadomość.",
)  # fmt: skip
