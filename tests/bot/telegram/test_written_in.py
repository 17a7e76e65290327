"""The language forwarded words were written in: recognised offline on real sentences in the
languages Gemist speaks, and "not recognised" rather than a confident wrong guess."""

from __future__ import annotations

import pytest

from bot.answers.written_in import detect

SENTENCES = {
    "nl": "Mijn dochter is ziek, ze heeft koorts sinds gisteren.",
    "fr": "Mon fils est malade, il a de la fièvre depuis hier.",
    "en": "My daughter is ill, she has had a fever since yesterday.",
    "de": "Meine Tochter ist krank, sie hat seit gestern Fieber.",
    "ar": "ابنتي مريضة، عندها حمى منذ الأمس.",
    "tr": "Kızım hasta, dünden beri ateşi var.",
    "pl": "Moja córka jest chora, od wczoraj ma gorączkę.",
    "ru": "Моя дочь заболела, у неё температура со вчерашнего дня.",
    "uk": "Моя донька хвора, у неї температура з учорашнього дня.",
    "bg": "Дъщеря ми е болна, има температура от вчера.",
    "ro": "Fiica mea este bolnavă, are febră de ieri.",
    "es": "Mi hija está enferma, tiene fiebre desde ayer.",
    "it": "Mia figlia è malata, ha la febbre da ieri.",
    "pt": "A minha filha está doente, tem febre desde ontem.",
    "sq": "Vajza ime është e sëmurë, ka temperaturë që nga dje.",
    "so": "Gabadhayda way jiran tahay, qandho ayay qabtaa tan iyo shalay.",
    "ti": "ጓለይ ሓሚማ ኣላ፣ ካብ ትማሊ ጀሚራ ረስኒ ኣለዋ።",
    "ps": "زما لور ناروغه ده، له پرون راهیسې تبه لري.",
    "fa": "دخترم بیمار است، از دیروز تب دارد.",
}


@pytest.mark.parametrize(("lang", "sentence"), SENTENCES.items(), ids=list(SENTENCES))
def test_a_parents_sentence_is_recognised_in_each_language_gemist_speaks(lang, sentence):
    assert detect(sentence) == lang


@pytest.mark.parametrize(
    "sentence",
    [
        "mijn zoon is ziek vandaag hij kan niet komen school",
        "dag juf, Yasmine heeft buikpijn, zij blijft thuis vandaag. dank u",
        "wij zijn naar Marokko voor begrafenis van opa",
        "Hij heeft dokter afspraak om 10 uur",
    ],
)
def test_dutch_written_by_an_arabic_speaking_parent_is_dutch(sentence):
    assert detect(sentence) == "nl"


@pytest.mark.parametrize("text", ["ok", "ja", "merci", "👍", "Ziek", "oké dank u", "12:30", ""])
def test_a_few_letters_are_not_labelled_with_a_language(text):
    assert detect(text) is None


def test_ethiopic_script_without_a_letter_only_tigrinya_has_is_not_recognised():
    # Tigrinya or Amharic: the classifier cannot tell, and neither can this sentence.
    assert detect("ጽባሕ ናብ ቤት ትምህርቲ ክምለስ እዩ።") is None
    assert detect("ጓለይ ሓሚማ ኣላ") == "ti"


def test_moroccan_arabic_is_named_arabic():
    assert detect("ولدي مريض اليوم ما يقدرش يمشي للمدرسة، الله يخليك") == "ar"
