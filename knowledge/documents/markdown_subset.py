"""The Markdown subset citizens see, defined once: what the chat widget renders.

Paragraphs (a single line break kept as <br>), numbered and bulleted lists, `##` headings
(shown as a small heading), **bold**, [label](http(s) URL) and bare http(s) URLs. Anything
else stays text. The widget (web/widget/tro-ly-widget.js, `renderMarkdown`) implements the
same rules line by line; the staff preview renders with this module, so staff preview the
answer citizens get. tests/e2e/test_markdown_subset.py renders the same bodies both ways and
compares the structure.
"""

import re
from html import escape
from urllib.parse import urlsplit

# The same expressions as the widget's INLINE, ORDERED, UNORDERED and HEADING.
INLINE = re.compile(
    r"\*\*([^\n]+?)\*\*|\[([^\]\n]+)\]\(([^()\s]+)\)|(https?://[^\s<>\"]*[^\s<>\".,;:!?)'])"
)
ORDERED = re.compile(r"^\s*(\d{1,3})[.)]\s+(.*)$")
UNORDERED = re.compile(r"^\s*[-*+•]\s+(.*)$")
HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$")
LINK_ATTRIBUTES = 'target="_blank" rel="noopener noreferrer"'


def safe_http_url(raw: str) -> str | None:
    try:
        parts = urlsplit(raw)
    except ValueError:
        return None
    return raw if parts.scheme in {"http", "https"} and parts.netloc else None


def _text(text: str) -> str:
    return escape(text, quote=False)


def _link(href: str, label: str) -> str:
    return f'<a href="{escape(href)}" {LINK_ATTRIBUTES}>{_text(label)}</a>'


def render_inline(text: str, allow_bold: bool = True) -> str:
    out: list[str] = []
    last = 0
    for match in INLINE.finditer(text):
        out.append(_text(text[last : match.start()]))
        bold, label, target, bare = match.groups()
        if bold is not None and allow_bold:
            out.append(f"<strong>{render_inline(bold, allow_bold=False)}</strong>")
        elif label is not None and (href := safe_http_url(target)):
            out.append(_link(href, label))
        elif bare is not None and (href := safe_http_url(bare)):
            out.append(_link(href, bare))
        else:
            out.append(_text(match.group(0)))
        last = match.end()
    out.append(_text(text[last:]))
    return "".join(out)


def render_subset(body: str) -> str:
    """HTML of a body as the widget shows it (text escaped, only the subset's tags)."""
    parts: list[str] = []
    open_list: str | None = None
    in_paragraph = False

    def close() -> None:
        nonlocal open_list, in_paragraph
        if open_list:
            parts.append(f"</{open_list}>")
        if in_paragraph:
            parts.append("</p>")
        open_list, in_paragraph = None, False

    for line in body.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        ordered = ORDERED.match(line)
        unordered = None if ordered else UNORDERED.match(line)
        if ordered or unordered:
            kind = "ol" if ordered else "ul"
            if open_list != kind:
                close()
                start = ordered.group(1) if ordered else "1"
                parts.append(
                    f'<ol start="{start}">' if kind == "ol" and start != "1" else f"<{kind}>"
                )
                open_list = kind
            elif in_paragraph:
                close()
            item = ordered.group(2) if ordered else unordered.group(1)  # type: ignore[union-attr]
            parts.append(f"<li>{render_inline(item)}</li>")
            continue
        if (heading := HEADING.match(line)) and heading.group(1):
            close()
            parts.append(f"<h3>{render_inline(heading.group(1), allow_bold=False)}</h3>")
            continue
        if open_list:
            close()
        if not line.strip():
            close()
            continue
        if in_paragraph:
            parts.append("<br>")
        else:
            parts.append("<p>")
            in_paragraph = True
        parts.append(render_inline(line))
    close()
    return "".join(parts)
