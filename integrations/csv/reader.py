"""Reading the canonical CSV files: encoding, delimiter, header, and row framing.

What a row *means* is decided by the sources; this module only makes sure a file is a CSV file
with the required columns, and hands out each row with its line number and fields by name.

Whatever a file holds, reading it takes bounded time and memory: only a regular file is opened
(a FIFO or a device would block or never end), lines are read one at a time and at most
:data:`MAX_LINE_CHARS` characters of one (the header :data:`MAX_HEADER_CHARS`), a field holds at
most :data:`MAX_FIELD_CHARS`; and a row with a NUL character is rejected with its line (SQLite
would store it, PostgreSQL refuses it).
"""

from __future__ import annotations

import csv
import io
import os
import stat
from collections.abc import Iterator, Sequence
from pathlib import Path
from types import TracebackType

from integrations.abc import RowReject
from integrations.csv.const import BINARY_SIGNATURES, DELIMITERS
from integrations.csv.values import EXCERPT_CHARS, excerpt
from integrations.exceptions import FeedParseError

__all__ = ["MAX_FIELD_CHARS", "MAX_HEADER_CHARS", "MAX_LINE_CHARS", "CsvTable"]

MAX_FIELD_CHARS = 1 << 20
"""Large enough for any real field (a long note), small enough to stop a runaway quote."""
MAX_LINE_CHARS = 4 << 20
"""One physical line: a few fields of the largest size."""
MAX_HEADER_CHARS = 1 << 16
"""The header row: a few dozen column names."""
csv.field_size_limit(MAX_FIELD_CHARS)


class CsvTable:
    """An open CSV file whose header has been checked.

    ``columns`` maps each known column name to its index. Iterating yields ``(line, fields)``
    for every data row, or a :class:`RowReject` for a row with the wrong number of fields.
    Blank lines are skipped. Use as a context manager.
    """

    def __init__(
        self,
        path: Path,
        required: Sequence[str],
        optional: Sequence[str] = (),
        *,
        name: str | None = None,
    ) -> None:
        self.path = path
        self.name = name or path.name
        self.warnings: list[str] = []
        self._handle = _open_text(path, self.name)
        try:
            self._reader, header = self._read_header()
            self.columns = self._check_header(header, required, optional)
            self.width = len(header)
        except BaseException:
            self._handle.close()
            raise

    def __enter__(self) -> CsvTable:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        self._handle.close()

    def _read_header(self) -> tuple[Iterator[list[str]], list[str]]:
        self._offset = 0  # physical lines before the data rows (the header, blank lines)
        try:
            first = self._handle.readline(MAX_HEADER_CHARS + 1)
            self._offset += 1
            while first and not first.strip():
                first = self._handle.readline(MAX_HEADER_CHARS + 1)
                self._offset += 1
        except UnicodeDecodeError as err:
            raise self._not_utf8(err) from err
        if not first.strip():
            raise FeedParseError(self.name, "the file is empty: a header row is required")
        self._header_line = self._offset
        if len(first) > MAX_HEADER_CHARS:
            raise FeedParseError(
                self.name,
                f"the header row is longer than {MAX_HEADER_CHARS:,} characters: "
                "is this the right file?",
                line=self._header_line,
            )
        if "\x00" in first:
            raise FeedParseError(
                self.name, "the header row holds a NUL character (U+0000)", line=self._header_line
            )
        delimiter = max(DELIMITERS, key=first.count)
        try:
            header = next(csv.reader([first], delimiter=delimiter))
        except csv.Error as err:
            raise FeedParseError(
                self.name, f"the header row is not readable as CSV: {err}", line=self._header_line
            ) from err
        self._nul_at: int | None = None  # the first physical line with a NUL, not yet rejected
        reader = csv.reader(self._lines(), delimiter=delimiter, strict=True)
        return reader, [_normalise(name) for name in header]

    def _lines(self) -> Iterator[str]:
        """The data lines, read one at a time, each at most :data:`MAX_LINE_CHARS` long."""
        readline = self._handle.readline
        number = self._offset
        while line := readline(MAX_LINE_CHARS + 1):
            number += 1
            if len(line) > MAX_LINE_CHARS:
                raise FeedParseError(
                    self.name,
                    f"the line is longer than {MAX_LINE_CHARS:,} characters: is this the "
                    "right file?",
                    line=number,
                )
            if "\x00" in line and self._nul_at is None:
                self._nul_at = number
            yield line

    def _check_header(
        self, header: list[str], required: Sequence[str], optional: Sequence[str]
    ) -> dict[str, int]:
        columns: dict[str, int] = {}
        for index, name in enumerate(header):
            if not name:
                continue
            if name in columns:
                raise FeedParseError(
                    self.name,
                    f"column {excerpt(name)} appears twice in the header",
                    line=self._header_line,
                )
            columns[name] = index
        missing = [name for name in required if name not in columns]
        if missing:
            found = _names(name for name in header if name) or "nothing"
            raise FeedParseError(
                self.name,
                f"missing required column{'s' if len(missing) > 1 else ''} "
                f"{', '.join(missing)} (the header has: {found})",
                line=self._header_line,
                column=missing[0],
            )
        known = set(required) | set(optional)
        ignored = [name for name in columns if name not in known]
        if ignored:
            self.warnings.append(f"{self.name}: ignoring unknown column(s): {_names(ignored)}")
        return {name: index for name, index in columns.items() if name in known}

    def _not_utf8(self, err: UnicodeDecodeError) -> FeedParseError:
        return FeedParseError(
            self.name,
            f"not UTF-8 text (byte 0x{err.object[err.start]:02x}); "
            "save the file as 'CSV UTF-8', not as plain 'CSV'",
            line=_first_undecodable_line(self.path),
        )

    def __iter__(self) -> Iterator[tuple[int, list[str]] | RowReject]:
        """Rows with the physical line they start on (a quoted field may span lines)."""
        width = self.width
        reader = self._reader
        offset = self._offset
        end = 0  # the reader's line count after the previous row
        try:
            for fields in reader:
                line = offset + end + 1
                end = reader.line_num  # type: ignore[attr-defined]
                if self._nul_at is not None:
                    yield self._nul(line, fields)
                    continue
                if len(fields) != width:
                    if not any(field.strip() for field in fields):
                        continue  # a blank line, or one with only separators
                    yield RowReject(
                        self.name,
                        line,
                        None,
                        f"has {len(fields)} fields where the header has {width}",
                    )
                    continue
                yield line, fields
        except UnicodeDecodeError as err:
            raise self._not_utf8(err) from err
        except csv.Error as err:
            reason = f"not readable as CSV: {err}"
            if "field larger than field limit" in str(err):
                reason = f"a field is longer than {MAX_FIELD_CHARS:,} characters"
            raise FeedParseError(self.name, reason, line=offset + end + 1) from err

    def _nul(self, line: int, fields: list[str]) -> RowReject:
        """The reject of a row that holds a NUL character, naming its column if it can."""
        self._nul_at = None
        names = {index: name for name, index in self.columns.items()}
        for index, field in enumerate(fields):
            if "\x00" in field:
                return RowReject(
                    self.name,
                    line,
                    names.get(index),
                    f"holds U+0000 (a NUL character) at character {field.index(chr(0)) + 1}",
                )
        return RowReject(self.name, line, None, "holds U+0000 (a NUL character)")


def _open_text(path: Path, name: str) -> io.TextIOWrapper:
    raw = io.BufferedReader(io.FileIO(_open_regular(path, name), "rb", closefd=True))
    head = raw.peek(8)[:8] if hasattr(raw, "peek") else b""
    for signature, what in BINARY_SIGNATURES.items():
        if head.startswith(signature):
            raw.close()
            raise FeedParseError(name, f"not a CSV file: it looks like {what}")
    start = raw.peek(4096)[:4096]
    if b"\x00" in start:
        raw.close()
        raise FeedParseError(
            name,
            "not a CSV file: it contains binary data (or is UTF-16: save it as 'CSV UTF-8')",
            line=start[: start.index(b"\x00")].count(b"\n") + 1,
        )
    return io.TextIOWrapper(raw, encoding="utf-8-sig", errors="strict", newline="")


def _open_regular(path: Path, name: str) -> int:
    """A descriptor of ``path``, opened without waiting (a FIFO would wait for a writer) and
    only when it is a regular file."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except FileNotFoundError as err:
        raise FeedParseError(name, "no such file") from err
    except IsADirectoryError as err:
        raise FeedParseError(name, "is a folder, not a CSV file") from err
    except OSError as err:
        raise FeedParseError(name, f"cannot be opened: {err.strerror}") from err
    mode = os.fstat(fd).st_mode
    if stat.S_ISDIR(mode):
        os.close(fd)
        raise FeedParseError(name, "is a folder, not a CSV file")
    if not stat.S_ISREG(mode):
        os.close(fd)
        raise FeedParseError(
            name, f"is not a regular file (it is {_kind(mode)}): give the CSV file itself"
        )
    os.set_blocking(fd, True)
    return fd


def _kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a file"


MAX_NAMES = 20
"""Column names a message lists; a header of thousands is summed up after them."""


def _names(names: Iterator[str] | list[str]) -> str:
    """Column names as a message lists them: each cut to an excerpt, the first few only."""
    listed = list(names)
    shown = [name if len(name) <= EXCERPT_CHARS else excerpt(name) for name in listed[:MAX_NAMES]]
    more = len(listed) - MAX_NAMES
    return ", ".join(shown) + (f" and {more:,} more" if more > 0 else "")


def _first_undecodable_line(path: Path) -> int | None:
    """The number of the first line that is not UTF-8 (the decoder reads ahead of the rows)."""
    with path.open("rb") as raw:
        for number, line in enumerate(raw, start=1):
            try:
                line.decode("utf-8")
            except UnicodeDecodeError:
                return number
    return None


def _normalise(name: str) -> str:
    return name.strip().strip("\ufeff").strip().lower()
