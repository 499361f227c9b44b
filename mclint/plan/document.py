"""A small document model (headings, paragraphs, bullets, tables) and its text, markdown and HTML forms.

Inventory and plan are built once as a Document; each format is a rendering of it, so the four
outputs never disagree. HTML is self-contained and every piece of text is escaped.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field

from mclint.report.escape import visible


@dataclass(frozen=True)
class Heading:
    level: int
    text: str


@dataclass(frozen=True)
class Paragraph:
    text: str


@dataclass(frozen=True)
class Bullets:
    items: tuple[str, ...]


@dataclass(frozen=True)
class Table:
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


Block = Heading | Paragraph | Bullets | Table


@dataclass
class Document:
    title: str
    blocks: list[Block] = field(default_factory=list)

    def add(self, *blocks: Block) -> None:
        self.blocks.extend(blocks)


def to_text(document: Document) -> str:
    lines = [visible(document.title), "=" * len(document.title), ""]
    for block in document.blocks:
        if isinstance(block, Heading):
            text = visible(block.text)
            lines += [text, "-" * len(text)] if block.level <= 2 else [text]
        elif isinstance(block, Paragraph):
            lines.append(visible(block.text))
        elif isinstance(block, Bullets):
            lines += [f"  - {visible(item)}" for item in block.items]
        else:
            lines += _text_table(block)
        lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"


def _text_table(table: Table) -> list[str]:
    rows = [tuple(visible(cell) for cell in row) for row in table.rows]
    widths = [max(len(row[i]) for row in (table.headers, *rows)) for i in range(len(table.headers))]

    def line(cells: tuple[str, ...]) -> str:
        return "  ".join(cell.ljust(width) for cell, width in zip(cells, widths, strict=True)).rstrip()

    return [line(table.headers), line(tuple("-" * w for w in widths)), *(line(r) for r in rows)]


def to_markdown(document: Document) -> str:
    lines = [f"# {_md(document.title)}", ""]
    for block in document.blocks:
        if isinstance(block, Heading):
            lines.append(f"{'#' * block.level} {_md(block.text)}")
        elif isinstance(block, Paragraph):
            lines.append(_md(block.text))
        elif isinstance(block, Bullets):
            lines += [f"- {_md(item)}" for item in block.items]
        else:
            lines.append("| " + " | ".join(_cell(h) for h in block.headers) + " |")
            lines.append("|" + "|".join(" --- " for _ in block.headers) + "|")
            lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in block.rows]
        lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"


def _md(text: str) -> str:
    """Escape what markdown would read as markup, so names like my_app or <PROJECT> show as written."""
    text = visible(text)
    for char in ("\\", "`", "*", "_", "[", "]", "<", ">", "#", "|"):
        text = text.replace(char, "\\" + char)
    return text.replace("@", "@&#8203;")


def _cell(text: str) -> str:
    return _md(text).replace("\n", " ")


def to_html(document: Document) -> str:
    """The scan report's page style (mclint.report.html_page): tables and long names wrap."""
    from mclint.report.html_page import head

    out = [head(document.title), f"<h1>{html.escape(document.title)}</h1>"]
    for block in document.blocks:
        if isinstance(block, Heading):
            level = min(block.level, 6)
            out.append(f"<h{level}>{html.escape(block.text)}</h{level}>")
        elif isinstance(block, Paragraph):
            out.append(f"<p>{html.escape(block.text)}</p>")
        elif isinstance(block, Bullets):
            out.append("<ul>" + "".join(f"<li>{html.escape(i)}</li>" for i in block.items) + "</ul>")
        else:
            head = "".join(f"<th>{html.escape(h)}</th>" for h in block.headers)
            body = "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in r) + "</tr>" for r in block.rows)
            out.append(f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")
    out.append("</body></html>")
    return "\n".join(out) + "\n"


RENDERERS = {"text": to_text, "markdown": to_markdown, "html": to_html}
