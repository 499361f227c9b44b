"""Stage 4: rules. Declarative rule packs (rules/ in the source tree, shipped as mclint.rules.packs)
are instances of check templates; Python rules plug in through the `mclint.rules` entry point group."""

from mclint.rules.rule import Rule

__all__ = ["Rule"]
