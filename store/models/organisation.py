"""The organisation: accounts and their roles, institutions, centres, staff memberships, officials."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, BigInteger, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from store.base import Base

ID = BigInteger().with_variant(Integer, "sqlite")


class AccountStatus(StrEnum):
    INVITED = "invited"
    ACTIVE = "active"
    DISABLED = "disabled"  # stopped by an admin or the platform: only the system admin brings it back
    # Left the institution (every role ended) or the DingTalk organisation: an admin's new role or new
    # invitation brings the person back.
    LEFT = "left"


# Neither signs in nor acts.
CLOSED_STATUSES = frozenset({AccountStatus.DISABLED, AccountStatus.LEFT})


class Role(StrEnum):
    SYSTEM_ADMIN = "system_admin"
    INSTITUTION_ADMIN = "institution_admin"
    CENTRE_ADMIN = "centre_admin"
    STAFF = "staff"
    OFFICIAL = "official"
    EXPERT = "expert"
    ENTERPRISE_CONTACT = "enterprise_contact"
    TECHNOLOGY_MANAGER = "technology_manager"  # 技术经理人, bound to an institution by its invitation code


class RegionLevel(StrEnum):
    PROVINCE = "province"
    CITY = "city"
    DISTRICT = "district"


class Account(Base):
    """One person, one account, however many roles; the mobile number identifies the person."""

    __tablename__ = "accounts"

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(64))
    mobile: Mapped[str] = mapped_column(String(11), unique=True)
    status: Mapped[AccountStatus] = mapped_column(String(16))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class AccountRole(Base):
    """A role and where it applies. `scope_key` spells the scope ("institution:3", "centre:7",
    "region:330106", "" for the whole system) so the unique constraint also holds where the ids are NULL."""

    __tablename__ = "account_roles"
    __table_args__ = (UniqueConstraint("account_id", "role", "scope_key"),)

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    role: Mapped[Role] = mapped_column(String(32))
    scope_key: Mapped[str] = mapped_column(String(32))
    institution_id: Mapped[int | None] = mapped_column(ForeignKey("institutions.id"))
    centre_id: Mapped[int | None] = mapped_column(ForeignKey("centres.id"))
    region_code: Mapped[str | None] = mapped_column(String(6))
    created_at: Mapped[datetime]


class Institution(Base):
    """法人机构: a legal-entity tech-transfer institution with exactly one admin."""

    __tablename__ = "institutions"

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(128))
    credit_code: Mapped[str] = mapped_column(String(18), unique=True)
    type: Mapped[str] = mapped_column(String(32))
    service_types: Mapped[list[Any]] = mapped_column(JSON)
    min_fee_ratio_bp: Mapped[int] = mapped_column(Integer)  # basis points of the contract amount
    introduction: Mapped[str] = mapped_column(Text)
    head: Mapped[str | None] = mapped_column(String(64))
    region_code: Mapped[str] = mapped_column(String(6), index=True)
    admin_account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), unique=True)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class Centre(Base):
    """地方转移中心: an institution's local centre; its admins are account roles."""

    __tablename__ = "centres"
    __table_args__ = (UniqueConstraint("institution_id", "name"),)

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    institution_id: Mapped[int] = mapped_column(ForeignKey("institutions.id"), index=True)
    name: Mapped[str] = mapped_column(String(128))
    region_code: Mapped[str] = mapped_column(String(6), index=True)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class StaffMember(Base):
    """A staff member's place: one centre per person (the unique account makes a second one a clash).

    The row outlives a departure (`left_at`), so what the person did — follow-ups, points — stays theirs.
    """

    __tablename__ = "staff_members"

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), unique=True)
    institution_id: Mapped[int] = mapped_column(ForeignKey("institutions.id"), index=True)
    centre_id: Mapped[int] = mapped_column(ForeignKey("centres.id"), index=True)
    position: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]
    left_at: Mapped[datetime | None]
    # The colleague who takes over the leaver's work (the centre admin's choice).
    successor_account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"))


class Official(Base):
    """科技管理人员 of a bureau: sees the records of one region code and everything beneath it."""

    __tablename__ = "officials"

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), unique=True)
    region_code: Mapped[str] = mapped_column(String(6))
    level: Mapped[RegionLevel] = mapped_column(String(16))
    created_at: Mapped[datetime]
