"""The words rules are filed under (providers, categories, the target clouds), read from the rule packs'
vocabulary file, so adding a provider is a change to data, not to code.

The file sits beside the shipped rule packs (rules/ in a source checkout, mclint/rules/packs in an
installed wheel) and is read once, the first time a word is asked for.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

VOCABULARY_FILE = "_vocabulary.yaml"
"""Its name starts with '_': the rule registry reads every other *.yaml beside it as a rule pack."""


class Vocabulary:
    __slots__ = ("categories", "providers", "targets")
    FIELDS = ("providers", "categories", "targets")

    def __init__(self, providers: tuple[str, ...], categories: tuple[str, ...], targets: tuple[str, ...]) -> None:
        self.providers = providers
        """In the order reports list them: the target clouds first."""
        self.categories = categories
        """In the order reports list them."""
        self.targets = targets
        """The clouds known in depth: each rule's equivalents, the default score targets, `plan --to`."""


@lru_cache(maxsize=1)
def rule_packs_dir() -> Path:
    """The shipped packs: mclint/rules/packs in an installed wheel, rules/ in a source checkout."""
    here = Path(__file__).resolve().parent
    packaged = here / "rules" / "packs"
    return packaged if packaged.is_dir() else here.parent / "rules"


def vocabulary_file() -> Path:
    return rule_packs_dir() / VOCABULARY_FILE


@lru_cache(maxsize=1)
def vocabulary() -> Vocabulary:
    """The vocabulary file's words; a file that does not have the expected shape is a ValueError naming it."""
    from mclint.load import load_bytes

    path = vocabulary_file()
    loaded = load_bytes(path.read_bytes())
    root = loaded.documents[0].root if loaded.documents and not loaded.problems else None
    words = {key: _words(root, key, path) for key in Vocabulary.FIELDS}
    unknown = set(words["targets"]) - set(words["providers"])
    if unknown:
        raise ValueError(f"{path}: targets {', '.join(sorted(unknown))} are not providers")
    return Vocabulary(**words)


def _words(root: object, key: str, path: Path) -> tuple[str, ...]:
    value = root.get(key) if isinstance(root, dict) else None
    if not isinstance(value, list) or not value or not all(isinstance(word, str) and word for word in value):
        raise ValueError(f"{path}: '{key}' must be a non-empty list of words")
    return tuple(value)
