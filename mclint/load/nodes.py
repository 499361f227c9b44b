"""The light YAML tree mclint lints: plain dicts, lists and strings that remember positions.

Scalars stay strings (null becomes None): a linter compares text, and never turning a tag
into a Python object is what makes loading safe.
"""

from __future__ import annotations

Position = tuple[int, int]
"""1-based (line, column)."""


class MapNode(dict):
    """A YAML mapping; ``keys_at``/``values_at`` give each key's and value's position."""

    __slots__ = ("column", "keys_at", "line", "values_at")

    def __init__(self, line: int, column: int) -> None:
        # dict.__init__ is not called: with no arguments it does nothing, and this runs per mapping.
        self.line = line
        self.column = column
        self.keys_at: dict[object, Position] = {}
        self.values_at: dict[object, Position] = {}

    def key_position(self, key: object) -> Position:
        return self.keys_at.get(key, (self.line, self.column))

    def value_position(self, key: object) -> Position:
        return self.values_at.get(key, self.key_position(key))


class SeqNode(list):
    """A YAML sequence; ``items_at`` gives each item's position."""

    __slots__ = ("column", "items_at", "line")

    def __init__(self, line: int, column: int) -> None:
        self.line = line
        self.column = column
        self.items_at: list[Position] = []

    def item_position(self, index: int) -> Position:
        if 0 <= index < len(self.items_at):
            return self.items_at[index]
        return (self.line, self.column)


def child(node: object, *keys: str) -> object:
    """The value under `keys`, one mapping level each; None as soon as a level is not a mapping."""
    for key in keys:
        if type(node) is not MapNode:
            return None
        node = node.get(key)
    return node
