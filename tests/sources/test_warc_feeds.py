"""Tests for the WARC and RSS/Atom readers: what is kept, what is reported, and damage."""

from __future__ import annotations

import gzip
import io
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from saidwhat.model import Article
from saidwhat.sources import (
    SUPPORTED_EXTENSIONS,
    InputError,
    ReadFailure,
    iter_articles,
    read_file,
)
from saidwhat.sources.feeds import html_to_text
from saidwhat.sources.warc import url_id

# --- helpers -----------------------------------------------------------------------------

MILLEY_URL = "https://www.dailyledger.example/2022/11/milley-talks"
BUDGET_URL = "https://news.example.org/politics/budget-vote?page=1"


def page(title: str, paragraphs: list[str], site: str | None = None) -> str:
    site_meta = f'<meta property="og:site_name" content="{site}">' if site else ""
    body = "\n".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        f"<!DOCTYPE html><html><head><title>{title}</title>{site_meta}"
        '<meta name="date" content="2022-11-17"></head><body>'
        "<nav><a href='/'>Home</a> <a href='/world'>World news</a></nav>"
        f"<article><h1>{title}</h1>\n{body}\n</article>"
        "<footer><p>Copyright 2022. All rights reserved. Cookie settings.</p></footer>"
        "</body></html>"
    )


MILLEY_PARAGRAPHS = [
    "General Mark Milley said on Wednesday that there may be a window for negotiations in "
    "Ukraine, after months of heavy fighting along the front line in the east and south.",
    '"When there\'s an opportunity to negotiate, when peace can be achieved, seize it," '
    "Milley told reporters at the Pentagon, in remarks that drew close attention in Kyiv.",
    "Officials in Washington later said that the administration's policy had not changed, "
    "and that any decision about talks rested with the government of Ukraine.",
]
BUDGET_PARAGRAPHS = [
    "The city council approved the budget on Tuesday by a vote of seven to two, ending "
    "weeks of debate over how much to spend on road repairs and on the public libraries.",
    '"This budget keeps our promises to every neighbourhood," the mayor said after the '
    "vote, adding that the libraries would keep their weekend opening hours next year.",
    "Two members voted against it, saying that the plan relied on revenue forecasts that "
    "had been too optimistic in each of the past three years.",
]


def http_response(
    writer: WARCWriter,
    url: str,
    body: bytes,
    content_type: str = "text/html; charset=utf-8",
    status: str = "200 OK",
    extra_headers: list[tuple[str, str]] | None = None,
) -> None:
    fields = [("Content-Type", content_type), *(extra_headers or [])]
    headers = StatusAndHeaders(status, fields, protocol="HTTP/1.1")
    record = writer.create_warc_record(
        url, "response", payload=io.BytesIO(body), http_headers=headers
    )
    writer.write_record(record)


def http_request(writer: WARCWriter, url: str) -> None:
    headers = StatusAndHeaders(
        "GET /2022/11/milley-talks HTTP/1.1",
        [("Host", "www.dailyledger.example")],
        is_http_request=True,
    )
    writer.write_record(writer.create_warc_record(url, "request", http_headers=headers))


def write_crawl(path: Path, *, compress: bool) -> Path:
    """A small crawl: 2 articles among an image, a 404 page and a request record."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as handle:
        writer = WARCWriter(handle, gzip=compress)
        http_request(writer, MILLEY_URL)
        milley = page("Milley urges talks on Ukraine", MILLEY_PARAGRAPHS, "The Daily Ledger")
        http_response(writer, MILLEY_URL, milley.encode("utf-8"))
        http_response(
            writer,
            "https://www.dailyledger.example/logo.png",
            b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)),
            content_type="image/png",
        )
        missing = page("Page not found", ["The page you were looking for could not be found."])
        http_response(
            writer,
            "https://www.dailyledger.example/gone",
            missing.encode("utf-8"),
            status="404 Not Found",
        )
        budget = page("Council approves the budget", BUDGET_PARAGRAPHS)
        http_response(
            writer,
            BUDGET_URL,
            budget.encode("cp1252"),
            content_type="application/xhtml+xml; charset=windows-1252",
        )
    return path


def split(items: list[Article | ReadFailure]) -> tuple[list[Article], list[ReadFailure]]:
    return (
        [item for item in items if isinstance(item, Article)],
        [item for item in items if isinstance(item, ReadFailure)],
    )


def write(path: Path, content: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return path


# --- WARC --------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["crawl.warc", "crawl.warc.gz", "CRAWL.WARC.GZ"])
def test_warc_keeps_only_html_2xx_responses(tmp_path: Path, name: str) -> None:
    path = write_crawl(tmp_path / name, compress=name.lower().endswith(".gz"))

    items = list(iter_articles([path]))

    found, failed = split(items)
    assert failed == []
    assert [a.url for a in found] == [MILLEY_URL, BUDGET_URL]
    milley, budget = found
    assert milley.id == "dailyledger.example-2022-11-milley-talks"
    assert budget.id == "news.example.org-politics-budget-vote-page-1"
    assert milley.title == "Milley urges talks on Ukraine"
    assert budget.title == "Council approves the budget"
    assert milley.outlet == "The Daily Ledger"
    assert budget.outlet == "news.example.org"  # no site name: the URL's host
    assert milley.published == "2022-11-17"
    assert milley.source_path == str(path)
    for article, paragraphs in ((milley, MILLEY_PARAGRAPHS), (budget, BUDGET_PARAGRAPHS)):
        for paragraph in paragraphs:
            assert paragraph in article.text
        for boilerplate in ("World news", "Copyright", "Cookie"):
            assert boilerplate not in article.text
    assert 'neighbourhood," the mayor said' in budget.text  # decoded as windows-1252
    assert [a.id for a in read_file(path)] == [milley.id, budget.id]


def test_warc_page_problems_fail_alone_with_their_url(tmp_path: Path) -> None:
    path = tmp_path / "mixed.warc.gz"
    nav_only = b"<html><body><nav><a href='/'>Home</a><a href='/w'>World</a></nav></body></html>"
    with open(path, "wb") as handle:
        writer = WARCWriter(handle, gzip=True)
        http_response(writer, "https://a.example/menu", nav_only)
        http_response(
            writer,
            "https://a.example/latin",
            page("Général", MILLEY_PARAGRAPHS).encode("latin-1"),
            content_type="text/html",
        )
        http_response(writer, "https://a.example/story", page("Story", BUDGET_PARAGRAPHS).encode())
        http_response(
            writer, "https://a.example/odd", b"<p>x</p>", content_type="text/html; charset=klingon"
        )

    found, failed = split(list(iter_articles([path])))

    assert [a.url for a in found] == ["https://a.example/story"]
    assert [(f.path, f.line) for f in failed] == [(str(path), None)] * 3
    assert failed[0].problem == "page https://a.example/menu: HTML has no article text"
    assert failed[1].problem.startswith(
        "page https://a.example/latin: not decodable as UTF-8 (no charset declared) (byte 0xe9"
    )
    assert failed[2].problem == "page https://a.example/odd: unknown charset 'klingon'"


@pytest.mark.parametrize("content_encoding", [None, "gzip"])
def test_warc_page_over_the_size_limit_is_skipped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, content_encoding: str | None
) -> None:
    # Without Content-Encoding the size is known from the record and nothing is read; with
    # gzip it is found by reading at most one byte past the limit.
    monkeypatch.setattr("saidwhat.sources.warc.MAX_ARTICLE_BYTES", 2_000)
    path = tmp_path / "big.warc"
    big = page("Big", MILLEY_PARAGRAPHS * 10).encode()
    assert len(big) > 2_000
    extra = [("Content-Encoding", content_encoding)] if content_encoding else []
    if content_encoding:
        big = gzip.compress(big)
        assert len(big) < 2_000
    with open(path, "wb") as handle:
        writer = WARCWriter(handle, gzip=False)
        http_response(writer, "https://a.example/big", big, extra_headers=extra)
        http_response(
            writer, "https://a.example/small", page("Small", BUDGET_PARAGRAPHS[:1]).encode()
        )

    found, failed = split(list(iter_articles([path])))

    assert [a.url for a in found] == ["https://a.example/small"]
    [failure] = failed
    assert failure.problem.startswith("page https://a.example/big: page too large (")


def test_gzip_content_encoding_is_decoded(tmp_path: Path) -> None:
    path = tmp_path / "encoded.warc.gz"
    body = gzip.compress(page("Milley", MILLEY_PARAGRAPHS).encode())
    with open(path, "wb") as handle:
        writer = WARCWriter(handle, gzip=True)
        http_response(writer, MILLEY_URL, body, extra_headers=[("Content-Encoding", "gzip")])
    [article] = read_file(path)
    assert MILLEY_PARAGRAPHS[1] in article.text


def test_same_url_twice_gets_distinct_ids(tmp_path: Path) -> None:
    path = tmp_path / "twice.warc.gz"
    with open(path, "wb") as handle:
        writer = WARCWriter(handle, gzip=True)
        for _ in range(3):
            http_response(writer, MILLEY_URL, page("Milley", MILLEY_PARAGRAPHS).encode())
    ids = [a.id for a in read_file(path)]
    base = "dailyledger.example-2022-11-milley-talks"
    assert ids == [base, f"{base}-2", f"{base}-3"]


def test_truncated_warc_gz_keeps_the_articles_before_the_cut(tmp_path: Path) -> None:
    whole = write_crawl(tmp_path / "whole.warc.gz", compress=True).read_bytes()
    # Cut inside the last record (the budget page), which is the last gzip member.
    cut = write(tmp_path / "cut.warc.gz", whole[:-200])

    items = list(iter_articles([cut]))

    found, failed = split(items)
    assert [a.url for a in found] == [MILLEY_URL]
    assert isinstance(items[-1], ReadFailure)
    [failure] = failed
    assert failure.path == str(cut)
    assert failure.problem.startswith("WARC file is truncated or corrupt (")
    assert "ends before its end marker" in failure.problem
    with pytest.raises(InputError, match="truncated or corrupt"):
        read_file(cut)


def test_truncated_plain_warc_is_reported_not_read_as_a_short_page(tmp_path: Path) -> None:
    whole = write_crawl(tmp_path / "whole.warc", compress=False).read_bytes()
    cut = write(tmp_path / "cut.warc", whole[:-300])

    found, failed = split(list(iter_articles([cut])))

    assert [a.url for a in found] == [MILLEY_URL]
    [failure] = failed
    assert failure.problem.startswith("WARC file is truncated or corrupt (the record for ")
    assert BUDGET_URL in failure.problem


def test_plain_warc_cut_inside_record_headers_is_reported(tmp_path: Path) -> None:
    # warcio itself ends quietly here, as if the file were complete.
    whole = write_crawl(tmp_path / "whole.warc", compress=False).read_bytes()
    last_record = whole.rindex(b"WARC/1.")
    cut = write(tmp_path / "cut.warc", whole[: last_record + 60])

    found, failed = split(list(iter_articles([cut])))

    assert [a.url for a in found] == [MILLEY_URL]
    [failure] = failed
    assert failure.problem == (
        "WARC file is truncated or corrupt (the file ends inside a record's headers); "
        "reading stopped after 4 complete records"
    )


def test_page_in_a_gzip_member_with_a_bad_checksum_is_not_analysed(tmp_path: Path) -> None:
    whole = bytearray(write_crawl(tmp_path / "whole.warc.gz", compress=True).read_bytes())
    whole[-8:-4] = bytes(b ^ 0xFF for b in whole[-8:-4])  # the last member's CRC32
    path = write(tmp_path / "damaged.warc.gz", bytes(whole))

    items = list(iter_articles([path]))

    found, failed = split(items)
    assert [a.url for a in found] == [MILLEY_URL]  # not the budget page of the bad member
    [failure] = failed
    assert failure.problem.startswith(
        "WARC file is truncated or corrupt (bad gzip data: CRC check failed"
    )
    assert failure.problem.endswith("; reading stopped after 4 complete records")


def test_single_gzip_stream_warc_is_read(tmp_path: Path) -> None:
    # Not one gzip member per record (as `gzip crawl.warc` makes): warcio refuses these.
    plain = write_crawl(tmp_path / "plain.warc", compress=False).read_bytes()
    path = write(tmp_path / "whole-file.warc.gz", gzip.compress(plain))
    assert [a.url for a in read_file(path)] == [MILLEY_URL, BUDGET_URL]


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"", "empty file"),
        (b"<html><body>not an archive</body></html>", "not a WARC file"),
        (gzip.compress(b"just text, gzipped"), "not a WARC file"),
        (b"filedesc://crawl.arc 0.0.0.0 20220101000000 text/plain 1\n", "ARC files"),
    ],
)
def test_files_that_are_not_warcs(tmp_path: Path, content: bytes, problem: str) -> None:
    path = write(tmp_path / "x.warc", content)
    [failure] = list(iter_articles([path]))
    assert isinstance(failure, ReadFailure)
    assert failure.problem.startswith(problem)


def test_warc_without_html_pages_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "images.warc"
    with open(path, "wb") as handle:
        writer = WARCWriter(handle, gzip=False)
        http_response(writer, "https://a.example/x.png", b"\x89PNG", content_type="image/png")
    [failure] = list(iter_articles([path]))
    assert isinstance(failure, ReadFailure)
    assert failure.problem.startswith("no HTML pages in the WARC file (1 records")


def test_warc_larger_than_one_article_is_not_refused_by_size(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("saidwhat.sources._checks.MAX_ARTICLE_BYTES", 500)
    path = write_crawl(tmp_path / "crawl.warc", compress=False)
    assert path.stat().st_size > 500
    assert len(read_file(path)) == 2


def test_saved_html_page_url_is_its_canonical_link(tmp_path: Path) -> None:
    canonical = f'<link rel="canonical" href="{MILLEY_URL}">'
    html = page("Milley", MILLEY_PARAGRAPHS).replace("</head>", f"{canonical}</head>")
    [article] = read_file(write(tmp_path / "saved.html", html))
    assert article.url == MILLEY_URL
    [plain] = read_file(write(tmp_path / "plain.html", page("Milley", MILLEY_PARAGRAPHS)))
    assert plain.url is None


def test_url_ids() -> None:
    assert url_id("https://www.example.com/") == "example.com"
    assert url_id("http://example.com/a/b.html?x=1&y=2") == "example.com-a-b.html-x-1-y-2"
    long = url_id("https://example.com/" + "segment/" * 40)
    assert len(long) == 120 and long.startswith("example.com-segment-segment")
    assert long != url_id("https://example.com/" + "segment/" * 41)


# --- feeds -------------------------------------------------------------------------------

RSS = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel>
  <title>The Daily Ledger</title>
  <link>https://dailyledger.example/</link>
  <description>News</description>
  <item>
    <title>Milley urges talks on Ukraine</title>
    <link>https://dailyledger.example/2022/11/milley-talks</link>
    <guid isPermaLink="false">ledger-4711</guid>
    <pubDate>Thu, 17 Nov 2022 23:30:00 -0500</pubDate>
    <author>desk@dailyledger.example (Jane Reporter)</author>
    <description>Milley spoke at the Pentagon.</description>
    <content:encoded><![CDATA[<p>General Mark Milley said on <b>Wednesday</b> that there
      may be a window for negotiations.</p>
      <p>"Seize it," Milley told reporters.<br>He did not take questions.</p>
      <script>track()</script>]]></content:encoded>
  </item>
  <item>
    <title>Council approves the budget</title>
    <link>https://dailyledger.example/2022/11/budget</link>
    <pubDate>Fri, 18 Nov 2022 08:00:00 GMT</pubDate>
    <description>&lt;p&gt;The council approved the budget.&lt;/p&gt;&lt;p&gt;"It keeps our
      promises," the mayor said.&lt;/p&gt;</description>
  </item>
  <item>
    <title>Photo of the day</title>
    <link>https://dailyledger.example/2022/11/photo</link>
    <description></description>
  </item>
</channel>
</rss>
"""

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>Atom Times</title>
  <id>urn:uuid:60a76c80-d399-11d9-b93C-0003939e0af6</id>
  <updated>2022-11-18T12:00:00Z</updated>
  <entry>
    <title>Talks on Ukraine</title>
    <id>tag:atom.example,2022:milley</id>
    <link rel="alternate" href="https://atom.example/milley"/>
    <published>2022-11-17T21:00:00-08:00</published>
    <updated>2022-11-18T09:00:00Z</updated>
    <author><name>Ann Writer</name></author>
    <summary>Short version.</summary>
    <content type="html">&lt;p&gt;Milley said talks were possible.&lt;/p&gt;
      &lt;p&gt;"Seize it," he said.&lt;/p&gt;</content>
  </entry>
  <entry>
    <title type="html">Budget &lt;em&gt;approved&lt;/em&gt;</title>
    <id>tag:atom.example,2022:budget</id>
    <link href="https://atom.example/budget"/>
    <updated>2022-11-18T10:00:00Z</updated>
    <content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>The council voted.</p>
      <p>The mayor was pleased.</p></div></content>
  </entry>
</feed>
"""


def test_rss_entries(tmp_path: Path) -> None:
    path = write(tmp_path / "ledger.rss", RSS)

    items = list(iter_articles([path]))

    found, failed = split(items)
    assert len(found) == 2
    milley, budget = found
    assert (milley.id, milley.url) == (
        "ledger-4711",
        "https://dailyledger.example/2022/11/milley-talks",
    )
    assert milley.title == "Milley urges talks on Ukraine"
    assert milley.outlet == "The Daily Ledger"
    assert milley.author == "Jane Reporter"
    assert milley.published == "2022-11-17"  # the publisher's day, not UTC's 18th
    assert milley.source_path == str(path)
    assert milley.text == (
        "General Mark Milley said on Wednesday that there may be a window for negotiations."
        '\n\n"Seize it," Milley told reporters.\nHe did not take questions.'
    )
    # No guid: the link is the id; the description is the text.
    assert budget.id == budget.url == "https://dailyledger.example/2022/11/budget"
    assert budget.published == "2022-11-18"
    assert budget.outlet == "The Daily Ledger"
    assert (
        budget.text
        == 'The council approved the budget.\n\n"It keeps our promises," the mayor said.'
    )
    [failure] = failed
    assert failure.path == str(path)
    assert failure.problem == "entry 3 (Photo of the day): entry has no text"


def test_atom_entries(tmp_path: Path) -> None:
    path = write(tmp_path / "times.atom", ATOM)

    found, failed = split(list(iter_articles([path])))

    assert failed == []
    milley, budget = found
    assert milley.id == "tag:atom.example,2022:milley"
    assert milley.url == "https://atom.example/milley"
    assert milley.title == "Talks on Ukraine"
    assert milley.author == "Ann Writer"
    assert milley.outlet == "Atom Times"
    assert milley.published == "2022-11-17"
    assert milley.text == 'Milley said talks were possible.\n\n"Seize it," he said.'
    assert budget.title == "Budget approved"
    assert budget.published == "2022-11-18"  # no <published>: <updated>
    assert budget.text == "The council voted.\n\nThe mayor was pleased."


def test_xml_feed_and_other_xml(tmp_path: Path) -> None:
    feed = write(tmp_path / "feed.xml", ATOM)
    assert [a.title for a in read_file(feed)] == ["Talks on Ukraine", "Budget approved"]
    for name, content in (
        ("config.xml", "<?xml version='1.0'?><config><item>1</item></config>"),
        ("page.rss", "<html><body><p>Not a feed</p></body></html>"),
        ("binary.atom", b"\x00\x01\x02garbage"),
    ):
        failure = list(iter_articles([write(tmp_path / name, content)]))
        assert failure == [ReadFailure(str(tmp_path / name), "not an RSS/Atom feed")]


def test_feed_duplicate_ids_and_empty_feed(tmp_path: Path) -> None:
    doubled = RSS.replace("ledger-4711", "same").replace(
        "<title>Council", "<guid>same</guid><title>Council"
    )
    found, failed = split(list(iter_articles([write(tmp_path / "d.rss", doubled)])))
    assert [a.id for a in found] == ["same"]
    assert [f.problem for f in failed] == [
        "entry 2 (Council approves the budget): duplicate id 'same' (first used by entry 1)",
        "entry 3 (Photo of the day): entry has no text",
    ]
    empty = write(
        tmp_path / "empty.rss", '<rss version="2.0"><channel><title>T</title></channel></rss>'
    )
    with pytest.raises(InputError, match="feed has no entries"):
        read_file(empty)


def test_html_to_text_paragraphs() -> None:
    markup = "<div>Intro <i>text</i><ul><li>one</li><li>two</li></ul>tail<!-- c --></div>"
    assert html_to_text(markup) == "Intro text\n\none\n\ntwo\n\ntail"
    assert html_to_text("") == ""


# --- registration and folders ------------------------------------------------------------


def test_extensions_are_registered() -> None:
    assert {".warc", ".warc.gz", ".rss", ".atom", ".xml"} <= SUPPORTED_EXTENSIONS
    assert ".arc" not in SUPPORTED_EXTENSIONS


def test_folder_recursion_reads_warcs_and_feeds(tmp_path: Path) -> None:
    root = tmp_path / "corpus"
    write_crawl(root / "2022" / "crawl.warc.gz", compress=True)
    write(root / "feeds" / "ledger.rss", RSS)
    write(root / "feeds" / "deep" / "times.atom", ATOM)
    write(root / "feeds" / "backup.gz", gzip.compress(b"not read"))
    write(root / "sitemap.xml", "<urlset><url><loc>https://x</loc></url></urlset>")

    found, failed = split(list(iter_articles([root])))

    assert [a.source_path for a in found] == [
        str(root / "2022" / "crawl.warc.gz"),
        str(root / "2022" / "crawl.warc.gz"),
        str(root / "feeds" / "deep" / "times.atom"),
        str(root / "feeds" / "deep" / "times.atom"),
        str(root / "feeds" / "ledger.rss"),
        str(root / "feeds" / "ledger.rss"),
    ]
    assert [(f.path, f.problem) for f in failed] == [
        (str(root / "feeds" / "ledger.rss"), "entry 3 (Photo of the day): entry has no text"),
        (str(root / "sitemap.xml"), "not an RSS/Atom feed"),
    ]
