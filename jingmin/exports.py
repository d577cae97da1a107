"""Safe CSV and XLSX exports: the one way the product writes a spreadsheet a user downloads.

A cell that starts with ``= + - @``, a tab or a carriage return is written as text (OWASP's CSV
injection rule): in CSV with a leading apostrophe, in XLSX as a string cell (never a formula), so a
place named ``=HYPERLINK(...)`` or an audit reason ``+cmd|...`` opens as the text it is. Numbers,
dates and booleans pass unchanged. Scope and masking are the caller's job: pass only rows the user
may see, already masked for their role.
"""

import csv
import io

from django.http import HttpResponse, StreamingHttpResponse

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_TYPE = "text/csv; charset=utf-8"


def is_risky(value):
    return isinstance(value, str) and value.startswith(FORMULA_START)


def csv_cell(value):
    """The value as a CSV cell: risky text gets a leading apostrophe; None becomes empty."""
    if value is None:
        return ""
    return "'" + value if is_risky(value) else value


class SafeWriter:
    """``csv.writer`` that escapes every cell; ``writerow`` returns the written line like csv's."""

    def __init__(self, stream, **kwargs):
        self._writer = csv.writer(stream, **kwargs)

    def writerow(self, row):
        return self._writer.writerow([csv_cell(v) for v in row])

    def writerows(self, rows):
        for row in rows:
            self.writerow(row)


def csv_bytes(header, rows):
    """The table as UTF-8 CSV with a BOM (Excel then reads the Chinese text correctly)."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = SafeWriter(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


class _Echo:
    def write(self, value):
        return value


def csv_response(filename, header, rows, *, stream=False):
    """A CSV download; ``stream=True`` writes the rows as they are produced (large logs)."""
    if stream:
        writer = SafeWriter(_Echo())

        def lines():
            yield "\ufeff" + writer.writerow(header)
            for row in rows:
                yield writer.writerow(row)

        response = StreamingHttpResponse(lines(), content_type=CSV_TYPE)
    else:
        response = HttpResponse(csv_bytes(header, rows), content_type=CSV_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def xlsx_bytes(sheet, header, rows):
    """The table as an XLSX workbook of one sheet; risky text is a string cell, never a formula."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(sheet[:31])

    def cells(row):
        out = []
        for value in row:
            cell = WriteOnlyCell(ws, value=value)
            if is_risky(value):
                cell.data_type = "s"
            out.append(cell)
        return out

    ws.append(cells(header))
    for row in rows:
        ws.append(cells(row))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def xlsx_response(filename, sheet, header, rows):
    response = HttpResponse(xlsx_bytes(sheet, header, rows), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def table_response(fmt, name, header, rows):
    """``fmt`` "csv" or "xlsx": the download named ``name.<fmt>``."""
    if fmt == "xlsx":
        return xlsx_response(f"{name}.xlsx", name, header, rows)
    return csv_response(f"{name}.csv", header, rows)
