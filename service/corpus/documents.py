"""Which paths are documents: files of known kinds, and folders that are one document each.

A folder given on the command line is a corpus: each PDF or text file in it is a document,
and each sub-folder holding PDFs is one document published in several files (说明 + 报表),
its files read in name order.
Suffixes are matched whatever their case (.PDF, .Txt); anything else is named, never skipped
in silence.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

SUFFIXES = (".pdf", ".txt")


@dataclass
class Found:
    documents: list[Path] = field(default_factory=list)
    skipped: list[tuple[Path, str]] = field(default_factory=list)  # path, why


def is_document_folder(path: Path) -> bool:
    """Whether `path` is a document split into parts: a folder holding PDF files."""
    return path.is_dir() and any(p.is_file() and p.suffix.lower() == ".pdf" for p in path.iterdir())


def find_documents(paths: list[Path]) -> Found:
    """The documents among `paths`: files as named, and a folder's files and document folders
    (hidden entries left out); what was passed over is listed with the reason.
    """
    found = Found()
    for path in paths:
        if not path.is_dir():
            found.documents.append(path)  # named on the command line: read it, or say why not
            continue
        for entry in sorted(path.iterdir()):
            if entry.name.startswith("."):
                continue
            if entry.is_dir():
                if is_document_folder(entry):
                    found.documents.append(entry)
                else:
                    found.skipped.append((entry, "a folder with no PDF file"))
            elif entry.suffix.lower() in SUFFIXES:
                found.documents.append(entry)
            elif entry.name not in ("README.md", "MANIFEST.md"):
                found.skipped.append((entry, f"not a document ({entry.suffix or 'no suffix'})"))
    return found
