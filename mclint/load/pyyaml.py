"""PyYAML's libyaml binding, imported on the first file that needs it rather than on every start.

Importing PyYAML takes 15-25 ms, a sixth of a one-file scan, and most scans never read a file with
it: the C fold (mclint/speedups/_cfold.c) links libyaml itself. A scan needs PyYAML for two things:

- whether the C fold may run at all, which depends on the libyaml release PyYAML's extension runs
  (mclint.load.yamlstream.CFOLD_LIBYAML). That release is kept in mclint's cache (mclint.cache),
  keyed by the extension file's path, size and modification time, so an unchanged install is not
  imported to learn it again; a changed or moved one is a miss, and MCLINT_NO_CACHE=1 always imports;
- the files the C fold hands back (anchors, aliases, merge keys, large or unusual files), and every
  file where the C fold was not built: those import it on their first call.
"""

from __future__ import annotations

import functools
import os
import sys
from typing import NamedTuple

CACHE_FILE = "pyyaml-libyaml.json"


class Binding(NamedTuple):
    parser: type
    """yaml._yaml.CParser"""
    error: type
    """yaml.error.YAMLError"""
    events: object
    """The yaml.events module (its event classes)."""
    version: str
    """The libyaml release the extension runs."""
    extension: str
    """The extension's file."""


@functools.cache
def binding() -> Binding | None:
    """PyYAML's libyaml parser, imported on the first call; None where PyYAML has no C extension."""
    try:
        from yaml import events
        from yaml._yaml import CParser, get_version_string
        from yaml.error import YAMLError
    except ImportError:
        return None
    return Binding(CParser, YAMLError, events, get_version_string(), getattr(sys.modules["yaml._yaml"], "__file__", ""))


def libyaml_version() -> str | None:
    """The libyaml release PyYAML's extension runs (None without one): from the cache while the
    extension file is the one it was read from, else by importing PyYAML."""
    from mclint import cache

    key = _extension_key(_extension_file())
    if key is not None:
        known = cache.read(key, CACHE_FILE, kind=str)
        if known is not None:
            return known or None
    found = binding()
    if found is None:
        return None
    key = _extension_key(found.extension)  # the file actually imported: a mismatch is only a miss next time
    if key is not None:
        cache.write(key, found.version, CACHE_FILE)
    return found.version


def _extension_file() -> str | None:
    """Where `import yaml._yaml` would find the extension, found without importing PyYAML."""
    from importlib.machinery import EXTENSION_SUFFIXES, PathFinder

    spec = PathFinder.find_spec("yaml")
    for folder in (spec.submodule_search_locations or ()) if spec is not None else ():
        for suffix in EXTENSION_SUFFIXES:
            path = os.path.join(folder, "_yaml" + suffix)
            if os.path.isfile(path):
                return path
    return None


def _extension_key(path: str | None) -> str | None:
    if not path:
        return None
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return f"{os.path.realpath(path)}:{stat.st_size}:{stat.st_mtime_ns}"
