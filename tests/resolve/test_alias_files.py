"""Alias files: the same corrections from YAML or CSV, and clear errors for bad files."""

from __future__ import annotations

from pathlib import Path

import pytest

from saidwhat.resolve import AliasFileError, AliasRules, load_alias_file

YAML = """\
merge:
  - [Bill Clinton, William Jefferson Clinton, President Clinton]
split:
  - Clinton
rename:
  mark-milley: Gen. Mark A. Milley
"""
CSV = """\
action,name,target
merge,William Jefferson Clinton,Bill Clinton
merge,President Clinton,Bill Clinton
split,Clinton,
rename,mark-milley,Gen. Mark A. Milley
"""


def test_yaml_and_csv_say_the_same(tmp_path: Path) -> None:
    (tmp_path / "aliases.yaml").write_text(YAML, encoding="utf-8")
    (tmp_path / "aliases.csv").write_text(CSV, encoding="utf-8")
    from_yaml = load_alias_file(tmp_path / "aliases.yaml")
    from_csv = load_alias_file(tmp_path / "aliases.csv")
    assert from_yaml.merges == [["Bill Clinton", "William Jefferson Clinton", "President Clinton"]]
    assert from_yaml.splits == ["Clinton"]
    assert from_yaml.renames == {"mark-milley": "Gen. Mark A. Milley"}
    assert from_csv == from_yaml


def test_rows_round_trip() -> None:
    rules = AliasRules(merges=[["A B", "C D"]], splits=["E"], renames={"f-g": "F. G."})
    assert AliasRules.from_rows(rules.as_rows()) == rules


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("bad.yaml", "merge: [unclosed\n", r"bad\.yaml:\d+: not valid YAML"),
        ("list.yaml", "- a\n- b\n", r"list\.yaml: expected a mapping"),
        ("key.yaml", "merj:\n  - [a, b]\n", r"key\.yaml: unknown key 'merj'"),
        (
            "short.yaml",
            "merge:\n  - [Only One]\n",
            r"merge entry 1: expected a list",
        ),
        ("header.csv", "a,b,c\n", r"header\.csv:1: expected the header"),
        (
            "action.csv",
            "action,name,target\nmerger,A,B\n",
            r"action\.csv:2: unknown action",
        ),
        ("target.csv", "action,name,target\nrename,A,\n", r"target\.csv:2: rename needs a target"),
    ],
)
def test_bad_files_name_the_file_and_the_problem(
    tmp_path: Path, name: str, content: str, message: str
) -> None:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    with pytest.raises(AliasFileError, match=message):
        load_alias_file(path)


def test_missing_and_undecodable_files(tmp_path: Path) -> None:
    with pytest.raises(AliasFileError, match="no such file"):
        load_alias_file(tmp_path / "absent.yaml")
    binary = tmp_path / "latin1.csv"
    binary.write_bytes(b"action,name,target\nsplit,Jos\xe9,\n")
    with pytest.raises(AliasFileError, match="not valid UTF-8"):
        load_alias_file(binary)
