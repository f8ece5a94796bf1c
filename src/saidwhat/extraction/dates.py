"""When was it said: the date of each statement, not only the article's publication date.

News dates statements in the frame around the quotation ("Milley told a news conference on
Wednesday", "On 9 November, Milley cast doubt ...", "As Chomsky pointed out in August"),
relative to the publication date. Dates inside the content are about what was said, not when
("the missile that killed two people on Tuesday"), so only the sentence around the source and
the cue is searched. Explicit dates are parsed with dateparser; weekdays and "yesterday" are
counted from the publication date by rule, because their newsroom meaning ("Wednesday" is this
week's, "last Wednesday" the previous week's) is a convention no parser knows.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from itertools import accumulate

from saidwhat.model import Attribution

_MONTHS = (
    "January|February|March|April|May|June|July|August|September|October|November|December|"
    "Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec"
)
#: Occasions a statement is made at: "told a news conference on Wednesday", "a May interview".
_OCCASIONS = (
    r"conference|meeting|summit|debate|hearing|interview|speech|rally|briefing|session|"
    r"ceremony|forum|address|town hall|appearance"
)
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    (
        "day",
        re.compile(
            rf"\b(?P<expr>\d{{1,2}}(?:st|nd|rd|th)?\s+(?:{_MONTHS})\.?(?:,?\s+\d{{4}})?"
            rf"|(?:{_MONTHS})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+\d{{4}})?)\b"
        ),
    ),
    (
        "weekday",
        re.compile(
            r"\b(?P<expr>(?:(?:last|this|on|past)\s+)?(?:Monday|Tuesday|Wednesday|Thursday|"
            r"Friday|Saturday|Sunday))\b"
        ),
    ),
    (
        "relative",
        re.compile(
            r"\b(?P<expr>yesterday|today|tonight|earlier today|this morning|last night|"
            r"earlier this (?:week|month|year)|last (?:week|month|year)|this (?:week|month))\b",
            re.IGNORECASE,
        ),
    ),
    (
        "month",
        re.compile(
            rf"\b(?:in|during|since|back in|early|late|mid-)\s+(?P<expr>(?:{_MONTHS})"
            rf"(?:\s+\d{{4}})?)\b"
        ),
    ),
    (
        "month",
        re.compile(
            rf"\b(?:a|an|the|his|her|its|their)\s+(?P<expr>(?:{_MONTHS})(?:\s+\d{{4}})?)\s+"
            rf"(?:[\w-]+\s+)?(?:{_OCCASIONS})\b"
        ),
    ),
    ("year", re.compile(r"\b(?:in|during)\s+(?P<expr>(?:19|20)\d{2})\b")),
    ("event", re.compile(r"\b(?P<expr>at the time)\b", re.IGNORECASE)),
]
_SENTENCE_END = re.compile(r"[.!?][\"”’']?\s+(?=[\"“‘A-Z0-9])|\n")
_DAY_EXPRESSION = (
    rf"(?:\d{{1,2}}(?:st|nd|rd|th)?\s+(?:{_MONTHS})\.?(?:,?\s+\d{{4}})?"
    rf"|(?:{_MONTHS})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+\d{{4}})?)"
)
_WEEKDAY_EXPRESSION = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
#: An occasion with its date anywhere in the article: "Friday's meeting", "Monday’s
#: presidential debate", "a news conference on Wednesday", "the summit on 9 November".
_DATED_OCCASION = re.compile(
    rf"(?:(?P<before>{_WEEKDAY_EXPRESSION}|{_DAY_EXPRESSION}|[Yy]esterday)(?:'s|’s)\s+"
    rf"(?:[\w-]+\s+){{0,2}}(?P<occ1>{_OCCASIONS})"
    rf"|(?P<occ2>{_OCCASIONS})\s+(?:(?:on|last|this)\s+)?"
    rf"(?P<after>(?:last\s+)?{_WEEKDAY_EXPRESSION}|{_DAY_EXPRESSION}))\b"
)
#: A statement's frame pointing back at an occasion: "at the same press conference", "after
#: the day-long meeting", "during a portion of the debate".
_OCCASION_REFERENCE = re.compile(
    rf"\b(?:the|that|this|same)\s+(?:[\w-]+\s+){{0,2}}(?P<occ>{_OCCASIONS})\b", re.IGNORECASE
)
#: Dates that bound a period ("between January 1 and September 18", "since March") say what
#: the words are about, not when they were said.
_RANGE_BEFORE = re.compile(r"\b(?:between|from|since|through|until|till)\s+$", re.IGNORECASE)
_RANGE_END_BEFORE = re.compile(
    r"\b(?:between|from)\s+[^.;]{1,40}?\s(?:and|to|through|until|-|–)\s+$", re.IGNORECASE
)


@dataclass(frozen=True, slots=True)
class StatementDate:
    """A statement date: ISO text truncated to its precision, and how it was derived."""

    value: str
    precision: str  # "day", "week" (written as its Monday), "month" or "year"
    basis: str  # "explicit", "relative", "event", "publication"
    expression: str | None = None


def parse_published(published: str | None) -> tuple[date, str] | None:
    """The publication date and its precision from an ISO string ("2022-11", "2022-11-17")."""
    if not published:
        return None
    match = re.match(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?", published.strip())
    if not match:
        return None
    year, month, day = match.group(1), match.group(2), match.group(3)
    if day:
        return date(int(year), int(month), int(day)), "day"
    if month:
        return date(int(year), int(month), 1), "month"
    return date(int(year), 1, 1), "year"


def _frame(
    text: str, attribution: Attribution, exclude: list[tuple[int, int]] | None = None
) -> list[tuple[int, int]]:
    """The sentence(s) around the source and cue, minus the content (and ``exclude``: what
    other attributions report, since dates inside anyone's words are about what was said)."""
    anchors = sorted([*attribution.source, *attribution.cue])
    if not anchors:
        return []
    if attribution.frame:
        start, end = attribution.frame[0][0], attribution.frame[-1][1]
    else:  # built by hand, not by the extractor: take the text's sentence around the cue
        first, last = anchors[0][0], anchors[-1][1]
        start = 0
        for match in _SENTENCE_END.finditer(text, max(first - 400, 0), first + 1):
            start = match.end()
        end_match = _SENTENCE_END.search(text, last)
        end = end_match.start() + 1 if end_match else len(text)
    pieces = [(start, end)]
    for c_start, c_end in sorted([*attribution.content, *(exclude or [])]):
        next_pieces = []
        for p_start, p_end in pieces:
            if c_end <= p_start or c_start >= p_end:
                next_pieces.append((p_start, p_end))
                continue
            if p_start < c_start:
                next_pieces.append((p_start, c_start))
            if c_end < p_end:
                next_pieces.append((c_end, p_end))
        pieces = next_pieces
    return pieces


@lru_cache(maxsize=4096)
def _parse_explicit(expression: str, base: date) -> date | None:
    import dateparser  # slow to import; only articles with explicit dates pay for it

    settings = {
        "PREFER_DATES_FROM": "past",
        # End of the base day, so that a date on the day itself still counts as "past".
        "RELATIVE_BASE": datetime(base.year, base.month, base.day, 23, 59),
        "PREFER_DAY_OF_MONTH": "first",
        "DATE_ORDER": "DMY",
    }
    parsed = dateparser.parse(expression, languages=["en"], settings=settings)
    return parsed.date() if parsed else None


def _weekday(expression: str, published: date) -> date:
    """ "Wednesday" is the latest Wednesday up to publication; "last Wednesday" the
    Wednesday of the previous week (a Thursday paper's "last Wednesday" is eight days ago)."""
    words = expression.lower().split()
    target = _WEEKDAYS.index(words[-1])
    if words[0] in ("last", "past") and len(words) > 1:
        monday_this_week = published - timedelta(days=published.weekday())
        return monday_this_week - timedelta(days=7 - target)
    return published - timedelta(days=(published.weekday() - target) % 7)


def _relative(expression: str, published: date) -> tuple[date, str]:
    phrase = expression.lower()
    if phrase in ("yesterday", "last night"):
        return published - timedelta(days=1), "day"
    if phrase in ("today", "tonight", "earlier today", "this morning"):
        return published, "day"
    if phrase in ("last week",):
        return published - timedelta(days=7), "week"
    if phrase in ("earlier this week", "this week"):
        return published, "week"
    if phrase in ("earlier this month", "this month"):
        return published, "month"
    if phrase == "last month":
        first = published.replace(day=1) - timedelta(days=1)
        return first, "month"
    if phrase == "earlier this year":
        return published, "year"
    return published.replace(year=published.year - 1), "year"


def _truncate(day: date, precision: str) -> str:
    """ISO text for a date at its precision; a week is written as its Monday ("this week"
    in a Thursday paper is the week of that Monday: no single day is claimed)."""
    if precision == "week":
        return (day - timedelta(days=day.weekday())).isoformat()
    if precision == "year":
        return f"{day.year:04d}"
    if precision == "month":
        return f"{day.year:04d}-{day.month:02d}"
    return day.isoformat()


def date_statement(
    text: str,
    attribution: Attribution,
    published: str | None,
    earlier: dict[str, StatementDate] | None = None,
    occasions: list[tuple[int, str, StatementDate]] | None = None,
    exclude: list[tuple[int, int]] | None = None,
) -> StatementDate | None:
    """The date ``attribution`` was made on, or the publication date marked as a fallback.

    ``earlier`` maps speakers to the last explicitly dated statement, for "at the time";
    ``occasions`` are the article's dated occasions (:func:`dated_occasions`), for "at the same
    press conference"; ``exclude`` is text reported by other attributions.
    """
    base = parse_published(published)
    cue_at = attribution.cue[0][0] if attribution.cue else attribution.content[0][0]
    candidates = []
    frame = _frame(text, attribution, exclude)
    for piece_start, piece_end in frame:
        for priority, (kind, pattern) in enumerate(_PATTERNS):
            for match in pattern.finditer(text, piece_start, piece_end):
                if _bounds_a_period(text, match.start("expr")):
                    continue
                if _across_the_content(attribution, cue_at, match.start("expr")):
                    continue
                distance = abs(match.start("expr") - cue_at)
                candidates.append((distance, priority, kind, match.group("expr")))
    # The date nearest the cue is the one that dates the statement.
    for _, _, kind, expression in sorted(candidates):
        found = _resolve(kind, expression, base, attribution, earlier)
        if found is not None:
            return found
    occasion = _occasion_date(text, frame, occasions or [], cue_at)
    if occasion is not None:
        return occasion
    if base is None:
        return None
    return StatementDate(_truncate(base[0], base[1]), base[1], "publication", None)


def _across_the_content(attribution: Attribution, cue_at: int, at: int) -> bool:
    """Whether the content stands between a cue that opens it and a date after it: in
    "she angrily said, '...', Sanders jabbed at Clinton on Monday" the date belongs to the
    clause after the quotation, not to the statement. A cue after its content ("'...,' he
    told supporters on Monday") keeps the dates around it."""
    if not attribution.content or at < cue_at:
        return False
    content_start = attribution.content[0][0]
    return cue_at < content_start and any(end <= at for _, end in attribution.content)


def _bounds_a_period(text: str, start: int) -> bool:
    before = text[max(start - 60, 0) : start]
    return bool(_RANGE_BEFORE.search(before) or _RANGE_END_BEFORE.search(before))


def dated_occasions(text: str, published: str | None) -> list[tuple[int, str, StatementDate]]:
    """The occasions the article dates ("Friday's meeting", "a news conference on Wednesday"),
    as (position, occasion noun, date), in text order."""
    base = parse_published(published)
    found = []
    for match in _DATED_OCCASION.finditer(text):
        occasion = (match.group("occ1") or match.group("occ2")).lower()
        expression = match.group("before") or match.group("after")
        kind = "weekday" if re.search(_WEEKDAY_EXPRESSION, expression) else "day"
        if expression.lower() == "yesterday":
            kind = "relative"
        dated = _resolve(kind, expression, base, Attribution([], [], [], "indirect"), None)
        if dated is not None:
            found.append((match.start(), occasion.split()[-1], dated))
    return found


def _occasion_date(
    text: str,
    frame: list[tuple[int, int]],
    occasions: list[tuple[int, str, StatementDate]],
    cue_at: int,
) -> StatementDate | None:
    """ "Austin, speaking at the same press conference, said ...": a statement with no date of
    its own made at an occasion the article dates elsewhere takes that occasion's date (the
    nearest dating before the statement, else the first after)."""
    for piece_start, piece_end in frame:
        for match in _OCCASION_REFERENCE.finditer(text, piece_start, piece_end):
            noun = match.group("occ").lower().split()[-1]
            same = [(at, dated) for at, occasion, dated in occasions if occasion == noun]
            before = [dated for at, dated in same if at < cue_at]
            after = [dated for at, dated in same if at >= cue_at]
            chosen = before[-1] if before else (after[0] if after else None)
            if chosen is not None:
                return StatementDate(chosen.value, chosen.precision, "event", match.group(0))
    return None


def _resolve(
    kind: str,
    expression: str,
    base: tuple[date, str] | None,
    attribution: Attribution,
    earlier: dict[str, StatementDate] | None,
) -> StatementDate | None:
    """Turn one date expression into a statement date, or None if it cannot be placed."""
    base_day = base[0] if base else None
    if kind == "event":
        known = (earlier or {}).get(attribution.resolved_speaker or "")
        return StatementDate(known.value, known.precision, "event", expression) if known else None
    if kind in ("day", "month"):
        parsed = _parse_explicit(expression, _month_end(base_day or date.today(), base))
        if parsed is None:
            return None
        if kind == "day":
            return StatementDate(parsed.isoformat(), "day", "explicit", expression)
        return StatementDate(_truncate(parsed, "month"), "month", "explicit", expression)
    if kind == "year":
        return StatementDate(expression, "year", "explicit", expression)
    # Weekdays and "yesterday" need a publication day to count from.
    if base is None or base_day is None or base[1] != "day":
        return None
    if kind == "weekday":
        day = _weekday(expression, base_day)
        return StatementDate(day.isoformat(), "day", "relative", expression)
    day, precision = _relative(expression, base_day)
    return StatementDate(_truncate(day, precision), precision, "relative", expression)


def _month_end(anchor: date, base: tuple[date, str] | None) -> date:
    """A month-precision issue ("December 2022") may report anything up to its last day."""
    if base is not None and base[1] == "month":
        next_month = (anchor.replace(day=28) + timedelta(days=4)).replace(day=1)
        return next_month - timedelta(days=1)
    return anchor


def date_statements(text: str, attributions: list[Attribution], published: str | None) -> None:
    """Set ``said_on``, its precision and basis on every attribution, in text order.

    A statement with no date of its own, by the same speaker as the statement just before it
    and no paragraph apart ("..., Milley told a news conference on Wednesday. 'You want to
    negotiate ...'"), was made on the same occasion and takes its date ("context").
    """
    earlier: dict[str, StatementDate] = {}
    occasions = dated_occasions(text, published)
    reported = sorted((s, e, id(a)) for a in attributions for s, e in a.content)
    reported_starts = [s for s, _, _ in reported]
    reach = list(accumulate((e for _, e, _ in reported), max))
    previous: tuple[Attribution, StatementDate] | None = None
    ordered = sorted(attributions, key=lambda a: min((s for s, _ in a.cue or a.content), default=0))
    for attribution in ordered:
        # What others report is no date of this statement, unless this statement is itself
        # reported there ("Smith said Jones told reporters on Monday that ..."). Only reported
        # words reaching into the statement's sentence matter.
        anchors = [*attribution.cue, *attribution.source]
        bounds = attribution.frame or anchors or attribution.content
        frame_start, frame_end = bounds[0][0] - 400, bounds[-1][1] + 400
        low = bisect_right(reach, frame_start)
        high = bisect_left(reported_starts, frame_end)
        others = [
            (start, end)
            for start, end, owner in reported[low:high]
            if owner != id(attribution)
            and end > frame_start
            and not any(start <= s < end for s, _ in anchors)
        ]
        found = date_statement(text, attribution, published, earlier, occasions, others)
        if found is None:
            continue
        if found.basis == "publication" and previous is not None:
            before, dated = previous
            gap_start = max(e for span in (before.content, before.cue) for _, e in span)
            gap_end = min(s for span in (attribution.content, attribution.cue) for s, _ in span)
            if (
                before.resolved_speaker == attribution.resolved_speaker
                and dated.basis != "publication"
                and text.count("\n\n", gap_start, max(gap_start, gap_end)) <= 1
            ):
                found = StatementDate(dated.value, dated.precision, "context", dated.expression)
        attribution.said_on = found.value
        attribution.said_on_precision = found.precision
        attribution.said_on_basis = found.basis
        if found.basis in ("explicit", "relative") and attribution.resolved_speaker:
            earlier[attribution.resolved_speaker] = found
        previous = (attribution, found)
