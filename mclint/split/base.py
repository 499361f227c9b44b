"""Making the portable base: lint the files, take every chosen coupling out, lint again.

One pass decides and edits; a second lint checks the result. An object that still holds a chosen
coupling after its edits (two couplings sharing one line hide one another from the first lint)
moves to its overlay whole, so the base is never left coupled.
"""

from __future__ import annotations

from collections.abc import Iterable

from mclint.finding import Finding
from mclint.model.kinds import CONTAINER_LISTS, VALUES_KIND
from mclint.split.comments import remove_entry
from mclint.split.engine import Images, apply, decide
from mclint.split.objects import SourceFile, SplitError, SplitObject, in_scope, objects_of


class Base:
    """The files being split, their objects, and the images renamed across them."""

    def __init__(self, files: list[SourceFile]) -> None:
        self.files = files
        self.objects: list[SplitObject] = [obj for f in files for obj in objects_of(f)]
        self.images = Images(taken=_image_names(self.objects))

    def deployed(self) -> list[SplitObject]:
        return [obj for obj in self.objects if obj.deployed]

    def check_buildable(self) -> None:
        """Kustomize builds objects with a name, each (kind, namespace, name) once."""
        seen: dict[tuple, SplitObject] = {}
        for obj in self.deployed():
            if not obj.manifest.name or not _has_name(obj):
                raise SplitError(
                    f"{obj.ref.file}:{obj.ref.line}: {obj.ref.label} has no metadata.name; kustomize cannot build it"
                )
            key = (
                obj.manifest.api_version.rpartition("/")[0],
                obj.manifest.kind,
                obj.manifest.namespace,
                obj.manifest.name,
            )
            if key in seen:
                first = seen[key].ref
                raise SplitError(
                    f"{obj.ref.label} is defined twice ({first.file}:{first.line} and {obj.ref.file}:{obj.ref.line}):"
                    " kustomize cannot build both; split one application at a time"
                )
            seen[key] = obj

    def providers(self, findings: Iterable[Finding]) -> list[str]:
        return sorted({f.provider for f in findings if f.severity > 0})

    def take_out(self, providers: set[str], lint, keep=None) -> list[Finding]:
        """Edit the base; returns the chosen couplings still found afterwards (none when it worked).
        `keep(finding)` says which couplings stay where they are."""

        def chosen(findings: list[Finding]) -> list[Finding]:
            return [f for f in findings if in_scope(f, providers) and not (keep and keep(f))]

        first = chosen(lint(self.files))
        for obj, found in self._by_object(first):
            decide(obj, found, self.images)
        for obj in self.objects:
            if obj.removals and obj.whole is None:
                apply(obj, self.images)
        for obj in self.objects:
            if obj.whole is not None:
                self._drop(obj)
        for _ in range(2):
            left = chosen(lint(self.files))
            if not left:
                return []
            for obj, found in self._by_object(left):
                if obj.whole is not None or not obj.deployed:
                    continue
                obj.findings.extend(found)
                obj.whole = max(found, key=lambda f: (f.severity, f.provider)).provider
                self._drop(obj)
        return chosen(lint(self.files))

    def _by_object(self, findings: list[Finding]) -> list[tuple[SplitObject, list[Finding]]]:
        """Findings grouped by the object they are on (by file, kind, namespace and name)."""
        index: dict[tuple, SplitObject] = {}
        for obj in self.objects:
            if obj.whole is None:
                index.setdefault((obj.file.rel, obj.manifest.kind, obj.manifest.namespace, obj.manifest.name), obj)
        grouped: dict[int, tuple[SplitObject, list[Finding]]] = {}
        for finding in findings:
            ref = finding.obj
            obj = index.get((ref.file, ref.kind, ref.namespace, ref.name))
            if obj is None:
                raise SplitError(
                    f"{finding.file}:{finding.line}: {finding.rule_id} on {ref.label} is not in an object split can edit"
                )
            grouped.setdefault(id(obj), (obj, []))[1].append(finding)
        return list(grouped.values())

    def _drop(self, obj: SplitObject) -> None:
        """Take a whole object out of its base file: its document, or its item in a List."""
        node = obj.node()
        if obj.item is None:
            obj.file.dropped.add(obj.chunk)
            return
        items = obj.file.root(obj.chunk)["items"]
        position = next(index for index, item in enumerate(items) if item is node)
        remove_entry([(items, position)], keep=0)
        obj.file.changed.add(obj.chunk)


def _has_name(obj: SplitObject) -> bool:
    meta = obj.manifest.metadata
    return meta is not None and isinstance(meta.get("name"), str)


def _image_names(objects: list[SplitObject]) -> set[str]:
    from mclint.split.removal import parse_image

    names = set()
    for obj in objects:
        if obj.manifest.kind == VALUES_KIND:
            continue
        stack = [obj.manifest.body]
        while stack:
            node = stack.pop()
            if isinstance(node, dict):
                for key, value in node.items():
                    if key in CONTAINER_LISTS and isinstance(value, list):
                        names.update(
                            parse_image(c["image"]).name
                            for c in value
                            if isinstance(c, dict) and isinstance(c.get("image"), str)
                        )
                    if isinstance(value, (dict, list)):
                        stack.append(value)
            elif isinstance(node, list):
                stack.extend(v for v in node if isinstance(v, (dict, list)))
    return names


def lint_with(ruleset):
    """A linter over the files' current text, with a scan's StorageClass overruling across them."""
    from mclint import api

    options = api.ScanOptions()

    def lint(files: list[SourceFile]) -> list[Finding]:
        texts = [(f.render().encode("utf-8"), f.rel) for f in files]
        return list(api.lint_files(texts, ruleset, options).findings)

    return lint
