"""The walk visits every key and string once, with the trail that leads there, however deep."""

from __future__ import annotations

import pytest

from mclint.load import MapNode, load_bytes
from mclint.rules import walk as walk_module
from mclint.rules.entries import READERS, SHAPES
from mclint.rules.walk import walk, walk_in_python
from tests.conftest import CORPUS, FIXTURES, needs_corpus


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


# --- the C walk and its Python twin ----------------------------------------------------------

needs_cwalk = pytest.mark.skipif(walk_module._cwalk is None, reason="the C walk was not built here (no compiler)")
WALKS = [pytest.param(walk, id="walk"), pytest.param(walk_in_python, id="python")]
KEYS = {key: (key,) for key in ("image", "name", "kind", "storageClassName", "annotations", "labels", "value", "0")}


def calls_of(walker, body, quiet=None) -> list:
    """Every handler call of one walk, with the trail as it was at that call."""
    calls = []
    walker(
        body,
        ["top"],
        KEYS,
        lambda hits, parent, key, value, trail: calls.append(("key", hits, id(parent), key, id(value), tuple(trail))),
        lambda parent, step, text, trail: calls.append(("string", id(parent), step, text, tuple(trail))),
        quiet,
    )
    return calls


@pytest.mark.parametrize("walker", WALKS)
def test_known_quiet_strings_and_descriptions_are_not_handed_over(walker):
    body = root("a: quiet\nb: loud\nc: |\n  quiet\n  lines\ndescription: quiet too\nd: [quiet, new]\n")
    strings = []
    quiet = {"quiet": [], "loud": ["rule"], "quiet\nlines\n": []}
    walker(body, [], {}, None, lambda parent, step, text, trail: strings.append((step, text)), quiet)
    assert strings == [("b", "loud"), ("c", "quiet\nlines\n"), (1, "new")]


@pytest.mark.parametrize("walker", WALKS)
def test_a_mapping_a_patch_deletes_is_not_walked(walker):
    body = root("spec:\n  volumes:\n    - name: a\n      $patch: delete\n    - name: b\n")
    strings = []
    walker(body, [], {}, None, lambda parent, step, text, trail: strings.append(text))
    assert strings == ["b"]


@pytest.mark.parametrize("walker", WALKS)
def test_a_handler_that_raises_ends_the_walk_with_its_exception(walker):
    def fail(*_):
        raise ValueError("from the handler")

    with pytest.raises(ValueError, match="from the handler"):
        walker(root("a:\n  b: [x]\n"), [], {"b": ()}, fail, None)


@needs_cwalk
def test_the_c_walk_makes_the_python_walks_calls_on_every_fixture():
    bodies = [d.root for p in sorted(FIXTURES.rglob("*.yaml")) for d in load_bytes(p.read_bytes()).documents]
    bodies = [b for b in bodies if type(b) is MapNode]
    assert len(bodies) > 100
    for body in bodies:
        strings = [call[3] for call in calls_of(walk_in_python, body) if call[0] == "string"]
        quiet = {text: [] for text in strings[::2]}
        assert calls_of(walk, body) == calls_of(walk_in_python, body)
        assert calls_of(walk, body, quiet) == calls_of(walk_in_python, body, quiet)


@needs_cwalk
@needs_corpus()
def test_the_c_walk_makes_the_python_walks_calls_on_the_corpus():
    checked = 0
    for path in sorted(CORPUS.rglob("*.yaml")):
        for document in load_bytes(path.read_bytes()).documents:
            if type(document.root) is MapNode:
                assert calls_of(walk, document.root) == calls_of(walk_in_python, document.root), path
                checked += 1
    assert checked > 5000


@needs_cwalk
def test_the_c_walk_keeps_no_memory():
    """Each reference it takes is dropped on every way out, a handler's exception included."""
    import tracemalloc

    body = root("a:\n  b: [x, {c: y}]\n  d: z\nname: n\n")

    def fail(*_):
        raise ValueError

    quiet = {("d", "z"): (), ("name", "n"): (), ("b", None): ()}
    shaped = {
        "d": ({}, (("p", "s", "r", "g", walk_module.PAIR, quiet),)),  # passed over
        "name": ({}, (("p", "s", "r", "g", walk_module.PAIR, {}),)),  # not remembered: handed over
        "b": ({"a": (("p", "s", "r", "g", walk_module.PAIR, quiet),)}, ()),  # the nearest key chooses
    }

    def once():
        walk(body, [], KEYS, lambda *_: None, lambda *_: None, {"x": []})
        walk(body, [], shaped, lambda *_: None, None)
        try:
            walk(body, [], {"c": ()}, fail, None)
        except ValueError:
            return
        raise AssertionError("the handler's exception was lost")

    once()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        for _ in range(3000):
            once()
        grown = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert grown < 20_000


# --- keys passed over: every chosen handler remembered finding nothing there -----------------


def _hits(by_near: dict, anywhere: tuple) -> tuple:
    return (by_near, anywhere)


def _handler(remembered: dict | None, shape: int = walk_module.PAIR) -> tuple:
    """A checker's handler tuple as the walk reads it: only its last two items, the reader's shape
    and the remembered answers."""
    return ("plain", "selector", "read", "group", shape, remembered)


@pytest.mark.parametrize("walker", WALKS)
def test_a_key_every_handler_found_nothing_at_is_passed_over(walker):
    body = root("kind: Deployment\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  kind: Other\n")
    nothing = {("kind", "Deployment"): (), ("namespace", "shop"): (), ("name", None): ()}
    something = {("kind", "Other"): ("a member",)}
    keys = {
        "kind": _hits({}, (_handler(nothing), _handler({**nothing, **something}))),
        "namespace": _hits({}, (_handler(nothing), _handler(None))),  # one handler remembers nothing
        "name": _hits({"metadata": ()}, (_handler(nothing),)),  # no handler for a name under metadata
    }
    called = []
    walker(body, [], keys, lambda hits, parent, key, value, trail: called.append((key, value)), None)
    assert called == [("namespace", "shop"), ("kind", "Other")]


@pytest.mark.parametrize("walker", WALKS)
def test_a_long_value_is_never_passed_over(walker):
    long = "x" * (walk_module.MAX_REMEMBERED_LENGTH + 1)
    body = root(f"a: {long}\nb: short\n")
    remembered = {("a", long): (), ("b", "short"): ()}
    keys = {key: _hits({}, (_handler(remembered),)) for key in ("a", "b")}
    called = []
    walker(body, [], keys, lambda hits, parent, key, value, trail: called.append(key), None)
    assert called == ["a"]


@needs_cwalk
def test_the_c_walk_passes_over_the_keys_the_python_walk_does_with_a_checkers_table(ruleset):
    from mclint.load.text import FileText
    from mclint.model import manifests_from_document

    paths = sorted(FIXTURES.rglob("*.yaml"))
    manifests = [
        manifest
        for path in paths
        for document in load_bytes(path.read_bytes()).documents
        for manifest in manifests_from_document(document, str(path), {}, FileText(path.read_bytes()))
        if type(manifest.body) is MapNode
    ]
    for manifest in manifests:  # every checker's answers remembered, as after a file or two
        ruleset.check(manifest)
    passed_over = 0
    for manifest in manifests:
        keys = ruleset.checker(manifest.kind, manifest.pod is not None).keys
        in_c = _keys_handed(walk, manifest.body, keys)
        assert in_c == _keys_handed(walk_in_python, manifest.body, keys)
        every = _keys_handed(walk_in_python, manifest.body, {k: (k,) for k in keys})
        passed_over += len(every) - len(in_c)
    assert passed_over > 500  # 956 when written


def _keys_handed(walker, body, keys) -> list:
    handed = []
    walker(body, [], keys, lambda hits, parent, key, value, trail: handed.append((key, tuple(trail))), None)
    return handed


POD = """\
metadata:
  labels: {app: web, tier: front}
spec:
  containers:
    - name: app
      image: registry.example/app:1
      env:
        - {name: MODE, value: fast}
        - {name: TOKEN, valueFrom: {secretKeyRef: {name: s, key: k}}}
      resources:
        limits: {cpu: "1"}
        requests: {memory: 1Gi}
  volumes:
    - name: data
      emptyDir: {}
"""

SHAPED = {
    "labels": (walk_module.MAPPING, [("app", "web"), ("tier", "front")]),
    "image": (walk_module.IMAGE, [("app", "registry.example/app:1")]),
    "env": (walk_module.ENV, [("MODE", "fast"), ("TOKEN", None)]),
    "resources": (walk_module.SECTIONS, [("cpu", "1"), ("memory", "1Gi")]),
    "volumes": (walk_module.VOLUMES, [("emptyDir", None)]),
}
"""Each key a reader of another shape reads, with the (key, value) pairs that reader gives its rules."""


@pytest.mark.parametrize("walker", WALKS)
@pytest.mark.parametrize("key", sorted(SHAPED))
def test_a_key_is_passed_over_only_when_every_pair_its_reader_gives_is_remembered_empty(walker, key):
    shape, pairs = SHAPED[key]

    def handed(remembered: dict) -> list:
        keys = {key: _hits({}, (_handler(remembered, shape),))}
        called = []
        walker(root(POD), [], keys, lambda hits, parent, k, value, trail: called.append(k), None)
        return called

    assert handed(dict.fromkeys(pairs, ())) == []
    for pair in pairs:  # each pair counts: one not remembered, or remembered with members, hands the key over
        assert handed({p: () for p in pairs if p != pair}) == [key]
        assert handed({**dict.fromkeys(pairs, ()), pair: ("a member",)}) == [key]
    assert handed(dict.fromkeys(pairs, ())) == []
    unknown = _hits({}, (("plain", "selector", "read", "group", 99, dict.fromkeys(pairs, ())),))
    called = []
    walker(root(POD), [], {key: unknown}, lambda hits, parent, k, value, trail: called.append(k), None)
    assert called == [key]  # a shape the walk does not know is never passed over


@pytest.mark.parametrize("walker", WALKS)
@pytest.mark.parametrize(
    ("text", "shape", "passed_over"),
    [
        ("labels: {$patch: delete, app: web}\n", walk_module.MAPPING, True),  # deleted: the reader gives nothing
        ("labels: [a, b]\n", walk_module.MAPPING, True),  # not a mapping: nothing
        (f"labels: {{app: {'w' * (walk_module.MAX_REMEMBERED_LENGTH + 1)}}}\n", walk_module.MAPPING, False),
        ("env:\n  - {name: {odd: name}, value: x}\n", walk_module.ENV, False),  # a name no answer is kept for
        ("env:\n  - {name: MODE, value: fast, $patch: delete}\n  - {value: unnamed}\n", walk_module.ENV, True),
        ("volumes:\n  - {name: data, $patch: delete, csi: {}}\n  - {csi: {}}\n", walk_module.VOLUMES, True),
        ("resources: {limits: [1], requests: {$patch: delete, gpu: 1}}\n", walk_module.SECTIONS, True),
        ("name: app\nimage: {repository: app, tag: '1'}\n", walk_module.IMAGE, False),  # a Helm values block
        ("name: app\nimage: ~\n", walk_module.IMAGE, True),
        ("name: [app]\nimage: nginx\n", walk_module.IMAGE, True),  # a name that is not a string is None
    ],
)
def test_what_a_reader_gives_nothing_for_passes_over_and_what_is_never_remembered_does_not(
    walker, text, shape, passed_over
):
    key = "image" if shape == walk_module.IMAGE else text.split(":")[0]
    remembered = {("image", None): (), (None, "nginx"): ()}
    called = []
    keys = {key: _hits({}, (_handler(remembered, shape),))}
    walker(root(text), [], keys, lambda hits, parent, k, value, trail: called.append(k), None)
    assert called == ([] if passed_over else [key])


def _every_key(body):
    """(parent, key, value) for every key of every mapping in `body`."""
    stack = [body]
    while stack:
        node = stack.pop()
        if type(node) is MapNode:
            for key, value in node.items():
                yield node, key, value
                stack.append(value)
        elif isinstance(node, list):
            stack.extend(node)


@pytest.mark.parametrize("reader", sorted(SHAPES))
def test_each_shaped_reader_gives_the_pairs_its_shape_lists_on_every_fixture(reader):
    """What quiet_key looks up is what the reader hands the rules, wherever its key is written."""
    read, shape = READERS[reader], SHAPES[reader]
    compared = 0
    for path in sorted(FIXTURES.rglob("*.yaml")):
        for document in load_bytes(path.read_bytes()).documents:
            for parent, key, value in _every_key(document.root):
                listed = list(walk_module._pairs(shape, parent, key, value))
                if None in listed:
                    continue  # never remembered: the key is always handed over
                given = [walk_module._remembered_as(e.key, e.value) for e in read(parent, key, value, "@")]
                assert given == listed, (path, key)
                compared += bool(given)
    assert compared > 10  # 19 (resources) to hundreds when written
