"""Registration (seeds 000/001): unit certification of an organisation account, and the registration-number
counters that approvals issue from."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from store.base import Base
from store.models.organisation import ID


class CertificationStatus(StrEnum):
    PENDING = "pending"  # with the platform (a first certification or a re-certification)
    CERTIFIED = "certified"
    REJECTED = "rejected"
    RETURNED = "returned"  # returned for update: edit and submit again


class UnitCertification(Base):
    """单位认证 of one organisation account: what was last submitted, and what the platform last certified.

    `credit_code` is fixed once `certified_at` is set (no route changes it); `certified_code` is set only then,
    and its uniqueness keeps one certified account per organisation. A re-certification (a new legal-entity
    name) leaves the certified identity in place until the platform approves the new one.
    """

    __tablename__ = "unit_certifications"

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), unique=True)
    name: Mapped[str] = mapped_column(String(128))
    credit_code: Mapped[str] = mapped_column(String(18), index=True)
    legal_representative: Mapped[str] = mapped_column(String(64))
    licence_file_id: Mapped[int] = mapped_column(ForeignKey("stored_files.id"))
    region_code: Mapped[str] = mapped_column(String(6))  # characters 3–8 of the credit code
    # What the business registry said at submission: "confirmed", "differs", "not_found" or "unchecked".
    registry_check: Mapped[str] = mapped_column(String(16))
    registry_provider: Mapped[str | None] = mapped_column(String(32))
    status: Mapped[CertificationStatus] = mapped_column(String(16), index=True)
    reason: Mapped[str | None] = mapped_column(String(500))  # the last rejection's or return's
    certified_code: Mapped[str | None] = mapped_column(String(18), unique=True)
    certified_name: Mapped[str | None] = mapped_column(String(128))
    certified_legal_representative: Mapped[str | None] = mapped_column(String(64))
    certified_at: Mapped[datetime | None]
    submitted_at: Mapped[datetime]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class RegistrationCounter(Base):
    """The last registration number issued for one year and region. Updated (under its row lock) in the very
    transaction that approves, so a rolled-back approval returns its number and no two approvals share one —
    which a database sequence would not give (a sequence leaves a gap on rollback)."""

    __tablename__ = "registration_counters"
    __table_args__ = (UniqueConstraint("year", "region_code"),)

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    year: Mapped[int] = mapped_column(Integer)
    region_code: Mapped[str] = mapped_column(String(6))
    last_value: Mapped[int] = mapped_column(Integer)


class InstitutionRegistrationStatus(StrEnum):
    DRAFT = "draft"  # saved (保存), not yet submitted
    PENDING = "pending"  # with the city bureau
    APPROVED = "approved"  # registered: the number is issued
    REJECTED = "rejected"  # the reason is shown; edit and submit again
    RETURNED = "returned"  # returned for update: edit and submit again


class InstitutionRegistration(Base):
    """技术转移机构登记 of one certified organisation account (seed 001 §一): one row per registration (`kind`
    "first"; an annual update "update" and a basic-information change "change" are rows of their own). `values`
    holds the form as last saved or submitted; the certified identity (name, credit code) is copied from the unit
    certification and never taken from the form."""

    __tablename__ = "institution_registrations"

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    certification_id: Mapped[int] = mapped_column(ForeignKey("unit_certifications.id"))
    kind: Mapped[str] = mapped_column(String(16))
    status: Mapped[InstitutionRegistrationStatus] = mapped_column(String(16), index=True)
    name: Mapped[str] = mapped_column(String(128))
    credit_code: Mapped[str] = mapped_column(String(18))
    region_code: Mapped[str] = mapped_column(String(6))  # the institution's region: its city bureau reviews
    values: Mapped[dict[str, Any]] = mapped_column(JSON)
    # The institution's technology managers as they stood when it was submitted (seed 001 §一(三)); NULL before.
    managers: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)
    registration_number: Mapped[str | None] = mapped_column(String(32), unique=True)
    reason: Mapped[str | None] = mapped_column(String(500))  # the last rejection's or return's
    # A basic-information change (kind "change"): the approved record it changes, which takes `values` only on
    # approval; `previous_values` keeps that record's values as they were, so the difference stays readable.
    changes_id: Mapped[int | None] = mapped_column(ForeignKey("institution_registrations.id"))
    previous_values: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    submitted_at: Mapped[datetime | None]
    decided_at: Mapped[datetime | None]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
