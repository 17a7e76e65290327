"""Romanian."""

from tests.messages.languages import Cues

CUES = Cues(
    forbidden=(
        "chiul", "nemotivat", "absenteism", "abandon", "sanc[țţ]i", "pedeaps", "pedeps", "amend",
        "obliga", "trebui", r"datori(?:a|e)?\b", r"lege\b", "legea", "legii", "legal", "ilegal",
        "legisla", "poli[țţ]i", "instan[țţ]", "tribunal", "judecăt", "vinov", r"vin[aă]\b",
        "exmatricul", "eliminar", "mustr", "avertisment", r"not(?:a|ei) la purtare",
        "aloca[țţ]i", r"bani\b", "banii", r"ajutor(?:ul)? social", "neglij",
    ),
    guilty="Absențele nemotivate se sancționează conform legii.",
    innocent="Ne gândim la tine. Suntem alături de tine.",
    help=r"ajut|face ceva|nevoie|alături|te caut|vorb|ușo|ușu|legătur|întreb|contact|sun|cere",
    reply=r"mesaj|răspun|anunța|spune|spui|trimit|scrii|încercați|alege|confirma|/start",
    choose=r"Alegeți „([^”]+)”",
    tapping=(r"apăsați\b", r"apasă (?:pe|butonul)\b", "buton", r"atingeți\b", "clic"),
    tapped="Apăsați pe un buton de mai jos sau răspundeți la acest mesaj.",
)  # fmt: skip
