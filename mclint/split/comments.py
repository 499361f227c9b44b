"""Removing an entry from a round-trip YAML tree without losing the comments around it.

ruamel.yaml keeps a comment that sits between two entries on the entry before it, so deleting an
entry would also delete the comment that introduces the next one. Here the comments that belong
to the removed entry (the one at its line's end, the lines directly above it) go with it, and
the lines that introduce what follows move to the entry before, or up to the parent.
"""

from __future__ import annotations

from ruamel.yaml.comments import CommentedBase
from ruamel.yaml.tokens import CommentToken

Chain = list[tuple[object, object]]
"""(container, key or index) pairs from a document's root down to one entry."""


def remove_entry(chain: Chain, keep: int = 1) -> None:
    """Delete the entry `chain` ends at, then each container the deletion left empty, down to
    `keep` levels below the root (with 1, the root's own keys stay)."""
    carried = ""
    for depth in range(len(chain) - 1, -1, -1):
        container, key = chain[depth]
        if depth < len(chain) - 1 and (_size(container[key]) or depth < keep):
            _lead(container[key], carried)
            return
        carried = _detach(container, key, carried)
    _lead(chain[0][0], carried)


def _size(node: object) -> int:
    return len(node) if isinstance(node, (dict, list)) else 1


def _detach(container, key, carried: str) -> str:
    """Remove one entry; return the comment lines that must survive it and found no place yet."""
    following = carried + _following_lines(container, key)
    _drop_lines_above(container, key)
    previous = _previous_key(container, key)
    del container[key]
    if previous is None or not following:
        return following
    token = _trailing_token(container, previous, create=True)
    if token is not None:
        token.value = _with_following(token.value, following)
        return ""
    return following


def _following_lines(container, key) -> str:
    """The comment lines after an entry (and after everything nested in it), without its own
    end-of-line comment."""
    token = _trailing_token(container, key)
    if token is None:
        return ""
    return token.value.partition("\n")[2]


def _with_following(value: str, following: str) -> str:
    head, newline, rest = value.partition("\n")
    return head + "\n" + rest + following if newline else head + "\n" + following


def _drop_lines_above(container, key) -> None:
    """Comment lines directly above an entry (no blank line between) describe it: they go with it."""
    previous = _previous_key(container, key)
    if previous is not None:
        token = _trailing_token(container, previous)
        if token is not None:
            head, newline, rest = token.value.partition("\n")
            if newline:
                token.value = head + "\n" + _without_last_comment_block(rest)
        return
    if isinstance(container, CommentedBase) and container.ca.comment and len(container.ca.comment) > 1:
        tokens = container.ca.comment[1] or []
        if tokens:
            text = _without_last_comment_block("".join(t.value for t in tokens))
            column = tokens[0].start_mark.column if tokens[0].start_mark else 0
            tokens[:] = _tokens(text, column)


def _without_last_comment_block(text: str) -> str:
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    while lines and lines[-1].strip().startswith("#"):
        lines.pop()
    return "".join(line + "\n" for line in lines)


def _previous_key(container, key):
    keys = list(container.keys()) if isinstance(container, dict) else list(range(len(container)))
    at = keys.index(key)
    return keys[at - 1] if at > 0 else None


def _trailing_token(container, key, create: bool = False) -> CommentToken | None:
    """The token that holds the comments after an entry: its own, or its last nested entry's."""
    value = container[key]
    if isinstance(value, (dict, list)) and len(value):
        last = list(value.keys())[-1] if isinstance(value, dict) else len(value) - 1
        return _trailing_token(value, last, create)
    if not isinstance(container, CommentedBase):
        return None
    slot = 2 if isinstance(container, dict) else 0
    entry = container.ca.items.get(key)
    if entry is None or entry[slot] is None:
        if not create:
            return None
        entry = container.ca.items.setdefault(key, [None, None, None, None])
        entry[slot] = CommentToken("\n", _mark(0), None)
    return entry[slot]


def _mark(column: int):
    from ruamel.yaml.error import CommentMark

    return CommentMark(column)


def _lead(node: object, lines: str) -> None:
    """Put comment lines before the first entry of `node`."""
    if not lines or not isinstance(node, CommentedBase):
        return
    comment = node.ca.comment
    if comment is None:
        node.ca.comment = comment = [None, []]
    while len(comment) < 2:
        comment.append([])
    if comment[1] is None:
        comment[1] = []
    comment[1][0:0] = _tokens(lines, _column(node))


def _tokens(text: str, column: int) -> list[CommentToken]:
    """One token per line, as ruamel.yaml makes them: the text without its indentation, and the column."""
    return [
        CommentToken(line.strip() + "\n" if line.strip() else "\n", _mark(column), None)
        for line in text.rstrip("\n").split("\n")
        if text.strip("\n")
    ]


def _column(node) -> int:
    try:
        return node.lc.col or 0
    except AttributeError:
        return 0
