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
    reply=r"mesaj|yanıt|cevap|bildir|gönder|tekrar dene|seç|onayla|/start",
    choose=r"“([^”]+)” seçeneğini seçin",
    tapping=("dokun", "düğme", "tıkla", r"bas(?:ın)?\b"),
    tapped="Aşağıdaki düğmelerden birine dokunun ya da bu mesajı yanıtlayın.",
)  # fmt: skip
