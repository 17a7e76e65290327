"""French."""

from tests.messages.languages import Cues

CUES = Cues(
    forbidden=(
        "école buissonnière", "absentéisme", "injustifi", "sanction", "puni", "amende",
        "obligatoire", "obligation", "allocation", "argent", r"loi\b", "légal", "illégal",
        "police", "tribunal", r"juge\b", r"doi[st]\b", r"doivent\b", r"devez\b", "faute",
        "exclusion", "renvoi", "retenue",
    ),
    guilty="L'absentéisme injustifié entraîne une sanction.",
    innocent="Nous pensons à vous",
    help=r"aid|parler|contact|adresser|appel|question|compter|quelque chose|besoin|faciliter|"
    r"demandez",
    reply=r"répon|message|envo[iy]|écri|dites|dire|dis-le|réessayez|choisi|confirm|/start",
    choose="Choisissez (?:alors )?«\u00a0([^»]+?)\u00a0»",
    tapping=("appu[iy]", "bouton", r"touche[zr]?\b", "clique"),
    tapped="Appuyez sur un bouton ci-dessous ou répondez à ce message.",
)  # fmt: skip
