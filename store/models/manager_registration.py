"""Technology-manager registration (技术经理人登记, seeds 000 二 and 001 §二): one record per account."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, text
from sqlalchemy.orm import Mapped, mapped_column

from store.base import Base
from store.models.organisation import ID


class ManagerStatus(StrEnum):
    DRAFT = "draft"  # saved (【保存】), never submitted
    PENDING = "pending"  # under review: the review's stage says whether with the institution or the city
    APPROVED = "approved"  # registered (the city approved)
    REJECTED = "rejected"  # edit and submit again
    RETURNED = "returned"  # returned for editing: by a reviewer, or by the institution's 驳回更新
    DELETED = "deleted"  # removed before approval; a new registration may reuse the row


LIVE_ID_NUMBER = "status <> 'deleted'"


class TechnologyManagerRegistration(Base):
    """What the manager last submitted (`values`, the form's JSON) and where it stands.

    `institution_id` is the institution the invitation code bound the manager to (None: an individual
    registration, or unbound by an approved deletion). `id_number` and `invitation_code` are fixed by the first
    submission. `reopened` marks a resubmission after the institution's 驳回更新: it lands in the institution's
    经理人驳回更新 list, not the first-registration one. `deletion_requested_at` is set while the platform decides on
    deleting an approved manager.
    """

    __tablename__ = "technology_manager_registrations"
    # One ID number is one manager, whoever races to submit it (a deleted record leaves it free).
    __table_args__ = (
        Index(
            "uq_technology_manager_registrations_live_id_number",
            "id_number",
            unique=True,
            postgresql_where=text(LIVE_ID_NUMBER),
            sqlite_where=text(LIVE_ID_NUMBER),
        ),
    )

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), unique=True)
    institution_id: Mapped[int | None] = mapped_column(ForeignKey("institutions.id"), index=True)
    invitation_code: Mapped[str | None] = mapped_column(String(16))
    id_number: Mapped[str | None] = mapped_column(String(18), index=True)
    name: Mapped[str] = mapped_column(String(64))
    values: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[ManagerStatus] = mapped_column(String(16), index=True)
    reopened: Mapped[bool] = mapped_column(Boolean, default=False)
    reason: Mapped[str | None] = mapped_column(String(500))
    approved_at: Mapped[datetime | None]
    deletion_requested_at: Mapped[datetime | None]
    submitted_at: Mapped[datetime | None]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class ManagerImport(Base):
    """One Excel import of technology managers by an institution: its counts, and the error file that institution
    (only) may download."""

    __tablename__ = "technology_manager_imports"

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    institution_id: Mapped[int] = mapped_column(ForeignKey("institutions.id"), index=True)
    uploaded_by: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    filename: Mapped[str] = mapped_column(String(255))
    imported: Mapped[int] = mapped_column(Integer)
    already_present: Mapped[int] = mapped_column(Integer)
    failed: Mapped[int] = mapped_column(Integer)
    error_file_sha256: Mapped[str | None] = mapped_column(String(64))
    error_file_name: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime]
