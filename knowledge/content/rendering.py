"""The staff preview: a body rendered with the Markdown subset citizens see in the widget
(knowledge/documents/markdown_subset.py), then through an allow-list sanitiser as a second
guard, so a document can never inject script into the page."""

import nh3

from knowledge.documents.markdown_subset import render_subset

_TAGS = {"p", "br", "strong", "ul", "ol", "li", "a", "h3"}


def render_markdown(body: str) -> str:
    return nh3.clean(
        render_subset(body),
        tags=_TAGS,
        attributes={"a": {"href", "target"}, "ol": {"start"}},
        url_schemes={"http", "https"},
        link_rel="noopener noreferrer nofollow",
    )
