"""What a split would write, and what it did: the one value `split` hands the command."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class SplitResult:
    """What a split would write (path under the output directory → text), and what it did."""

    files: dict[str, str] = field(default_factory=dict)
    providers: list[str] = field(default_factory=list)
    overlays: dict[str, str] = field(default_factory=dict)
    """Provider → the overlay directory under the output."""
    base: str = "base"
    moved: list[tuple[str, str, str]] = field(default_factory=list)
    """(provider, object label, rule ids) of objects that moved whole to an overlay."""
    patched: int = 0
    left_out: list[str] = field(default_factory=list)
    objects: int = 0
    expected: dict[str, object] = field(default_factory=dict)
    """Provider → what its overlay must build like: files (path → text) or the input's Kustomize root."""
