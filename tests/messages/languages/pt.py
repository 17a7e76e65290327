"""Portuguese (European and Brazilian readers alike)."""

from tests.messages.languages import Cues

CUES = Cues(
    forbidden=(
        "gazet", "matar aula", "cabula", "injustificad", "sanç", "castig", "puni", "multa",
        "obrigatóri", "obrigaç", r"lei\b", r"leis\b", "legal", "ilegal", "polícia", "tribunal",
        r"juiz\b", r"deve[ms]?\b", r"tens? de\b", r"tem que\b", "culpa", "expuls", "suspens",
        "dinheiro", "abono", "subsídio", "bolsa família", "conselho tutelar", "cpcj",
    ),
    guilty="As faltas injustificadas são punidas com multa: a escola é obrigatória por lei.",
    innocent="Pensamos em ti e desejamos rápidas melhoras.",
    help=r"ajud|falar|convers|lig|pergunt|alguma coisa|algo|precis|facilit|contigo|peça|pedir|"
    r"respond|soluç",
    reply=r"respond|resposta|mensagem|envi|mand|diga|dizer|contar|escrev|tente|escolh|"
    r"confirm|/start",
    choose=r"Escolha “([^”]+)”",
    tapping=(r"toca\b", r"toque\b", "botão", "botões", "carregu", "clique", r"prima\b"),
    tapped="Toque num botão abaixo ou responda a esta mensagem.",
)  # fmt: skip
