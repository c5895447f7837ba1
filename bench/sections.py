"""BENCHMARKS.md is written section by section: each benchmark replaces its own."""

from __future__ import annotations

from pathlib import Path


def write_section(path: Path, heading: str, lines: list[str]) -> None:
    """Replace the section that starts with `heading` (up to the next `## `) with `lines`
    (the heading first), or add it at the end, keeping the rest of the file."""
    text = path.read_text(encoding="utf-8") if path.is_file() else "# Benchmarks\n"
    start_at = text.find(heading)
    if start_at < 0:
        text = text.rstrip("\n") + "\n\n" + "\n".join(lines)
    else:
        end = text.find("\n## ", start_at + len(heading))
        rest = text[end + 1 :] if end >= 0 else ""
        text = text[:start_at] + "\n".join(lines) + ("\n" + rest if rest else "")
    path.write_text(text, encoding="utf-8")
