"""Someone's own words inside a message of Gemist, shown so that they cannot pass for Gemist's.

A pupil or a parent writes free text; the spilfiguur receives it between Gemist's heading and
footer (``coordinator_forward``). Telegram shows messages as plain text, so a writer could
otherwise append a line that reads like Gemist's footer, or turn a line around with a
right-to-left override. :func:`quote` makes that impossible:

- every line of the words, empty ones too, starts with :data:`BAR` ("│ "): Gemist's own lines
  never do, and the writer cannot make a line that does not (every kind of line break Python
  knows ends a line, U+2028 and U+2029 included);
- the bidirectional controls a writer could type (embeddings and overrides U+202A-U+202E,
  isolates U+2066-U+2069, the marks U+200E, U+200F and U+061C) are taken out, so nothing can
  reverse a line or reach beyond it;
- each line is then put in an isolate of its own (U+2068 ... U+2069), so that Arabic or Persian
  words read right to left inside it while the bar stays at the start of the line;
- a quote longer than :data:`MAX_QUOTED` characters is cut, with "[…]" on a line of its own,
  so that the message stays within Telegram's 4096 characters (the answer is kept in the
  database as it was written).
"""

from __future__ import annotations

__all__ = ["BAR", "BIDI_CONTROLS", "MAX_QUOTED", "quote", "without_bidi_controls"]

BAR = "\u2502 "
"""What starts every quoted line."""
BIDI_CONTROLS = frozenset(
    "\u061c\u200e\u200f" + "".join(map(chr, range(0x202A, 0x202F))) + "\u2066\u2067\u2068\u2069"
)
MAX_QUOTED = 3000
"""Characters of someone's words quoted at most (Telegram allows 4096 in a message)."""
_FSI, _PDI = "\u2068", "\u2069"
_CUT = f"{BAR}[\u2026]"
_REMOVE = dict.fromkeys(map(ord, BIDI_CONTROLS))


def without_bidi_controls(text: str) -> str:
    """``text`` without the characters that change the direction of what follows them."""
    return text.translate(_REMOVE)


def quote(text: str) -> str:
    """``text`` as quoted lines: each one starts with :data:`BAR` and is isolated; cut with
    "[…]" where the quote would grow beyond :data:`MAX_QUOTED` characters."""
    quoted: list[str] = []
    size = 0
    for line in without_bidi_controls(text).strip().splitlines() or [""]:
        shown = f"{BAR}{_FSI}{line.rstrip()}{_PDI}" if line.strip() else BAR.rstrip()
        if size + len(shown) + len(_CUT) + 1 > MAX_QUOTED:
            room = MAX_QUOTED - size - len(_CUT) - len(f"{BAR}{_FSI}{_PDI}\n")
            if room > 0 and line.strip():
                quoted.append(f"{BAR}{_FSI}{line[:room]}{_PDI}")
            quoted.append(_CUT)
            break
        quoted.append(shown)
        size += len(shown) + 1
    return "\n".join(quoted)
