"""The walk visits every key and string once, with the trail that leads there, however deep."""

from __future__ import annotations

from mclint.load import load_bytes
from mclint.rules.walk import walk


def root(text: str):
    (document,) = load_bytes(text.encode()).documents
    return document.root


def test_keys_and_strings_come_with_their_trail():
    keys, strings = [], []
    body = root("spec:\n  containers:\n    - name: app\n      image: nginx\n      args: [a, b]\n")
    walk(
        body,
        [],
        {"image": ("hit",)},
        lambda hits, parent, key, value, trail: keys.append((key, value, list(trail))),
        lambda parent, step, text, trail: strings.append((step, text, list(trail))),
    )
    assert keys == [("image", "nginx", ["spec", "containers", 0])]
    assert strings == [
        ("name", "app", ["spec", "containers", 0]),
        ("image", "nginx", ["spec", "containers", 0]),
        (0, "a", ["spec", "containers", 0, "args"]),
        (1, "b", ["spec", "containers", 0, "args"]),
    ]


def test_nesting_as_deep_as_the_loader_allows_does_not_exhaust_the_stack():
    depth = 990
    text = "".join(f"{'  ' * i}k{i}:\n" for i in range(depth)) + f"{'  ' * depth}leaf: x\n"
    strings = []
    walk(root(text), [], {}, None, lambda parent, step, value, trail: strings.append((step, len(trail))))
    assert strings == [("leaf", depth)]


def test_server_bookkeeping_is_not_walked():
    strings = []
    body = root("metadata:\n  managedFields:\n    - manager: kubectl\n  name: x\n")
    walk(body, [], {}, None, lambda parent, step, text, trail: strings.append(step))
    assert strings == ["name"]
