"""Recall and precision of the shipped rules against corpus files labelled by hand.

Three label sets, each made by reading whole files, never by running mclint: this project's own
(tests/data/labels, with the class of place each coupling lives in), a held-out one made the same
way and kept out of sight while the rules were tuned (tests/data/heldout), and an independent one
(../shared/labels). A labelled line is found when a finding is reported on it; a finding on a
line no row names, in a labelled file, is a false positive.

Files are scanned as a user would name them, raw; a Helm template is reached through its chart
(the static pass reads templates, which are not YAML).

    python -m tests.labels            # both sets: recall and precision by class, category, provider
    python -m tests.labels --misses   # and every line missed or reported wrongly
"""

from __future__ import annotations

import csv
import os
import sys
from collections import Counter
from pathlib import Path
from typing import NamedTuple

from mclint import api
from mclint.render import RenderOptions
from tests.conftest import CORPUS, REPO

OWN = REPO / "tests" / "data" / "labels"
HELDOUT = REPO / "tests" / "data" / "heldout"
SHARED = REPO.parent / "shared" / "labels"


class LabelSet(NamedTuple):
    name: str
    rows: dict[tuple[str, int], dict]
    """(file relative to the corpus, line) → the row (provider, category, class when given, reason)."""
    files: list[str]
    clean: set[str]


class Score(NamedTuple):
    found: list[tuple[str, int]]
    missed: list[tuple[str, int]]
    wrong: list[tuple[str, int, str]]
    """(file, line, rule id) of findings on lines no row names."""

    @property
    def recall(self) -> float:
        return len(self.found) / max(1, len(self.found) + len(self.missed))

    @property
    def precision(self) -> float:
        right = len(self.found)
        return right / max(1, right + len({(f, line) for f, line, _ in self.wrong}))


def load(directory: Path, name: str) -> LabelSet:
    with open(directory / "couplings.tsv", encoding="utf-8") as handle:
        rows = {(row["file"], int(row["line"])): row for row in csv.DictReader(handle, delimiter="\t")}
    files = [
        line.strip() for line in (directory / "files.txt").read_text(encoding="utf-8").splitlines() if line.strip()
    ]
    clean_lines = (directory / "clean.txt").read_text(encoding="utf-8").splitlines()
    clean = {line.split("\t", 1)[0].strip() for line in clean_lines if line.strip()}
    return LabelSet(name, rows, files, clean)


def chart_of(relative: str) -> Path | None:
    """The chart directory of a file under a chart's templates/, else None."""
    path = CORPUS / relative
    for parent in path.parents:
        if parent == CORPUS:
            return None
        if parent.name == "templates" and (parent.parent / "Chart.yaml").is_file():
            return parent.parent
    return None


def findings_by_line(files: list[str], ruleset) -> dict[tuple[str, int], list[str]]:
    """(file, line) → the rule ids reported there, for the labelled files."""
    wanted = set(files)
    charts = sorted({chart for f in files if (chart := chart_of(f)) is not None})
    raw = [str(CORPUS / f) for f in files if chart_of(f) is None]
    results = [api.scan(raw, ruleset, api.ScanOptions(render=RenderOptions("off")))]
    results += [api.scan([str(chart)], ruleset, api.ScanOptions(render=RenderOptions("auto"))) for chart in charts]
    found: dict[tuple[str, int], list[str]] = {}
    for result in results:
        for finding in result.findings:
            relative = os.path.relpath(os.path.abspath(finding.file), CORPUS)
            if relative in wanted:
                found.setdefault((relative, finding.line), []).append(finding.rule_id)
    return found


def score(labels: LabelSet, found: dict[tuple[str, int], list[str]]) -> Score:
    hits = [spot for spot in labels.rows if spot in found]
    missed = [spot for spot in labels.rows if spot not in found]
    wrong = [(f, line, rule) for (f, line), rules in found.items() if (f, line) not in labels.rows for rule in rules]
    return Score(sorted(hits), sorted(missed), sorted(wrong))


def breakdown(labels: LabelSet, result: Score, column: str) -> dict[str, tuple[int, int]]:
    """column value → (found, labelled)."""
    totals: Counter[str] = Counter(labels.rows[spot].get(column, "-") for spot in labels.rows)
    hits: Counter[str] = Counter(labels.rows[spot].get(column, "-") for spot in result.found)
    return {value: (hits[value], totals[value]) for value in sorted(totals)}


def main(argv: list[str]) -> int:
    from mclint.rules.engine import RuleSet
    from mclint.rules.registry import load_rules

    ruleset = RuleSet(load_rules(plugins=False))
    for directory, name in ((OWN, "own"), (HELDOUT, "heldout"), (SHARED, "shared")):
        if not directory.is_dir():
            continue
        labels = load(directory, name)
        result = score(labels, findings_by_line(labels.files, ruleset))
        print(f"== {name} labels: {len(labels.files)} files, {len(labels.rows)} coupling lines")
        print(f"recall {result.recall:.3f} ({len(result.found)}/{len(labels.rows)}), precision {result.precision:.3f}")
        for column in ("class", "category", "provider"):
            if any(column in row for row in labels.rows.values()):
                cells = ", ".join(f"{k} {h}/{t}" for k, (h, t) in breakdown(labels, result, column).items())
                print(f"  by {column}: {cells}")
        if "--misses" in argv:
            for file, line in result.missed:
                print(f"  missed {file}:{line}  {labels.rows[(file, line)]['reason']}")
            for file, line, rule in result.wrong:
                print(f"  wrong  {file}:{line}  {rule}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
