"""The audit chain (留痕存证): one hash chain per aggregate plus a checkpoint chain over their heads."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from store.base import Base

_ID = BigInteger().with_variant(Integer, "sqlite")


class AuditEntry(Base):
    __tablename__ = "audit_entries"
    __table_args__ = (UniqueConstraint("aggregate_type", "aggregate_id", "seq"),)

    id: Mapped[int] = mapped_column(_ID, primary_key=True, autoincrement=True)
    aggregate_type: Mapped[str] = mapped_column(String(64))
    aggregate_id: Mapped[str] = mapped_column(String(64))
    seq: Mapped[int] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(64))
    actor: Mapped[str | None] = mapped_column(String(64))
    # Canonical JSON text, hashed as stored: no personal values, only their digests.
    data: Mapped[str] = mapped_column(Text)
    personal_digests: Mapped[str] = mapped_column(Text)
    occurred_at: Mapped[datetime]
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class AuditPersonalField(Base):
    """Personal values behind an entry's digests; erasing a person nulls value and salt here only."""

    __tablename__ = "audit_personal_fields"
    __table_args__ = (UniqueConstraint("entry_id", "field"),)

    id: Mapped[int] = mapped_column(_ID, primary_key=True, autoincrement=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("audit_entries.id"))
    subject: Mapped[str] = mapped_column(String(64), index=True)
    field: Mapped[str] = mapped_column(String(64))
    value: Mapped[str | None] = mapped_column(Text)
    salt: Mapped[str | None] = mapped_column(String(64))
    erased_at: Mapped[datetime | None]


class AuditCheckpoint(Base):
    __tablename__ = "audit_checkpoints"

    id: Mapped[int] = mapped_column(_ID, primary_key=True, autoincrement=True)
    seq: Mapped[int] = mapped_column(Integer, unique=True)
    # Canonical JSON: {"type:id": [seq, hash]} for every chain that moved since the previous checkpoint.
    heads: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
