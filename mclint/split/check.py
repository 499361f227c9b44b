"""The two promises of a split, checked on what was written: each overlay builds the input back,
and a scan of the base finds no coupling to the split-out providers above info."""

from __future__ import annotations

from pathlib import Path

from mclint.split.output import shown
from mclint.split.verify import build, build_files, differences


def check_split(output: Path, result, ruleset) -> tuple[list[str], bool]:
    """Lines to print, and whether both promises hold."""
    lines: list[str] = []
    ok = True
    for provider, overlay in sorted(result.overlays.items()):
        if provider not in result.expected:
            continue  # Helm values only: nothing for kustomize to build
        built = build(output / overlay)
        if built is None:
            lines.append("mclint: neither kustomize nor kubectl is on PATH: the overlays were not built")
            break
        source = result.expected[provider]
        expected = build(source) if isinstance(source, Path) else build_files(source)
        if built.problem or expected.problem:
            which = "the overlay" if built.problem else "the input"
            lines.append(f"check failed: kustomize cannot build {which}: {built.problem or expected.problem}")
            ok = False
            continue
        found = differences(expected, built)
        if found:
            ok = False
            lines.append(f"check failed: {overlay} does not build the input back:")
            lines.extend(f"  {line}" for line in found)
        else:
            shown_dir = shown(output / overlay)
            lines.append(
                f"checked: kubectl kustomize {shown_dir} builds the input's {len(built.objects)} object(s) back"
            )
    couplings = scan_couplings(output / result.base, set(result.providers), ruleset)
    if couplings:
        ok = False
        lines.append(f"check failed: {result.base} still holds {len(couplings)} coupling(s):")
        lines.extend(f"  {f.file}:{f.line}: {f.rule_id} ({f.severity.label})" for f in couplings[:10])
    else:
        names = ", ".join(result.providers)
        lines.append(f"checked: mclint scan {shown(output / result.base)} finds no {names} coupling above info")
    return lines, ok


def scan_couplings(directory: Path, providers: set[str], ruleset) -> list:
    """Findings of `providers` above info in a scan of `directory`, Kustomize roots built."""
    from mclint import api
    from mclint.render import RenderOptions
    from mclint.split.objects import in_scope

    result = api.scan([str(directory)], ruleset, api.ScanOptions(render=RenderOptions()))
    return [f for f in result.findings if in_scope(f, providers)]
