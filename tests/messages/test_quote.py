"""Someone's own words inside Gemist's message: every line behind the bar, no direction
controls, each line isolated, and cut to fit in one Telegram message."""

from __future__ import annotations

from messages._quote import BAR, BIDI_CONTROLS, MAX_QUOTED, quote

FSI, PDI = "\u2068", "\u2069"


def test_every_line_starts_with_the_bar_whatever_line_break_the_writer_used():
    text = "een\ntwee\r\ndrie\u2028vier\u2029vijf\x85zes\x0bzeven"

    lines = quote(text).split("\n")

    words = ["een", "twee", "drie", "vier", "vijf", "zes", "zeven"]
    assert lines == [f"{BAR}{FSI}{word}{PDI}" for word in words]


def test_an_empty_line_is_quoted_too():
    assert quote("ja\n\nneen") == f"{BAR}{FSI}ja{PDI}\n\u2502\n{BAR}{FSI}neen{PDI}"


def test_direction_controls_are_taken_out_and_each_line_isolated():
    text = "\u202egnirts\u202c \u2066x\u2069 \u200f\u061c\u200e"

    [line] = quote(text).split("\n")

    assert not BIDI_CONTROLS & set(line[len(BAR) + 1 : -1])
    assert line == f"{BAR}{FSI}gnirts x{PDI}"


def test_a_long_text_is_cut_with_a_mark():
    quoted = quote("woord " * 2000)

    assert len(quoted) <= MAX_QUOTED
    assert quoted.endswith(f"{BAR}[\u2026]")
    many_lines = quote("x\n" * 5000)
    assert len(many_lines) <= MAX_QUOTED
    assert many_lines.endswith(f"{BAR}[\u2026]")
