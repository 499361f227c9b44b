"""What the render stage adds to reports: the overlay summary, build counts, and per-finding overlays."""

from __future__ import annotations

from mclint.finding import Finding
from mclint.render import finding_identity


def render_extras(result, units=None) -> dict:
    """Top-level JSON keys: "render" (renderers available, builds, failures, notices) and "overlays"
    (base versus overlays, scored over the scan's deployable `units`)."""
    rendered = result.rendered
    if rendered is None:
        return {}
    return {"render": rendered.summary(), "overlays": rendered.overlays(units)}


def brought_in_by(result, finding: Finding) -> list[str]:
    """The kustomization roots (overlays) whose build produced the finding; empty for raw files."""
    rendered = getattr(result, "rendered", None)
    return list(rendered.brought_in_by.get(finding_identity(finding), ())) if rendered else []
