"""Reading the canonical CSV files: encoding, delimiter, header, and row framing.

What a row *means* is decided by the sources; this module only makes sure a file is a CSV file
with the required columns, and hands out each row with its line number and fields by name.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Sequence
from pathlib import Path
from types import TracebackType

from integrations.abc import RowReject
from integrations.csv.const import BINARY_SIGNATURES, DELIMITERS
from integrations.exceptions import FeedParseError

__all__ = ["CsvTable"]

# Large enough for any real field (a long note), small enough to stop a runaway quote.
csv.field_size_limit(1 << 20)


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
            first = self._handle.readline()
            self._offset += 1
            while first and not first.strip():
                first = self._handle.readline()
                self._offset += 1
        except UnicodeDecodeError as err:
            raise self._not_utf8(err) from err
        if not first.strip():
            raise FeedParseError(self.name, "the file is empty: a header row is required")
        delimiter = max(DELIMITERS, key=first.count)
        header = next(csv.reader([first], delimiter=delimiter))
        self._header_line = self._offset
        reader = csv.reader(self._handle, delimiter=delimiter, strict=True)
        return reader, [_normalise(name) for name in header]

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
                    f"column {name!r} appears twice in the header",
                    line=self._header_line,
                )
            columns[name] = index
        missing = [name for name in required if name not in columns]
        if missing:
            found = ", ".join(name for name in header if name) or "nothing"
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
            self.warnings.append(f"{self.name}: ignoring unknown column(s): {', '.join(ignored)}")
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
            raise FeedParseError(
                self.name, f"not readable as CSV: {err}", line=offset + end + 1
            ) from err


def _open_text(path: Path, name: str) -> io.TextIOWrapper:
    try:
        raw = path.open("rb")
    except FileNotFoundError as err:
        raise FeedParseError(name, "no such file") from err
    except IsADirectoryError as err:
        raise FeedParseError(name, "is a folder, not a CSV file") from err
    except OSError as err:
        raise FeedParseError(name, f"cannot be opened: {err.strerror}") from err
    head = raw.peek(8)[:8] if hasattr(raw, "peek") else b""
    for signature, what in BINARY_SIGNATURES.items():
        if head.startswith(signature):
            raw.close()
            raise FeedParseError(name, f"not a CSV file: it looks like {what}")
    if b"\x00" in raw.peek(4096)[:4096]:
        raw.close()
        raise FeedParseError(
            name, "not a CSV file: it contains binary data (or is UTF-16: save it as 'CSV UTF-8')"
        )
    return io.TextIOWrapper(raw, encoding="utf-8-sig", errors="strict", newline="")


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
