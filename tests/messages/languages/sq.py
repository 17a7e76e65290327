"""Albanian."""

from tests.messages.languages import Cues

CUES = Cues(
    forbidden=(
        "pajustifikuar", "paarsyesh", r"pa arsye\b", "braktis", "dënim", "dënoh", "dënu",
        "ndëshk", "gjob", "sanksion", "detyru", "detyrim", r"duhet\b", "ligj", "paligj", "polic",
        "gjykat", "prokuror", r"paratë\b", "parave", r"të holla\b", r"ndihm\w* sociale",
        r"ndihm\w* ekonomike", "faj", "përjashtim", "pezull", "disiplin", "vërejtje", "shkelje",
        "neglizh",
    ),
    guilty="Mungesat e pajustifikuara dënohen me gjobë sipas ligjit.",
    innocent="Mendojmë për ju dhe ju urojmë shërim të shpejtë.",
    help=r"ndihm|diçka|kontakt|fla[sl]|flisni|pyetje|telefon|lehtë|kërko|nevoj|vetëm",
    reply=r"mesazh|përgjigj|njofto|trego|thuaj|dërgo|provoni|shkruaj|zgjidh|konfirm|/start",
    choose=r"Zgjidhni «([^»]+)»",
    tapping=("shtyp", "buton", r"prekni\b", "kliko"),
    tapped="Shtypni një buton më poshtë ose përgjigjuni këtij mesazhi.",
)  # fmt: skip
