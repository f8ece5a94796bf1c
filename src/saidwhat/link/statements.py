"""The types of cross-outlet linking: a statement, a cluster of versions, a member's drift.

Kept apart from the linker so the store, CLI and web layers can build and read them
without importing the alignment machinery.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from saidwhat.link.drift import Drift

__all__ = ["ClusterMember", "Statement", "StatementCluster"]


@dataclass(slots=True)
class Statement:
    """One attribution's content as one outlet printed it, with who and when.

    ``speaker_id`` is the canonical speaker; None means unknown or unresolved, which is
    compatible with any speaker (but needs stronger evidence to link, see the linker).
    ``text`` may keep the outlet's quotation marks: they are normalised when compared.
    ``said_on_basis`` says how ``said_on`` was found (see :mod:`saidwhat.extraction.dates`):
    a date the article gives for the remark ("explicit", "relative", "event", "context")
    places the occasion, so two versions said on different days are two remarks, while
    "publication" (or None) only bounds it. Only a date known to the day
    (``said_on_precision`` "day") places an occasion.
    """

    id: str
    text: str
    article_id: str
    speaker_id: str | None = None
    speaker: str | None = None
    outlet: str | None = None
    published: str | None = None
    said_on: str | None = None
    kind: str = "direct"
    said_on_basis: str | None = None
    said_on_precision: str | None = None

    def to_json(self) -> dict:
        """Plain JSON for APIs and exports."""
        return asdict(self)


@dataclass(slots=True)
class ClusterMember:
    """A version of the statement and how it differs from the cluster's reference."""

    statement: Statement
    drift: Drift

    def to_json(self) -> dict:
        """Plain JSON for APIs and exports."""
        return {"statement": self.statement.to_json(), "drift": self.drift.to_json()}


@dataclass(slots=True)
class StatementCluster:
    """One utterance as reported across articles and outlets.

    ``reference`` is the version the others are compared with (the earliest published;
    ``reference_reason`` says how it was chosen); ``members`` holds every version, the
    reference first.
    """

    id: str
    reference: Statement
    reference_reason: str
    members: list[ClusterMember] = field(default_factory=list)

    @property
    def outlets(self) -> list[str]:
        """The distinct outlets that reported it, in order of first appearance."""
        return list(dict.fromkeys(m.statement.outlet for m in self.members if m.statement.outlet))

    @property
    def speaker_id(self) -> str | None:
        """The canonical speaker (the members' known speakers are all the same one)."""
        return next((m.statement.speaker_id for m in self.members if m.statement.speaker_id), None)

    @property
    def speaker(self) -> str | None:
        """A display name for the speaker, if any member has one."""
        return next((m.statement.speaker for m in self.members if m.statement.speaker), None)

    def __len__(self) -> int:
        return len(self.members)

    def to_json(self) -> dict:
        """Plain JSON for APIs and exports."""
        return {
            "id": self.id,
            "speaker_id": self.speaker_id,
            "speaker": self.speaker,
            "outlets": self.outlets,
            "reference": self.reference.to_json(),
            "reference_reason": self.reference_reason,
            "members": [member.to_json() for member in self.members],
        }
