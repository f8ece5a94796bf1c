"""Tests for the input readers: formats, metadata, and the errors a journalist would see."""

from __future__ import annotations

import json
import os
import pickle
from pathlib import Path

import pytest

from saidwhat.model import Article
from saidwhat.sources import (
    MAX_ARTICLE_BYTES,
    InputError,
    ReadFailure,
    iter_articles,
    read_file,
)
from saidwhat.sources._checks import read_text_checked

EXAMPLES = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "examples"

ARTICLE_HTML = """<!DOCTYPE html>
<html lang="en">
<head>
<title>Milley urges talks on Ukraine | The Daily Ledger</title>
<meta name="author" content="Jane Reporter">
<meta name="date" content="2022-11-17">
<meta property="og:site_name" content="The Daily Ledger">
<link rel="canonical" href="https://www.dailyledger.example/2022/11/milley-talks">
</head>
<body>
<nav><ul>
<li><a href="/">Home</a></li><li><a href="/world">World news</a></li>
<li><a href="/subscribe">Subscribe to our newsletter today</a></li>
</ul></nav>
<article>
<h1>Milley urges talks on Ukraine</h1>
<p>General Mark Milley said on Wednesday that there may be a window for negotiations in
Ukraine, after months of heavy fighting along the front line in the east and the south.</p>
<p>"When there's an opportunity to negotiate, when peace can be achieved, seize it,"
Milley told reporters at the Pentagon, in remarks that drew close attention in Kyiv.</p>
<p>Officials in Washington later said that the administration's policy had not changed,
and that any decision about talks rested with the government of Ukraine.</p>
</article>
<footer><p>Copyright 2022 The Daily Ledger. All rights reserved. Cookie settings.</p></footer>
</body>
</html>
"""


def write(path: Path, content: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_bytes(content.encode("utf-8"))
    return path


def failures(items: list[Article | ReadFailure]) -> list[ReadFailure]:
    return [item for item in items if isinstance(item, ReadFailure)]


def articles(items: list[Article | ReadFailure]) -> list[Article]:
    return [item for item in items if isinstance(item, Article)]


def only_failure(path: Path) -> ReadFailure:
    items = list(iter_articles([path]))
    assert len(items) == 1 and isinstance(items[0], ReadFailure), items
    return items[0]


# --- plain text ---------------------------------------------------------------------------


def test_text_round_trip_keeps_crlf_offsets(tmp_path: Path) -> None:
    content = 'Milley said:\r\n"Seize it," he said.\r\nThe end.\n'
    path = write(tmp_path / "milley-2022.txt", content)

    [article] = read_file(path)

    assert article.id == "milley-2022"
    assert article.title is None
    assert article.source_path == str(path)
    assert article.text == content
    with open(path, encoding="utf-8", newline="") as handle:
        assert article.text == handle.read()
    start = content.index('"Seize')
    assert article.text[start : start + 10] == '"Seize it,'
    assert "\r\n" in article.text


def test_text_utf8_bom_is_dropped_only_at_start(tmp_path: Path) -> None:
    path = write(tmp_path / "bom.txt", b"\xef\xbb\xbfHello\xef\xbb\xbf world")
    [article] = read_file(path)
    assert article.text == "Hello\ufeff world"
    with open(path, encoding="utf-8-sig", newline="") as handle:
        assert article.text == handle.read()


def test_empty_and_whitespace_files(tmp_path: Path) -> None:
    for name, content in (("empty.txt", b""), ("blank.txt", b" \r\n\t\n"), ("e.jsonl", b"")):
        path = write(tmp_path / name, content)
        with pytest.raises(InputError) as info:
            read_file(path)
        assert info.value.problem == "empty file"
        assert str(info.value) == f"{path}: empty file"


def test_blank_lines_only_jsonl_is_empty(tmp_path: Path) -> None:
    path = write(tmp_path / "blank.jsonl", "\n  \n\r\n")
    failure = only_failure(path)
    assert failure.problem == "empty file"


def test_binary_file(tmp_path: Path) -> None:
    path = write(tmp_path / "photo.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 64)
    failure = only_failure(path)
    assert failure.problem == "binary file, not text"
    assert failure.path == str(path)
    jsonl = write(tmp_path / "data.jsonl", b'{"id": 1}\x00\x00')
    assert only_failure(jsonl).problem == "binary file, not text"


def test_utf16_is_reported_as_encoding_not_binary(tmp_path: Path) -> None:
    path = write(tmp_path / "notepad.txt", "Hello".encode("utf-16"))
    assert "UTF-16" in only_failure(path).problem
    assert "convert it to UTF-8" in only_failure(path).problem


def test_latin1_file_names_the_byte(tmp_path: Path) -> None:
    path = write(tmp_path / "latin.txt", "Le général a dit.\nFin.".encode("latin-1"))
    with pytest.raises(InputError) as info:
        read_file(path)
    error = info.value
    assert error.problem == "not valid UTF-8 (byte 0xe9 at offset 4); convert it to UTF-8"
    assert error.line == 1
    assert str(error) == f"{path}:1: {error.problem}"


def test_too_large_file_is_refused_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "dump.txt"
    with open(path, "wb") as handle:  # sparse: no 20 MB written to disk
        handle.truncate(20_000_000)
    with pytest.raises(InputError) as info:
        read_text_checked(path)
    assert info.value.problem == "file too large (20.0 MB; the limit for one article is 10.0 MB)"
    assert only_failure(path).problem == info.value.problem


def test_size_just_over_the_limit_is_not_shown_as_the_limit(tmp_path: Path) -> None:
    path = tmp_path / "edge.txt"
    with open(path, "wb") as handle:
        handle.truncate(MAX_ARTICLE_BYTES + 1)
    problem = only_failure(path).problem
    assert problem.startswith("file too large (10,000,001 bytes;")


# --- HTML ---------------------------------------------------------------------------------


def test_html_article_and_metadata(tmp_path: Path) -> None:
    path = write(tmp_path / "ledger-milley.html", ARTICLE_HTML)

    [article] = read_file(path)

    assert article.id == "ledger-milley"
    assert article.outlet == "The Daily Ledger"
    assert article.published == "2022-11-17"
    assert article.author == "Jane Reporter"
    assert article.title is not None and "Milley urges talks on Ukraine" in article.title
    assert article.source_path == str(path)
    assert "seize it," in article.text
    assert "Officials in Washington later said" in article.text
    for boilerplate in ("Subscribe to our newsletter", "World news", "Copyright", "Cookie"):
        assert boilerplate not in article.text


def test_html_outlet_falls_back_to_canonical_host(tmp_path: Path) -> None:
    page = ARTICLE_HTML.replace(
        '<meta property="og:site_name" content="The Daily Ledger">\n', ""
    ).replace(" | The Daily Ledger", "")
    [article] = read_file(write(tmp_path / "nosite.htm", page))
    assert article.outlet == "dailyledger.example"


@pytest.mark.parametrize(
    "page",
    [
        "<html><head><title>Menu</title></head><body><nav><ul><li><a href='/'>Home</a></li>"
        "<li><a href='/world'>World</a></li></ul></nav></body></html>",
        "<html><body><ul><li><a href='/'>Home</a></li><li><a href='/w'>World</a></li></ul>"
        "</body></html>",
        "<html><head><title>Nothing here</title></head><body></body></html>",
    ],
    ids=["nav-menu", "link-list", "empty-body"],
)
def test_html_without_article_text_fails(tmp_path: Path, page: str) -> None:
    path = write(tmp_path / "menu.html", page)
    failure = only_failure(path)
    assert failure.problem == "HTML has no article text"
    assert str(failure) == f"{path}: HTML has no article text"


# --- JSONL --------------------------------------------------------------------------------


def test_jsonl_bad_line_does_not_lose_the_others(tmp_path: Path) -> None:
    lines = [
        json.dumps({"id": "a", "text": "First.\r\nSecond.", "outlet": "Ledger"}),
        '{"id": "b", "text": "broken" "oops"}',
        json.dumps({"id": 3, "text": "Third.", "published": "2022-11-17", "author": None}),
    ]
    path = write(tmp_path / "batch.jsonl", "\n".join(lines) + "\n")

    items = list(iter_articles([path]))

    good = articles(items)
    assert [a.id for a in good] == ["a", "3"]
    assert good[0].text == "First.\r\nSecond."
    assert good[0].outlet == "Ledger"
    assert good[1].published == "2022-11-17"
    assert good[1].author is None
    assert good[1].source_path == str(path)
    [failure] = failures(items)
    assert failure.line == 2
    assert failure.problem == "malformed JSON (Expecting ',' delimiter)"
    assert str(failure) == f"{path}:2: malformed JSON (Expecting ',' delimiter)"
    with pytest.raises(InputError) as info:
        read_file(path)
    assert info.value.line == 2


def test_jsonl_missing_text_and_other_bad_records(tmp_path: Path) -> None:
    lines = [
        json.dumps({"id": "no-text", "title": "x"}),
        "",
        json.dumps({"text": "no id"}),
        json.dumps(["not", "an", "object"]),
        json.dumps({"id": True, "text": "bool id"}),
        json.dumps({"id": "t", "text": 42}),
        json.dumps({"id": "o", "text": "ok", "outlet": ["Ledger"]}),
        json.dumps({"id": "good", "text": "Fine."}),
        json.dumps({"id": "good", "text": "Same id again."}),
        '{"id": "s", "text": "\\ud800"}',
    ]
    path = write(tmp_path / "bad.ndjson", "\n".join(lines))

    items = list(iter_articles([path]))

    assert [a.id for a in articles(items)] == ["good"]
    problems = {f.line: f.problem for f in failures(items)}
    assert problems == {
        1: "missing required field 'text'",
        3: "missing required field 'id'",
        4: "expected a JSON object, got an array",
        5: "field 'id' must be a string or an integer, got a boolean",
        6: "field 'text' must be a string, got a number",
        7: "field 'outlet' must be a string or null, got an array",
        9: "duplicate id 'good' (first used on line 8)",
        10: "field 'text' contains an invalid \\u escape (unpaired surrogate at character 0)",
    }


def test_jsonl_published_precision_cuts_the_date(tmp_path: Path) -> None:
    # A monthly issue filed under the first of the month must not read as that day.
    lines = [
        {"id": "monthly", "text": "A.", "published": "2022-12-01", "published_precision": "month"},
        {"id": "yearly", "text": "B.", "published": "2022-12-01", "published_precision": "year"},
        {"id": "daily", "text": "C.", "published": "2022-11-17", "published_precision": "day"},
        {"id": "vague", "text": "D.", "published": "2022", "published_precision": "day"},
        {"id": "null", "text": "E.", "published": "2022-11-17", "published_precision": None},
        {"id": "undated", "text": "F.", "published_precision": "month"},
        {"id": "words", "text": "G.", "published": "17 Nov 2022", "published_precision": "month"},
        {"id": "compact", "text": "J.", "published": "20221201", "published_precision": "month"},
        {"id": "weekly", "text": "H.", "published": "2022-11-14", "published_precision": "week"},
        {"id": "number", "text": "I.", "published": "2022-11-14", "published_precision": 7},
    ]
    path = write(tmp_path / "issues.jsonl", "\n".join(json.dumps(x) for x in lines))

    items = list(iter_articles([path]))

    assert {a.id: a.published for a in articles(items)} == {
        "monthly": "2022-12",
        "yearly": "2022",
        "daily": "2022-11-17",
        "vague": "2022",
        "null": "2022-11-17",
        "undated": None,
        "words": "17 Nov 2022",
        "compact": "20221201",
    }
    allowed = "one of 'day', 'month', 'year' or null"
    assert {f.line: f.problem for f in failures(items)} == {
        9: f"field 'published_precision' must be {allowed}, got 'week'",
        10: f"field 'published_precision' must be {allowed}, got a number",
    }


def test_jsonl_non_utf8_line_fails_alone(tmp_path: Path) -> None:
    first = b'{"id": "a", "text": "ok"}\n'
    bad = '{"id": "b", "text": "général"}\n'.encode("latin-1")
    last = b'{"id": "c", "text": "also ok"}\n'
    path = write(tmp_path / "mixed.jsonl", b"\xef\xbb\xbf" + first + bad + last)

    items = list(iter_articles([path]))

    assert [a.id for a in articles(items)] == ["a", "c"]
    [failure] = failures(items)
    assert failure.line == 2
    offset = 3 + len(first) + bad.index(b"\xe9")
    assert failure.problem == f"not valid UTF-8 (byte 0xe9 at offset {offset}); convert it to UTF-8"


def test_jsonl_oversized_line_fails_alone(tmp_path: Path) -> None:
    path = tmp_path / "big.jsonl"
    with open(path, "wb") as handle:
        handle.write(b'{"id": "a", "text": "ok"}\n')
        handle.write(b'{"id": "huge", "text": "' + b"x" * 15_000_000 + b'"}\n')
        handle.write(b'{"id": "c", "text": "ok"}\n')
    items = list(iter_articles([path]))
    assert [a.id for a in articles(items)] == ["a", "c"]
    [failure] = failures(items)
    assert failure.line == 2
    assert failure.problem == "line too large (15.0 MB; the limit for one article is 10.0 MB)"


# --- paths, folders, batches --------------------------------------------------------------


def test_folder_recursion_picks_supported_files(tmp_path: Path) -> None:
    root = tmp_path / "corpus"
    write(root / "a.txt", "Alpha.")
    write(root / "sub" / "b.html", ARTICLE_HTML)
    write(root / "sub" / "deeper" / "c.jsonl", json.dumps({"id": "c", "text": "Gamma."}))
    write(root / "sub" / "z.TXT", "Zeta.")
    write(root / "image.png", b"\x89PNG\r\n\x1a\n\x00\x00")
    write(root / "notes.md", "not an article")
    write(root / ".hidden.txt", "hidden")
    write(root / "._a.txt", b"\x00\x05\x16\x07")  # macOS resource fork
    write(root / ".git" / "x.txt", "vcs")

    items = list(iter_articles([root]))

    assert failures(items) == []
    assert [a.id for a in articles(items)] == ["a", "b", "c", "z"]
    assert articles(items)[1].outlet == "The Daily Ledger"


def test_bad_file_in_folder_does_not_stop_the_batch(tmp_path: Path) -> None:
    write(tmp_path / "1.txt", "One.")
    write(tmp_path / "2.txt", b"")
    write(tmp_path / "3.txt", "Three.")
    items = list(iter_articles([tmp_path]))
    assert [a.id for a in articles(items)] == ["1", "3"]
    expected = [(str(tmp_path / "2.txt"), "empty file")]
    assert [(f.path, f.problem) for f in failures(items)] == expected


def test_unknown_extension_named_explicitly(tmp_path: Path) -> None:
    path = write(tmp_path / "report.xyz", "text")
    expected = (
        "unsupported file type '.xyz' (expected .txt, .html, .jsonl, .warc(.gz), .rss, .atom, .xml)"
    )
    assert only_failure(path).problem == expected
    with pytest.raises(InputError, match="unsupported file type"):
        read_file(path)
    assert "no extension" in only_failure(write(tmp_path / "README", "x")).problem


def test_missing_path(tmp_path: Path) -> None:
    path = tmp_path / "nowhere" / "article.txt"
    failure = only_failure(path)
    assert failure == ReadFailure(str(path), "no such file or directory")
    with pytest.raises(InputError) as info:
        read_file(path)
    assert str(info.value) == f"{path}: no such file or directory"


def test_failures_keep_order_and_later_paths_are_read(tmp_path: Path) -> None:
    good = write(tmp_path / "good.txt", "Good.")
    items = list(iter_articles([tmp_path / "missing.txt", str(good), good]))
    assert isinstance(items[0], ReadFailure)
    assert [a.id for a in articles(items)] == ["good"]  # the same file twice is read once


def test_single_path_string_is_not_iterated_by_character(tmp_path: Path) -> None:
    write(tmp_path / "x.txt", "X.")
    assert [a.id for a in articles(list(iter_articles(str(tmp_path))))] == ["x"]


@pytest.mark.skipif(os.name != "posix", reason="symlinks")
def test_symlink_loop_is_followed_once(tmp_path: Path) -> None:
    write(tmp_path / "a" / "x.txt", "X.")
    (tmp_path / "a" / "loop").symlink_to(tmp_path / "a", target_is_directory=True)
    assert [a.id for a in articles(list(iter_articles([tmp_path])))] == ["x"]


def test_input_error_is_picklable() -> None:
    error = InputError("f.jsonl", "malformed JSON (Expecting value)", 3)
    copy = pickle.loads(pickle.dumps(error))
    assert (copy.path, copy.problem, copy.line) == ("f.jsonl", error.problem, 3)
    assert str(copy) == "f.jsonl:3: malformed JSON (Expecting value)"


# --- the project's reference example ------------------------------------------------------


def test_shared_examples_jsonl() -> None:
    path = EXAMPLES / "articles.jsonl"
    if not path.is_file():
        pytest.skip(f"{path} not present")
    found = read_file(path)
    assert [a.id for a in found] == [
        "peace-news-2022-12-milley",
        "milley-press-conference-2022-11-17",
    ]
    assert found[0].outlet == "Peace News"
    # filed as 2022-12-01 with month precision: the December 2022 - January 2023 issue
    assert [a.published for a in found] == ["2022-12", "2022-11-17"]
    txt = EXAMPLES / "peace-news-2022-12-milley.txt"
    if txt.is_file():
        assert read_file(txt)[0].text == found[0].text
