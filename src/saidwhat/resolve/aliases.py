"""Users' corrections to speaker resolution: merge, split and rename, from YAML or CSV.

No automatic resolver gets every name right ("Bill" and "William Clinton" are one person;
a corpus about both Clintons needs "Clinton" kept apart), so a newsroom keeps a small alias
file and every command applies it after the automatic step. The file says *what* the user
wants, in names as they read them, never database ids only: ids are accepted too, since
``saidwhat speakers`` prints them.

YAML::

    merge:                       # each list is one speaker, named by its first entry
      - [Bill Clinton, William Jefferson Clinton, President Clinton]
    split:                       # forms that must stand alone, never attached to anyone
      - Clinton
    rename:                      # speaker (name, alias or id) -> name to show
      mark-milley: Gen. Mark A. Milley

CSV, with a header row ``action,name,target``::

    merge,William Jefferson Clinton,Bill Clinton
    split,Clinton,
    rename,mark-milley,Gen. Mark A. Milley
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

ACTIONS = ("merge", "split", "rename")


class AliasFileError(ValueError):
    """An alias file that cannot be used; the message names the file and the place."""


@dataclass(slots=True)
class AliasRules:
    """Corrections in the order they apply: merges, then splits, then renames."""

    #: Each group is one speaker; its first entry is the name shown.
    merges: list[list[str]] = field(default_factory=list)
    #: Forms as written that must not be attached to any other speaker.
    splits: list[str] = field(default_factory=list)
    #: Speaker (id, name or alias) -> the name to show; the id stays, so links keep working.
    renames: dict[str, str] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.merges or self.splits or self.renames)

    def as_rows(self) -> list[tuple[str, str, str | None]]:
        """``(action, name, target)`` rows, the shape the store keeps them in."""
        rows: list[tuple[str, str, str | None]] = []
        for group in self.merges:
            rows += [("merge", name, group[0]) for name in group[1:]] or [
                ("merge", group[0], group[0])
            ]
        rows += [("split", name, None) for name in self.splits]
        rows += [("rename", name, target) for name, target in self.renames.items()]
        return rows

    @classmethod
    def from_rows(cls, rows: list[tuple[str, str, str | None]]) -> AliasRules:
        """Rebuild rules from ``(action, name, target)`` rows (CSV lines, stored rules)."""
        rules = cls()
        groups: dict[str, list[str]] = {}
        for action, name, target in rows:
            if action == "merge":
                canonical = target or name
                group = groups.setdefault(canonical.casefold(), [canonical])
                if name.casefold() != canonical.casefold():
                    group.append(name)
            elif action == "split":
                rules.splits.append(name)
            elif action == "rename" and target:
                rules.renames[name] = target
        rules.merges = list(groups.values())
        return rules

    def extend(self, other: AliasRules) -> AliasRules:
        """These rules followed by ``other``'s (a later file adds to an earlier one)."""
        return AliasRules.from_rows(self.as_rows() + other.as_rows())


def _text(value: object, where: str) -> str:
    if not isinstance(value, str | int | float) or not str(value).strip():
        raise AliasFileError(f"{where}: expected a name, got {value!r}")
    return str(value).strip()


def _from_yaml(path: Path, text: str) -> AliasRules:
    import yaml

    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f":{mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise AliasFileError(f"{path}{line}: not valid YAML ({problem})") from None
    if data is None:
        return AliasRules()
    if not isinstance(data, dict):
        raise AliasFileError(f"{path}: expected a mapping with keys {', '.join(ACTIONS)}")
    unknown = sorted(set(map(str, data)) - set(ACTIONS))
    if unknown:
        raise AliasFileError(f"{path}: unknown key {unknown[0]!r} (expected {', '.join(ACTIONS)})")
    rules = AliasRules()
    for number, group in enumerate(data.get("merge") or [], start=1):
        where = f"{path}: merge entry {number}"
        if not isinstance(group, list) or len(group) < 2:
            raise AliasFileError(f"{where}: expected a list of at least two names")
        rules.merges.append([_text(name, where) for name in group])
    splits = data.get("split") or []
    if not isinstance(splits, list):
        raise AliasFileError(f"{path}: 'split' must be a list of names")
    rules.splits = [_text(name, f"{path}: split") for name in splits]
    renames = data.get("rename") or {}
    if not isinstance(renames, dict):
        raise AliasFileError(f"{path}: 'rename' must map names to new names")
    rules.renames = {
        _text(old, f"{path}: rename"): _text(new, f"{path}: rename {old!r}")
        for old, new in renames.items()
    }
    return rules


def _from_csv(path: Path, text: str) -> AliasRules:
    reader = csv.reader(io.StringIO(text))
    header = [cell.strip().lower() for cell in next(reader, [])]
    if header[:2] != ["action", "name"]:
        raise AliasFileError(f"{path}:1: expected the header 'action,name,target'")
    rows: list[tuple[str, str, str | None]] = []
    for record in reader:
        line = reader.line_num
        if not any(cell.strip() for cell in record):
            continue
        action = record[0].strip().lower()
        name = record[1].strip() if len(record) > 1 else ""
        target = record[2].strip() if len(record) > 2 and record[2].strip() else None
        if action not in ACTIONS:
            raise AliasFileError(
                f"{path}:{line}: unknown action {action!r} (expected {', '.join(ACTIONS)})"
            )
        if not name:
            raise AliasFileError(f"{path}:{line}: missing name")
        if action in ("merge", "rename") and target is None:
            raise AliasFileError(f"{path}:{line}: {action} needs a target name")
        rows.append((action, name, target))
    return AliasRules.from_rows(rows)


def load_alias_file(path: str | Path) -> AliasRules:
    """Read an alias file; ``.csv`` is CSV, anything else YAML (``.yaml``, ``.yml``)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise AliasFileError(f"{path}: no such file") from None
    except UnicodeDecodeError as exc:
        raise AliasFileError(f"{path}: not valid UTF-8 ({exc.reason})") from None
    except OSError as exc:
        raise AliasFileError(f"{path}: cannot read ({exc.strerror})") from None
    if path.suffix.lower() == ".csv":
        return _from_csv(path, text)
    return _from_yaml(path, text)
