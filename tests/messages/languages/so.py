"""Somali."""

from tests.messages.languages import Cues

CUES = Cues(
    forbidden=(
        "ciqaab", "ganaax", "sharci", "qaanuun", "xeer", "booli", "boolis", "maxkamad",
        "garsoor", "xabsi", "lacag", "dhaqaale", "kharash", "gunno", "waajib", "qasab",
        "khasab", r"waa ina", r"waa in\b", "dembi", "dambi", "eedee", "eedayn", "eedeyn",
        "xadgudub", "cunaqabatayn", "edbin", "carar", "baxsad", "mamnuuc", "ka eryi",
        "ka saari",
    ),
    guilty="Waa inaad bixisaa ganaax: maqnaanshaha sharci darrada ah waa dembi.",
    innocent="Waan kaa fikirayaa, waxaan rajeynayaa inaad fiican tahay.",
    help=r"caawi|xiriir|wax aan|wax kuu|wax dugsigu|u baahan|fududa|la hadl|ii soo dir|"
    r"i soo mar|weydii|codso|wac|su.aal",
    reply=r"jawaab|fariin|sheeg|soo dir|isku day|dooro|xaqiiji|/start",
    choose=r"Dooro “([^”]+)”",
    tapping=("riix", "badhan", "taabo", "guji"),
    tapped="Riix badhan hoos ku yaal ama ka jawaab fariintan.",
)  # fmt: skip
