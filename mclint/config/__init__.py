"""`.mclint.yaml` (or `[tool.mclint]` in pyproject.toml): what a team accepts, found by walking up.

Every key is checked; an unknown key or bad value is a ConfigError naming the file and line, which
the CLI turns into exit 2. YAML is parsed with mclint's positioned loader so errors carry lines.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from mclint.finding import FAIL_ON, Severity
from mclint.vocabulary import vocabulary

if TYPE_CHECKING:  # imported where a waiver is read: most scans have none, and it costs every start 1 ms
    import datetime

CONFIG_NAMES = (".mclint.yaml", ".mclint.yml")
KEYS = ("select", "ignore", "severity", "fail-on", "fail-under", "targets", "exclude", "rules-dirs", "waivers")
WAIVER_KEYS = ("rule", "path", "kind", "namespace", "name", "reason", "expires")


class ConfigError(Exception):
    """A configuration that cannot be used, with where it is."""

    def __init__(self, source: str, line: int, message: str) -> None:
        super().__init__(f"{source}:{line}: {message}" if line else f"{source}: {message}")


class Waiver(NamedTuple):
    """An accepted coupling: which findings (globs; empty matches anything), why, and until when."""

    rule: str
    reason: str
    line: int
    path: str = ""
    kind: str = ""
    namespace: str = ""
    name: str = ""
    expires: datetime.date | None = None

    def expired(self, today: datetime.date) -> bool:
        return self.expires is not None and today > self.expires


class Config:
    """What a team accepts; the defaults when no file was found. (A plain class: see mclint.rules.rule.Rule.)"""

    def __init__(
        self,
        source: str = "",
        directory: Path | None = None,
        select: list[str] | None = None,
        ignore: list[str] | None = None,
        severity: dict[str, Severity] | None = None,
        fail_on: str | None = None,
        fail_under: int | None = None,
        targets: list[str] | None = None,
        exclude: list[str] | None = None,
        rules_dirs: list[Path] | None = None,
        waivers: list[Waiver] | None = None,
    ) -> None:
        self.source = source
        """The file it came from, as shown in messages ("" when no file was found)."""
        self.directory = Path.cwd() if directory is None else directory
        self.select = select or []
        self.ignore = ignore or []
        self.severity = severity or {}
        self.fail_on = fail_on
        self.fail_under = fail_under
        self.targets = targets or []
        self.exclude = exclude or []
        self.rules_dirs = rules_dirs or []
        self.waivers = waivers or []
        self.command_line_exclude: list[str] = []
        """--exclude/--extend-exclude patterns, relative to the working directory (see overridden)."""


def find_config(start: Path) -> Path | None:
    """The nearest `.mclint.yaml`, or pyproject.toml with a [tool.mclint] table, at or above `start`."""
    directory = Path(os.path.realpath(start))  # a symbolic link loop resolves as far as it goes
    if not directory.is_dir():
        directory = directory.parent
    for folder in (directory, *directory.parents):
        for name in CONFIG_NAMES:
            if (folder / name).is_file():
                return folder / name
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file() and _has_mclint_table(pyproject):
            return pyproject
    return None


def _has_mclint_table(path: Path) -> bool:
    try:
        return "[tool.mclint" in path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False


def load_config(path: Path) -> Config:
    """Read and check one config file; raise ConfigError (file, line, what is wrong) on any problem."""
    from mclint.discover import display_path

    source = display_path(path)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise ConfigError(source, 0, f"cannot read config: {error.strerror or error}") from None
    if path.name == "pyproject.toml":
        raw, line_of = _toml_table(data, source)
    else:
        raw, line_of = _yaml_mapping(data, source)
    return _build(raw, line_of, source, path.resolve().parent)


LineOf = Callable[[tuple], int]


def _yaml_mapping(data: bytes, source: str) -> tuple[dict, LineOf]:
    from mclint.load import MapNode, SeqNode, load_bytes

    loaded = load_bytes(data)
    if loaded.problems:
        problem = loaded.problems[0]
        raise ConfigError(source, problem.line, f"not valid YAML: {problem.message}")
    root = loaded.documents[0].root if loaded.documents else None
    if root is None:
        return {}, lambda _: 0
    if type(root) is not MapNode:
        raise ConfigError(source, getattr(root, "line", 1), "the configuration must be a mapping of keys")

    def line_of(path: tuple) -> int:
        node, line = root, root.line
        for step in path:
            if type(node) is MapNode and step in node:
                line = node.value_position(step)[0] if step == path[-1] else node.key_position(step)[0]
                node = node[step]
            elif type(node) is SeqNode and isinstance(step, int) and step < len(node):
                line = node.item_position(step)[0]
                node = node[step]
        return line

    return root, line_of


def _toml_table(data: bytes, source: str) -> tuple[dict, LineOf]:
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib
    text = data.decode("utf-8", errors="replace")
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(source, getattr(error, "lineno", 0), f"not valid TOML: {error}") from None
    except RecursionError:
        raise ConfigError(source, 0, "not valid TOML: nested too deeply") from None
    tool = document.get("tool", {})
    table = tool.get("mclint", {}) if isinstance(tool, dict) else {}
    if not isinstance(table, dict):
        raise ConfigError(source, 0, "[tool.mclint] must be a table")
    lines = text.splitlines()

    def line_of(path: tuple) -> int:
        """TOML keeps no positions: the line that starts with the key, after the n-th waiver's header (best effort)."""
        start, header = 0, 0
        if len(path) >= 2 and path[0] == "waivers" and isinstance(path[1], int):
            headers = [n for n, line in enumerate(lines) if line.strip().startswith("[[tool.mclint.waivers]]")]
            if path[1] < len(headers):
                start = header = headers[path[1]]
                if len(path) == 2:
                    return header + 1
        key = path[-1] if isinstance(path[-1], str) else path[0]
        for number in range(start, len(lines)):
            if lines[number].strip().startswith((f"{key} ", f"{key}=", f'"{key}"')):
                return number + 1
        return header + 1 if header else 0

    return table, line_of


def _build(raw: dict, line_of: LineOf, source: str, directory: Path) -> Config:
    def fail(path: tuple, message: str) -> ConfigError:
        return ConfigError(source, line_of(path), message)

    for key in raw:
        if key not in KEYS:
            raise fail((key,), f"unknown key {key!r} (allowed: {', '.join(KEYS)})")
    config = Config(source=source, directory=directory)
    config.select = _strings(raw, "select", fail)
    config.ignore = _strings(raw, "ignore", fail)
    config.exclude = _strings(raw, "exclude", fail)
    _check_patterns(config.exclude, fail)
    config.targets = [_provider(t, ("targets", i), fail) for i, t in enumerate(_strings(raw, "targets", fail))]
    config.rules_dirs = [
        _directory(directory, d, ("rules-dirs", i), fail) for i, d in enumerate(_strings(raw, "rules-dirs", fail))
    ]
    config.severity = _severities(raw.get("severity"), fail)
    config.fail_on = _fail_on(raw.get("fail-on"), fail)
    config.fail_under = _fail_under(raw.get("fail-under"), fail)
    config.waivers = _waivers(raw.get("waivers"), fail, line_of)
    return config


def _check_patterns(patterns: list[str], fail) -> None:
    import re

    import pathspec

    for index, pattern in enumerate(patterns):
        try:
            pathspec.GitIgnoreSpec.from_lines([pattern])
        except (ValueError, re.error) as error:
            raise fail(("exclude", index), f"{pattern!r} is not a gitignore pattern: {error}") from None


def _strings(raw: dict, key: str, fail) -> list[str]:
    value = raw.get(key)
    if value is None:
        return []
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise fail((key,), f"{key!r} must be a list of non-empty strings")
    return [v.strip() for v in value]


def _provider(name: str, path: tuple, fail) -> str:
    providers = vocabulary().providers
    if name not in providers:
        raise fail(path, f"unknown target {name!r} (expected one of {', '.join(providers)})")
    return name


def _directory(base: Path, text: str, path: tuple, fail) -> Path:
    folder = (base / text).resolve()
    if not folder.is_dir():
        raise fail(path, f"rules directory {text!r} does not exist (relative to the config file)")
    return folder


def _severities(value: object, fail) -> dict[str, Severity]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise fail(("severity",), "'severity' must map rule ids or patterns to high, medium, low or info")
    out = {}
    for pattern, level in value.items():
        try:
            out[str(pattern)] = Severity.parse(level if isinstance(level, str) else "")
        except ValueError as error:
            raise fail(("severity", pattern), f"severity of {pattern!r}: {error}") from None
    return out


def _fail_on(value: object, fail) -> str | None:
    if value is None:
        return None
    if value not in FAIL_ON:
        raise fail(("fail-on",), f"'fail-on' must be one of {', '.join(FAIL_ON)}, not {value!r}")
    return value


def _fail_under(value: object, fail) -> int | None:
    if value is None:
        return None
    text = str(value)
    if not (text.isascii() and text.isdigit()) or not 0 <= int(text) <= 100:
        raise fail(("fail-under",), f"'fail-under' must be a whole number from 0 to 100, not {value!r}")
    return int(text)


def _waivers(value: object, fail, line_of: LineOf) -> list[Waiver]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise fail(("waivers",), "'waivers' must be a list of mappings")
    return [_waiver(item, index, fail, line_of) for index, item in enumerate(value)]


def _waiver(item: object, index: int, fail, line_of: LineOf) -> Waiver:
    import datetime

    here = ("waivers", index)
    if not isinstance(item, dict):
        raise fail(here, "each waiver must be a mapping with at least 'rule' and 'reason'")
    for key in item:
        if key not in WAIVER_KEYS:
            raise fail((*here, key), f"unknown waiver key {key!r} (allowed: {', '.join(WAIVER_KEYS)})")
    values = {}
    for key in WAIVER_KEYS:
        value = item.get(key)
        if value is not None and not isinstance(value, (str, datetime.date)):
            raise fail((*here, key), f"waiver {key!r} must be a string")
        values[key] = value
    for required in ("rule", "reason"):
        if not values[required]:
            raise fail(here, f"waiver needs a {required!r}")
    return Waiver(
        rule=values["rule"],
        reason=values["reason"],
        line=line_of(here),
        path=values["path"] or "",
        kind=values["kind"] or "",
        namespace=values["namespace"] or "",
        name=values["name"] or "",
        expires=_date(values["expires"], (*here, "expires"), fail),
    )


def _date(value: object, path: tuple, fail) -> datetime.date | None:
    import datetime

    if value is None or isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value))
    except ValueError:
        raise fail(path, f"'expires' must be a date YYYY-MM-DD, not {value!r}") from None


class Overrides(NamedTuple):
    """The command line's selection and exclusion, layered over the configuration file's as ruff
    layers them: --select replaces the file's select and ignore, --ignore adds to what is left;
    --exclude replaces the file's exclude, --extend-exclude adds to it."""

    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    exclude: tuple[str, ...] | None = None
    """None: not given (an empty --exclude is not possible on a command line)."""
    extend_exclude: tuple[str, ...] = ()
    trust_config: bool = False
    """--trust-config: a configuration found by walking up from the scanned paths may name rules-dirs."""


def overridden(config: Config, overrides: Overrides) -> Config:
    """A copy of `config` with the command line's patterns applied (see Overrides)."""
    import copy

    config = copy.copy(config)
    if overrides.select:
        config.select, config.ignore = list(overrides.select), list(overrides.ignore)
    else:
        config.ignore = [*config.ignore, *overrides.ignore]
    if overrides.exclude is not None:
        config.exclude = []
    config.command_line_exclude = [*(overrides.exclude or ()), *overrides.extend_exclude]
    return config


def exclusion_reason(config: Config) -> Callable[[str], str | None] | None:
    """Why a display path is left out, or None when it is not: the config file itself, its
    `exclude` (gitignore syntax, from its directory), and the command line's (from the working
    directory). None when nothing can be excluded."""
    if not (config.source or config.command_line_exclude):
        return None  # and pathspec, a tenth of a one-file run's start-up, is not imported
    import pathspec

    tests: list[tuple[Callable[[str], bool], str]] = []
    if config.source:
        itself = os.path.abspath(config.source)
        tests.append((lambda display: os.path.abspath(display) == itself, "the configuration file"))
        spec = pathspec.GitIgnoreSpec.from_lines(config.exclude)
        tests.append(
            (lambda display: spec.match_file(relative_to_config(display, config.directory)), f"{config.source} exclude")
        )
    if config.command_line_exclude:
        command_line = pathspec.GitIgnoreSpec.from_lines(config.command_line_exclude)
        cwd = Path.cwd()
        tests.append((lambda display: command_line.match_file(relative_to_config(display, cwd)), "--exclude"))
    return lambda display: next((reason for test, reason in tests if test(display)), None)


def excluder(config: Config) -> Callable[[str], bool] | None:
    """A test for display paths: whether exclusion_reason leaves them out."""
    reason = exclusion_reason(config)
    return None if reason is None else lambda display: reason(display) is not None


def relative_to_config(file: str, directory: Path) -> str:
    """A finding's file as seen from the config's directory, where waiver paths are written."""
    absolute = os.path.abspath(file)
    try:
        return Path(absolute).relative_to(directory).as_posix()
    except ValueError:
        return Path(file).as_posix()
