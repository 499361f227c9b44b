"""Text from the scanned tree or a config, made safe for the place it is printed.

A manifest value can hold newlines, carriage returns, terminal escape sequences, rich markup,
Markdown and XML-invalid characters. Printed raw, it could start a line that GitHub Actions reads
as a workflow command, recolour or retitle a terminal, end a Markdown table or make JUnit XML
ill-formed. Every human format goes through these functions; none interprets manifest text.
"""

from __future__ import annotations

import re

_INVISIBLE = re.compile(
    "[\x00-\x08\x0a-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)
"""Control characters (all but tab), line and paragraph separators, bidirectional overrides and
lone surrogates: what can move the cursor, start a line, reorder text or fail to encode."""
_NAMED = {"\n": "\\n", "\r": "\\r", "\x1b": "\\x1b"}
RICH_TAG = re.compile(r"(?=[\\\[])(\\*)(\[[a-z#/@][^[]*?\])")
"""A rich markup tag and the backslashes before it, as rich's own parser reads them. The lookahead
matches nothing the rest would not; it lets `re` skip to the next backslash or bracket instead of
trying the expression at every character."""
_LITERAL = re.compile(r"(\\*)(\[[a-z#/@][^[]*?\])|(\\+)(\[)")
"""What rich would read as markup in manifest text: a tag (with the backslashes before it), or a
bracket after backslashes (rich drops the backslash right before any bracket)."""
_END_OF_BACKSLASHES = "[dim][/dim]"
"""An empty tag pair: after the doubled backslashes that end a text, it shows them once and keeps
them from escaping whatever the report writes next."""
_MARKDOWN = re.compile(r"[\\|`\[\]()!<>@]")
_MARKDOWN_AS = {"<": "&lt;", ">": "&gt;", "@": "@&#8203;"}
"""A zero-width space after @ keeps a mention or team name from notifying anyone."""
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def visible(text: str) -> str:
    """`text` with every invisible or line-breaking character shown as its escape (`\\n`, `\\x1b`, `\\u202e`).

    Every character _INVISIBLE names is one Python calls unprintable, so a printable text (nearly
    every one) is returned after a check that is three times cheaper than the search."""
    if text.isprintable() or not _INVISIBLE.search(text):
        return text
    return _INVISIBLE.sub(_escape_sequence, text)


def _escape_sequence(match: re.Match) -> str:
    char = match.group()
    if char in _NAMED:
        return _NAMED[char]
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def markup(text: str) -> str:
    """`text` shown literally inside rich markup (and by the plain console): visible, each tag-like
    bracket escaped as rich.markup.escape does, a bracket after backslashes given one more (rich
    drops one), and backslashes that end the text doubled and closed off by an empty tag pair, so
    they read the same whatever follows them."""
    text = visible(text)
    if "[" in text:
        text = _LITERAL.sub(_literal, text)
    trailing = len(text) - len(text.rstrip("\\"))
    return text + "\\" * trailing + _END_OF_BACKSLASHES if trailing else text


def _literal(match: re.Match) -> str:
    slashes, tag, before_bracket, _ = match.groups()
    if tag is not None:
        return f"{slashes}{slashes}\\{tag}"
    return f"{before_bracket}\\["


def strip_markup(text: str) -> str:
    """Plain text of rich markup, read as rich reads it: tags dropped, escaped tags and the
    backslashes before tags halved, and the backslash right before any other bracket dropped."""
    if "\\" not in text:  # no tag is escaped and no bracket loses a backslash: each tag is dropped whole
        return RICH_TAG.sub("", text)
    return _PLAIN.sub(_plain, text)


_PLAIN = re.compile(r"(?=[\\\[])(?:(\\*)(\[[a-z#/@][^[]*?\])|\\(?=\[))")
"""RICH_TAG, or a backslash right before a bracket that starts no tag (rich drops it)."""


def _plain(match: re.Match) -> str:
    slashes, tag = match.groups()
    if tag is None or not slashes:
        return ""
    backslashes, escaped = divmod(len(slashes), 2)
    return "\\" * backslashes + (tag if escaped else "")


def markdown(text: str) -> str:
    """`text` as literal Markdown inside a table cell or a line: one line, no table break, link,
    image, mention, code span, emphasis, HTML or heading."""
    text = visible(text)
    text = _MARKDOWN.sub(lambda m: _MARKDOWN_AS.get(m.group(), "\\" + m.group()), text)
    return "\\" + text if text.lstrip().startswith(("#", "+", "-", "=")) else text


def markdown_code(text: str) -> str:
    """`text` inside a Markdown code span (which shows everything else literally): one line, no
    backtick to end the span, no pipe to end a table cell."""
    return visible(text).replace("`", "'").replace("|", "\\|")


def xml(text: str) -> str:
    """`text` without the characters XML 1.0 cannot hold, shown as their escapes instead."""
    if not _XML_INVALID.search(text):
        return text
    return _XML_INVALID.sub(_escape_sequence, text)
