"""The text of office files as the libraries their test files come from extract it.

    python office-oracle.py FILE...   prints one JSON object: {file: text or null}

python-pptx (slides' text frames, tables, notes), openpyxl (cell values, cached formula
results), odfpy (every paragraph and heading), EbookLib (each chapter's text), striprtf (RTF),
Python's own email package (.eml: headers, body, attachment names) and extract-msg (.msg): a
yardstick docindex's own parsers did not write. null: the library could not open the file, or took
longer than TIME_LIMIT_S (openpyxl never finishes calamine's issue_174, whose sheet dimension
claims billions of rows).
"""

TIME_LIMIT_S = 10


def _timeout(signum, frame):
    raise TimeoutError()
import json
import signal
import sys
from html.parser import HTMLParser


def pptx_text(path):
    from pptx import Presentation

    lines = []
    prs = Presentation(path)
    for slide in prs.slides:
        for shape in slide.shapes:
            if shape.has_text_frame:
                lines.append(shape.text_frame.text)
            if getattr(shape, "has_table", False) and shape.has_table:
                for row in shape.table.rows:
                    lines.append(" ".join(cell.text for cell in row.cells))
        if slide.has_notes_slide:
            lines.append(slide.notes_slide.notes_text_frame.text)
    return "\n".join(lines)


def xlsx_text(path):
    from openpyxl import load_workbook

    # Not read_only: that mode trusts the declared dimension (issue_174 claims billions of rows).
    wb = load_workbook(path, data_only=True)
    lines = []
    for ws in wb.worksheets:
        for row in ws.iter_rows(values_only=True):
            cells = [str(v) for v in row if v is not None]
            if cells:
                lines.append(" ".join(cells))
    return "\n".join(lines)


def odf_text(path):
    from odf import teletype, text
    from odf.opendocument import load

    doc = load(path)
    # A spreadsheet's data is its cells: its print headers and footers (styles) are page
    # furniture, sheet-name and page-number fields. Text documents keep theirs.
    root = doc.spreadsheet if path.lower().endswith(".ods") else doc
    return "\n".join(
        teletype.extractText(el) for kind in (text.H, text.P) for el in root.getElementsByType(kind)
    )


class _Text(HTMLParser):
    def __init__(self):
        super().__init__()
        self.parts = []
        self.skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "head"):
            self.skip += 1

    def handle_endtag(self, tag):
        if tag in ("script", "style", "head") and self.skip:
            self.skip -= 1
        if tag in ("p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "br", "tr"):
            self.parts.append("\n")

    def handle_data(self, data):
        if not self.skip:
            self.parts.append(data)


def epub_text(path):
    import ebooklib
    from ebooklib import epub

    book = epub.read_epub(path, options={"ignore_ncx": False})
    out = []
    for item in book.get_items_of_type(ebooklib.ITEM_DOCUMENT):
        parser = _Text()
        parser.feed(item.get_content().decode("utf-8", "replace"))
        out.append("".join(parser.parts))
    return "\n".join(out)


def rtf_text(path):
    from striprtf.striprtf import rtf_to_text

    with open(path, encoding="latin-1") as f:
        return rtf_to_text(f.read(), errors="ignore")


def eml_text(path):
    import email
    from email import policy

    with open(path, "rb") as f:
        msg = email.message_from_binary_file(f, policy=policy.default)
    lines = [str(msg.get(h, "")) for h in ("Subject", "From", "To")]
    body = msg.get_body(preferencelist=("plain", "html"))
    if body is not None:
        content = body.get_content()
        if body.get_content_type() == "text/html":
            parser = _Text()
            parser.feed(content)
            content = "".join(parser.parts)
        lines.append(content)
    for part in msg.iter_attachments():
        lines.append(part.get_filename() or "")
    return "\n".join(lines)


def msg_text(path):
    import extract_msg

    with extract_msg.openMsg(path) as msg:
        lines = [msg.subject or "", msg.sender or "", msg.to or "", msg.body or ""]
        lines += [a.longFilename or a.shortFilename or "" for a in msg.attachments]
    return "\n".join(lines)


READERS = {
    "rtf": rtf_text,
    "eml": eml_text,
    "msg": msg_text,
    "pptx": pptx_text, "pptm": pptx_text,
    "xlsx": xlsx_text, "xlsm": xlsx_text,
    "odt": odf_text, "odp": odf_text, "ods": odf_text,
    "epub": epub_text,
}


def main():
    result = {}
    for path in sys.argv[1:]:
        reader = READERS.get(path.rsplit(".", 1)[-1].lower())
        signal.signal(signal.SIGALRM, _timeout)
        signal.alarm(TIME_LIMIT_S)
        try:
            result[path] = reader(path) if reader else None
        except Exception:  # the library refused the file or timed out: no yardstick for it
            result[path] = None
        finally:
            signal.alarm(0)
    json.dump(result, sys.stdout)


if __name__ == "__main__":
    main()
