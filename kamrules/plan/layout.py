"""A small document model (headings, paragraphs, labelled fields, lists, tables) and its two
renderings, Markdown and self-contained HTML, so that the full plan and the customer report
are each written once and printed either way. Every text is escaped for the format it goes to.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Para:
    text: str
    emphasis: bool = False


@dataclass(frozen=True)
class Field:
    label: str
    value: str


@dataclass(frozen=True)
class Bullets:
    items: tuple[str, ...]
    label: str | None = None


@dataclass(frozen=True)
class Quote:
    """Guidance: the deck's questions, shown apart from the plan's own content."""

    items: tuple[str, ...]


@dataclass(frozen=True)
class Table:
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    label: str | None = None


Block = Para | Field | Bullets | Quote | Table


@dataclass
class Section:
    title: str
    blocks: list[Block] = field(default_factory=list)


@dataclass
class Document:
    title: str
    subtitle: list[str] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    footer: str | None = None


# ---------------------------------------------------------------------------------------------
# Markdown


def _md(text: str) -> str:
    """Text safe inside a Markdown line: no line breaks, no stray table or emphasis markers."""
    out = " ".join(text.split())
    for ch in ("\\", "|", "*", "_", "`", "<", ">", "#", "[", "]"):
        out = out.replace(ch, "\\" + ch)
    return out


def _md_block(block: Block) -> list[str]:
    if isinstance(block, Para):
        return [f"*{_md(block.text)}*" if block.emphasis else _md(block.text), ""]
    if isinstance(block, Field):
        return [f"**{_md(block.label)}**: {_md(block.value)}", ""]
    if isinstance(block, Quote):
        return [*(f"> - {_md(item)}" for item in block.items), ""]
    if isinstance(block, Bullets):
        head = [f"**{_md(block.label)}**", ""] if block.label else []
        return [*head, *(f"- {_md(item)}" for item in block.items), ""]
    head = [f"**{_md(block.label)}**", ""] if block.label else []
    lines = [
        "| " + " | ".join(_md(h) for h in block.header) + " |",
        "|" + "---|" * len(block.header),
    ]
    lines += ["| " + " | ".join(_md(c) or " " for c in row) + " |" for row in block.rows]
    return [*head, *lines, ""]


def to_markdown(doc: Document) -> str:
    lines = [f"# {_md(doc.title)}", ""]
    if doc.subtitle:
        lines += [" · ".join(f"*{_md(s)}*" for s in doc.subtitle), ""]
    for section in doc.sections:
        lines += [f"## {_md(section.title)}", ""]
        for block in section.blocks:
            lines += _md_block(block)
    if doc.footer:
        lines += ["---", "", f"*{_md(doc.footer)}*", ""]
    return "\n".join(lines).rstrip("\n") + "\n"


# ---------------------------------------------------------------------------------------------
# HTML

_CSS = """
@page { size: A4; margin: 14mm; }
body { font-family: "Helvetica Neue", Arial, sans-serif; font-size: 9.5pt; line-height: 1.35;
       color: #1d2733; max-width: 190mm; margin: 0 auto; }
h1 { font-size: 15pt; margin: 0 0 2pt; color: #0b3d63; }
.subtitle { color: #4a5a6a; margin: 0 0 8pt; }
h2 { font-size: 10.5pt; margin: 9pt 0 3pt; color: #0b3d63; border-bottom: 1px solid #c9d6e2; }
p, ul { margin: 2pt 0 4pt; }
ul { padding-left: 14pt; }
blockquote { margin: 2pt 0 4pt; padding-left: 8pt; border-left: 3px solid #c9d6e2; color: #4a5a6a; }
table { border-collapse: collapse; width: 100%; margin: 2pt 0 5pt; }
th, td { border: 1px solid #c9d6e2; padding: 2pt 4pt; text-align: left; vertical-align: top; }
th { background: #eef3f8; }
footer { margin-top: 10pt; color: #6b7b8b; font-size: 8pt; }
""".strip()


def _h(text: str) -> str:
    return html.escape(text, quote=True)


def _html_block(block: Block) -> str:
    if isinstance(block, Para):
        return f"<p><em>{_h(block.text)}</em></p>" if block.emphasis else f"<p>{_h(block.text)}</p>"
    if isinstance(block, Field):
        return f"<p><strong>{_h(block.label)}</strong>: {_h(block.value)}</p>"
    if isinstance(block, Quote):
        return "<blockquote><ul>" + "".join(f"<li>{_h(i)}</li>" for i in block.items) + "</ul></blockquote>"
    if isinstance(block, Bullets):
        head = f"<p><strong>{_h(block.label)}</strong></p>" if block.label else ""
        return head + "<ul>" + "".join(f"<li>{_h(i)}</li>" for i in block.items) + "</ul>"
    head = f"<p><strong>{_h(block.label)}</strong></p>" if block.label else ""
    header = "".join(f"<th>{_h(c)}</th>" for c in block.header)
    rows = "".join("<tr>" + "".join(f"<td>{_h(c)}</td>" for c in row) + "</tr>" for row in block.rows)
    return f"{head}<table><thead><tr>{header}</tr></thead><tbody>{rows}</tbody></table>"


def to_html(doc: Document, lang: str) -> str:
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{_h(lang)}">',
        "<head>",
        '<meta charset="utf-8">',
        f"<title>{_h(doc.title)}</title>",
        f"<style>\n{_CSS}\n</style>",
        "</head>",
        "<body>",
        f"<h1>{_h(doc.title)}</h1>",
    ]
    if doc.subtitle:
        parts.append(f'<p class="subtitle">{" · ".join(_h(s) for s in doc.subtitle)}</p>')
    for section in doc.sections:
        parts.append(f"<h2>{_h(section.title)}</h2>")
        parts.extend(_html_block(b) for b in section.blocks)
    if doc.footer:
        parts.append(f"<footer>{_h(doc.footer)}</footer>")
    parts += ["</body>", "</html>"]
    return "\n".join(parts) + "\n"


def cells(values: Sequence[str | None]) -> tuple[str, ...]:
    return tuple(v if v else "—" for v in values)
