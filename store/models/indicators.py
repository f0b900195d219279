"""Monitoring indicators declared as data (issue #18): a province, a city or an institution adds its own dimensions
without a code change. Append-only: an edit is a new version, a removal a retired version, so a report as of an
earlier time finds the versions that were in force then."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import BigInteger, Boolean, Date, Integer, Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from store.base import Base

ID = BigInteger().with_variant(Integer, "sqlite")


class IndicatorOwner(StrEnum):
    PLATFORM = "platform"  # owner_code "" — applies to every monitor
    REGION = "region"  # owner_code a GB/T 2260 code — applies to that region's monitors and those below it
    INSTITUTION = "institution"  # owner_code the institution's id — applies to that institution's monitors


class Indicator(Base):
    __tablename__ = "indicators"
    __table_args__ = (UniqueConstraint("owner_kind", "owner_code", "key", "version"),)

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    owner_kind: Mapped[str] = mapped_column(String(16))
    owner_code: Mapped[str] = mapped_column(String(32))
    key: Mapped[str] = mapped_column(String(32))
    version: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(40))
    formula: Mapped[str] = mapped_column(String(200))
    per_100_staff: Mapped[bool] = mapped_column(Boolean, default=False)
    weight: Mapped[Decimal] = mapped_column(Numeric(6, 2))
    retired: Mapped[bool] = mapped_column(Boolean, default=False)
    effective_at: Mapped[datetime] = mapped_column(index=True)
    declared_by: Mapped[int | None] = mapped_column(BigInteger, nullable=True)


class WeeklyReport(Base):
    """A weekly monitoring report sent to one person (issue #18): the row is written in the transaction of its work
    notice, so a second instance or a re-run sends nothing twice; its token opens the report's chart for DingTalk,
    which fetches an image without our session."""

    __tablename__ = "weekly_reports"
    __table_args__ = (UniqueConstraint("week_start", "account_id"),)

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    week_start: Mapped[date] = mapped_column(Date)
    account_id: Mapped[int] = mapped_column(BigInteger)
    view: Mapped[str] = mapped_column(String(16))
    token: Mapped[str] = mapped_column(String(64), unique=True)
    sent_at: Mapped[datetime]
