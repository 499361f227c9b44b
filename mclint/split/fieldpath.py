"""Findings name the field they bind on (`spec.template.spec.containers[0].image`,
`metadata.annotations['eks.amazonaws.com/role-arn']`); this reads that notation back into steps."""

from __future__ import annotations

import re

Step = str | int

_STEP = re.compile(r"\['(?P<quoted>.*?)'\](?=\.|\[|$)|\[(?P<index>\d+)\]|\.?(?P<plain>[A-Za-z_$][A-Za-z0-9_$-]*)")


def parse_field(field: str) -> tuple[Step, ...] | None:
    """The keys and list indices of a finding's field, or None when it is not a path into the object
    (a static Helm template line, say)."""
    steps: list[Step] = []
    position = 0
    while position < len(field):
        match = _STEP.match(field, position)
        if match is None or match.end() == position:
            return None
        if match["index"] is not None:
            steps.append(int(match["index"]))
        else:
            steps.append(match["quoted"] if match["quoted"] is not None else match["plain"])
        position = match.end()
    return tuple(steps) if steps else None
