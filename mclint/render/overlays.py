"""Base versus overlays: is the shared base portable, with each cloud's couplings kept in its overlay?

Overlays that build on the same bases form a family. The base's findings are those located in the
shared files; an overlay's own findings are those located in files under the overlay's directory.
A portable base (no finding of its own) whose couplings each sit in an overlay is the pattern to
encourage: the overlay report calls it good.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from mclint.finding import Finding, ObjectRef, Severity, finding_order, object_order
from mclint.score import score, shown
from mclint.score.units import Units


@dataclass
class Build:
    """One built kustomization root: what it produced, after findings were mapped to source lines."""

    directory: str
    base: tuple[str, ...]
    findings: list[Finding] = field(default_factory=list)
    objects: list[ObjectRef] = field(default_factory=list)
    facts: list = field(default_factory=list)
    """mclint.model.facts.ObjectFacts of the built objects, under their source refs."""


def _inside(file: str, directory: str) -> bool:
    return directory in ("", ".") or file == directory or file.startswith(directory.rstrip("/") + "/")


def overlay_report(builds: list[Build], units: Units | None = None) -> list[dict]:
    """One entry per base shared by overlays: the base's score and each overlay's, and the verdict.

    Scores are means over the scan's deployable units (`units`), each restricted to the objects
    the base or the overlay deploys."""
    families: dict[str, list[Build]] = {}
    for build in builds:
        if build.base:
            families.setdefault(build.base[0], []).append(build)
    shared = [members for _, members in sorted(families.items()) if len(members) >= 2]
    return [_family(members[0].base, members, units) for members in shared]


def own_overlays(builds: list[Build]) -> dict[str, str]:
    """Overlay directory → the one provider its own couplings name: that provider's overlay."""
    found = {}
    for build in builds:
        providers = {
            f.provider for f in build.findings if f.severity > Severity.INFO and _inside(f.file, build.directory)
        }
        if build.base and len(providers) == 1:
            found[build.directory] = providers.pop()
    return found


def _family(base: tuple[str, ...], members: list[Build], units: Units | None) -> dict:
    objects = sorted({o for b in members for o in b.objects if not _inside(o.file, b.directory)}, key=object_order)
    base_findings = sorted(
        {f for b in members for f in b.findings if not _inside(f.file, b.directory)}, key=finding_order
    )
    overlays = [_overlay(build, units) for build in sorted(members, key=lambda b: b.directory)]
    base_score = score(objects, base_findings, units=units).overall
    base_couplings = sum(1 for f in base_findings if f.severity > Severity.INFO)
    coupled = [o for o in overlays if o["introduced_couplings"]]
    isolated = not base_couplings and bool(coupled) and all(len(o["providers"]) <= 1 for o in coupled)
    return {
        "base": base[0],
        "bases": list(base),
        "base_score": base_score,
        "base_findings": len(base_findings),
        "base_couplings": base_couplings,
        "overlays": overlays,
        "isolated": isolated,
        "verdict": _verdict(base_score, base_couplings, coupled, isolated),
    }


def _overlay(build: Build, units: Units | None) -> dict:
    own = [f for f in build.findings if _inside(f.file, build.directory)]
    couplings = [f for f in own if f.severity > Severity.INFO]
    objects, findings = sorted(build.objects, key=object_order), sorted(build.findings, key=finding_order)
    return {
        "overlay": build.directory,
        "score": score(objects, findings, units=units).overall,
        "findings": len(build.findings),
        "introduced": len(own),
        "introduced_couplings": len(couplings),
        "providers": sorted({f.provider for f in couplings}),
    }


def _verdict(base_score: int | None, base_couplings: int, coupled: list[dict], isolated: bool) -> str:
    """Info findings (a public registry, say) are not couplings: they never make a base "coupled"."""
    names = ", ".join(o["overlay"].rstrip("/").rsplit("/", 1)[-1] for o in coupled)
    base_score = shown(base_score)
    if isolated:
        return f"base portable ({base_score}); couplings isolated in overlays {names}: good"
    if not base_couplings:
        return (
            f"base portable ({base_score}); no overlay adds a coupling"
            if not coupled
            else (f"base portable ({base_score}); overlays {names} mix providers")
        )
    return f"base coupled ({base_score}, {base_couplings} coupling(s)): move provider settings into per-cloud overlays"
