"""Turkish."""

from tests.messages.languages import Cues

CUES = Cues(
    forbidden=(
        "kaça[kğ]", "kaytar", "okuldan kaç", "devamsız", "özürsüz", "ceza", "yaptırım",
        "disiplin", "uzaklaştır", "ihraç", "ihtar", "uyarı", "tutanak", "zorunlu", "zorunda",
        "mecbur", r"yasa\b", "yasal", "yasadışı", "kanun", "hukuk", "polis", "mahkeme", "savcı",
        r"para\b", r"paras[ıi]", "ödenek", "suç", "kabahat", "ihmal",
    ),
    guilty="Özürsüz devamsızlık yasal olarak ceza gerektirir.",
    innocent="Seni düşünüyoruz, geçmiş olsun.",
    help=r"yardım|yapabil|ihtiya[cç]|ulaş|konuş|kolaylaştır|iletişim|soru|arayaca|isteyin|"
    r"yalnız değil",
    reply=r"mesaj|yanıt|cevap|düğme|dokun|bildir|gönder|tekrar dene|/start",
    tap=r"“([^”]+)” düğmesine dokunun",
)  # fmt: skip
