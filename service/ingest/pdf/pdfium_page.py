"""Which parser reads a PDF's pages for pdfplumber: PDFium where it can, else pdfminer.

pdfminer interpreting content streams is most of a long PDF's reading time; PDFium does the
same work in C++ many times faster. use_pdfium gives pdfplumber's pages the objects pdfminer
would have given them (pdfium_objects), so that pdfplumber's text lines and table finder, and
the reader after them, run unchanged. A page whose objects PDFium cannot give as pdfminer would
(pdfium_objects.Unfaithful says why) keeps pdfminer, parsed lazily by pdfplumber as before.
"""

from __future__ import annotations

import io
import logging
import os
import threading
import zlib
from collections.abc import Iterator, Sequence
from typing import Any

from service.ingest.pdf.pdfium_objects import Unfaithful, page_objects

BACKEND = "BUDGETPUB_PDF_BACKEND"  # pdfium (the default) or pdfminer: pdfplumber's own parsing
_LOCK = threading.Lock()  # PDFium is not thread-safe: one document at a time in a process
log = logging.getLogger(__name__)


def backend() -> str:
    """The parser chosen by BUDGETPUB_PDF_BACKEND, so that either reading can be reproduced."""
    chosen = os.environ.get(BACKEND, "").strip().lower() or "pdfium"
    if chosen not in ("pdfium", "pdfminer"):
        raise ValueError(f"{BACKEND}={chosen!r}: expected pdfium or pdfminer")
    return chosen


INFLATED_LIMIT = 64 * 2**20  # bytes: ten times the content of the corpus's densest PDF


class _TooFar(Exception):
    """A stream decoded past the budget."""


def _capped(chunks: Iterator[bytes], limit: int) -> Iterator[bytes]:
    """The chunks, until more than `limit` bytes came: then _TooFar."""
    total = 0
    for chunk in chunks:
        total += len(chunk)
        if total > limit:
            raise _TooFar
        yield chunk


def _inflate(chunks: Iterator[bytes]) -> Iterator[bytes]:
    """Flate decoded 1 MiB at a time; a broken stream ends where it breaks."""
    inflate = zlib.decompressobj()
    try:
        for data in chunks:
            while data and not inflate.eof:
                yield inflate.decompress(data, 1 << 20)
                data = inflate.unconsumed_tail
    except zlib.error:
        return


def _stage(name: str, chunks: Iterator[bytes], limit: int) -> Iterator[bytes]:
    """One filter of a chain applied to the chunks of the one before (each stage's input
    is capped by that stage's budget, so joining it for the whole-buffer decoders is safe)."""
    from pdfminer.ascii85 import ascii85decode, asciihexdecode
    from pdfminer.lzw import LZWDecoder
    from pdfminer.runlength import rldecode

    if name in ("FlateDecode", "Fl"):
        return _inflate(chunks)
    whole = {"ASCII85Decode": ascii85decode, "A85": ascii85decode, "RunLengthDecode": rldecode}
    whole |= {"ASCIIHexDecode": asciihexdecode, "AHx": asciihexdecode, "RL": rldecode}
    if name in ("LZWDecode", "LZW"):  # up to ~4 KB out of 12 bits in: decoded code by code
        return LZWDecoder(io.BytesIO(b"".join(chunks))).run()
    if name in whole:
        try:
            return iter([whole[name](b"".join(chunks))])
        except Exception:  # a broken stream: PDFium's to report, if a page uses it
            return iter(())
    return chunks  # images' own codecs (DCT, JPX, CCITT, JBIG2): PDFium leaves them packed


def _decoded(data: bytes, filters: list[tuple[Any, Any]], limit: int) -> int:
    """The bytes a stream decodes to through its whole filter chain (`/Filter [/FlateDecode
    /FlateDecode]` too), each stage stopped past `limit`: then _TooFar."""
    chunks: Iterator[bytes] = iter([data])
    for name, _params in filters:
        chunks = _capped(_stage(getattr(name, "name", str(name)), chunks, limit), limit)
    return sum(len(chunk) for chunk in chunks)


def _inflates_too_far(document: Any, limit: int = INFLATED_LIMIT) -> bool:
    """Whether the PDF's streams (images aside: PDFium leaves them packed here) decode past
    `limit`, every filter of every chain applied. PDFium running out of memory under the
    ingest's cap aborts the whole process, where pdfminer raises MemoryError, that one
    document's error; so a decompression bomb goes to pdfminer. Decoded 1 MiB at a time,
    nothing kept."""
    from pdfminer.pdftypes import PDFStream
    from pdfminer.psparser import LIT

    total = 0
    for xref in document.xrefs:
        for objid in xref.get_objids():
            try:
                obj = document.getobj(objid)
            except Exception:  # a broken object: pdfminer's to report, if a page uses it
                continue
            if not isinstance(obj, PDFStream) or obj.get("Subtype") is LIT("Image"):
                continue
            try:
                total += _decoded(obj.rawdata or b"", obj.get_filters(), limit - total)
            except _TooFar:
                return True
            except Exception:  # a malformed filter list: pdfminer's to report
                total += len(obj.rawdata or b"")
            if total > limit:
                return True
    return False


def use_pdfium(pages: Sequence[Any], data: bytes, numbers: Sequence[int] | None = None) -> int:
    """Gives each pdfplumber page (of the PDF `data`; page numbers `numbers`, 1-based, when not
    all) PDFium's objects, unless the backend is pdfminer. A page PDFium cannot give as pdfminer
    would keeps pdfminer, lazily, as a PDF PDFium cannot open does. Returns the pages given."""
    if backend() != "pdfium":
        return 0
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    if pages and _inflates_too_far(pages[0].pdf.doc):
        log.info("streams inflating past %d MiB: pdfminer reads the PDF", INFLATED_LIMIT >> 20)
        return 0
    given = 0
    with _LOCK:
        try:
            document = pdfium.PdfDocument(data)
        except pdfium.PdfiumError as error:
            log.info("PDFium cannot open the PDF (%s): pdfminer reads it", error)
            return 0
        try:
            if pages and len(document) != len(pages[0].pdf.pages):
                log.info("PDFium finds another page count: pdfminer reads the PDF")
                return 0
            for page, number in zip(pages, numbers or range(1, len(pages) + 1), strict=True):
                given += _give(raw, pdfium, document, page, number)
        finally:
            document.close()
    return given


def _give(raw: Any, pdfium: Any, document: Any, page: Any, number: int) -> int:
    """1 when the pdfplumber page now holds PDFium's objects, 0 when it keeps pdfminer."""
    try:
        pdf_page = document[number - 1]
    except pdfium.PdfiumError as error:
        log.info("page %d: PDFium cannot load it (%s); pdfminer reads it", number, error)
        return 0
    try:
        page._objects = page_objects(raw, pdf_page, page)
        return 1
    except Unfaithful as why:
        log.info("page %d: %s; pdfminer reads it", number, why)
        return 0
    finally:
        pdf_page.close()
