"""Read and write the spreadsheets people bring: CSV (any common encoding) and XLSX."""

import csv
import io
import zipfile

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

MAX_BYTES = 10 * 1024 * 1024


class SpreadsheetError(ValueError):
    """The file as a whole cannot be read; the message says why, for the person who sent it."""


def check_size(size: int) -> None:
    if size > MAX_BYTES:
        raise SpreadsheetError(
            f"The file is {size / 1024 / 1024:.1f} MB; the limit is "
            f"{MAX_BYTES // 1024 // 1024} MB. Split it, or remove columns you do not need."
        )


def read_table(content: bytes, filename: str) -> tuple[list[str], list[list[str]]]:
    """The header row and the data rows, every cell as text (formulas are not evaluated)."""
    check_size(len(content))
    if not content.strip():
        raise SpreadsheetError("The file is empty.")
    if content[:4] == b"PK\x03\x04":
        rows = _read_xlsx(content)
    elif filename.lower().endswith((".xls", ".ods", ".numbers")) or b"\x00" in content[:4096]:
        raise SpreadsheetError(
            "This is not a CSV or XLSX spreadsheet. Save it as .xlsx or .csv and upload it again."
        )
    else:
        rows = _read_csv(content)
    rows = [row for row in rows if any(cell.strip() for cell in row)]
    if not rows:
        raise SpreadsheetError("The file has no rows.")
    return rows[0], rows[1:]


def _read_xlsx(content: bytes) -> list[list[str]]:
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=False)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError) as error:
        raise SpreadsheetError(
            "This file could not be opened as an XLSX workbook. Save it again as .xlsx or .csv."
        ) from error
    try:
        sheet = workbook.worksheets[0]
        return [[_text(cell) for cell in row] for row in sheet.iter_rows(values_only=True)]
    finally:
        workbook.close()


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _read_csv(content: bytes) -> list[list[str]]:
    text = _decode(content)
    sample = text[:8192]
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    try:
        return [list(row) for row in csv.reader(io.StringIO(text, newline=""), dialect)]
    except csv.Error as error:
        raise SpreadsheetError(f"The CSV file is malformed: {error}.") from error


def _decode(content: bytes) -> str:
    """UTF-8 (with or without BOM), else Windows-1252, else Latin-1, which reads any byte."""
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    return content.decode("latin-1")
