"""Experts (one person, linked to every institution that maintains them) and enterprises with contacts."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, BigInteger, Date, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from store.base import Base
from store.models.organisation import ID


class FollowUpKind(StrEnum):
    VISIT = "visit"
    PHONE = "phone"
    ONLINE = "online"
    OTHER = "other"


class EnterpriseVerification(StrEnum):
    """Whether a business registry has confirmed the enterprise's details (people see 未核验 / 已核验)."""

    UNVERIFIED = "unverified"  # entered by hand; its institution may still correct it
    VERIFIED = "verified"  # filled from a registry; no longer edited by hand


class Expert(Base):
    """The person's profile, kept once however many institutions maintain the expert."""

    __tablename__ = "experts"

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), unique=True)
    title: Mapped[str] = mapped_column(String(64))  # professional title, e.g. 教授
    employer: Mapped[str] = mapped_column(String(128))
    introduction: Mapped[str] = mapped_column(Text)
    # Technical-field codes of the taxonomy (handlers/reference/tech_fields) and the region the expert
    # works in: what expert pushes rank by.
    research_fields: Mapped[list[Any]] = mapped_column(JSON, default=list)
    region_code: Mapped[str | None] = mapped_column(String(6))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class ExpertResearchResult(Base):
    __tablename__ = "expert_research_results"

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    expert_id: Mapped[int] = mapped_column(ForeignKey("experts.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]


class ExpertTechnicalSolution(Base):
    __tablename__ = "expert_technical_solutions"

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    expert_id: Mapped[int] = mapped_column(ForeignKey("experts.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]


class ExpertLink(Base):
    """One institution maintaining one expert; follow-ups belong here, not to the person."""

    __tablename__ = "expert_links"
    __table_args__ = (UniqueConstraint("expert_id", "institution_id"),)

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    expert_id: Mapped[int] = mapped_column(ForeignKey("experts.id"), index=True)
    institution_id: Mapped[int] = mapped_column(ForeignKey("institutions.id"), index=True)
    added_by: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    created_at: Mapped[datetime]


class ExpertFollowUp(Base):
    __tablename__ = "expert_follow_ups"

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    link_id: Mapped[int] = mapped_column(ForeignKey("expert_links.id"), index=True)
    staff_account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    kind: Mapped[FollowUpKind] = mapped_column(String(16))
    occurred_at: Mapped[datetime]
    content: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]


class Enterprise(Base):
    """需求企业, as the business registry knows it or as an institution entered it; one row per credit code."""

    __tablename__ = "enterprises"

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    credit_code: Mapped[str] = mapped_column(String(18), unique=True)
    name: Mapped[str] = mapped_column(String(128))
    region_code: Mapped[str] = mapped_column(String(6), index=True)
    legal_representative: Mapped[str] = mapped_column(String(64))
    # None where an institution entered the enterprise by hand, or the registry gave no usable value.
    registered_capital_fen: Mapped[int | None] = mapped_column(BigInteger)
    address: Mapped[str] = mapped_column(String(255))
    established_on: Mapped[date | None] = mapped_column(Date)
    verification: Mapped[EnterpriseVerification] = mapped_column(String(16))
    # The registry that confirmed it ("qichacha", "sandbox") and when; None while unverified.
    verified_by: Mapped[str | None] = mapped_column(String(32))
    verified_at: Mapped[datetime | None]
    # The institution that entered it by hand: the one that may correct it until a registry confirms it.
    entered_by_institution_id: Mapped[int | None] = mapped_column(ForeignKey("institutions.id"))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class EnterpriseLink(Base):
    """An institution keeping the enterprise in its list; scope for institutions goes through here."""

    __tablename__ = "enterprise_links"
    __table_args__ = (UniqueConstraint("enterprise_id", "institution_id"),)

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprises.id"), index=True)
    institution_id: Mapped[int] = mapped_column(ForeignKey("institutions.id"), index=True)
    added_by: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    created_at: Mapped[datetime]


class EnterpriseContact(Base):
    __tablename__ = "enterprise_contacts"
    __table_args__ = (UniqueConstraint("enterprise_id", "phone"),)

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprises.id"), index=True)
    name: Mapped[str] = mapped_column(String(64))
    position: Mapped[str] = mapped_column(String(64))
    phone: Mapped[str] = mapped_column(String(20))
    # A contact with a mobile number is a person who signs in to the mini-program (a landline is not).
    account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"), index=True)
    added_by: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    created_at: Mapped[datetime]
