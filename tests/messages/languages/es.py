"""Spanish."""

from tests.messages.languages import Cues

CUES = Cues(
    forbidden=(
        "absentismo", "ausentismo", "novillos", "injustificad", "sanci", "castig", "multa",
        "obligatori", "obligaci", "obligad", r"ley\b", r"leyes\b", "legal", "ilegal", "policía",
        "tribunal", r"juez\b", "juzgado", r"debes?\b", r"deben\b", r"tienes? que\b",
        r"tienen que\b", "culpa", "expuls", "suspensi", "dinero", "subsidio", "prestaci",
    ),
    guilty="Las ausencias injustificadas tienen una sanción: la escuela es obligatoria por ley.",
    innocent="Pensamos en ti y esperamos que te mejores pronto.",
    help=r"ayud|habla|contacto|dirig|llam|pregunt|algo|necesit|fácil|contar|pid|pedir",
    reply=r"respond|respuesta|mensaje|escríb|env[ií]|d[ií]melo|d[ií]ganos|cuent|int[ée]ntelo|"
    r"eli[gj]|confírm|/start",
    choose=r"Elija “([^”]+)”",
    tapping=(r"toca\b", r"toque\b", r"tocar\b", "botón", "botones", r"puls[ae]\b", "clic"),
    tapped="Toque un botón aquí abajo o responda a este mensaje.",
)  # fmt: skip
