"""Project registrations (对接成功项目登记): one per demand, with its contract and, once paid, the intermediary-fee
payment proof (中介费兑付凭证)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Date, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from store.base import Base

ID = BigInteger().with_variant(Integer, "sqlite")


class ProjectRegistration(Base):
    __tablename__ = "project_registrations"

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    demand_id: Mapped[int] = mapped_column(ForeignKey("demands.id"), unique=True)  # one project per demand
    name: Mapped[str] = mapped_column(String(100))
    category: Mapped[str] = mapped_column(String(32))  # handlers/projects/choices.py
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    signed_on: Mapped[date] = mapped_column(Date)  # contract signing date (a local date in the business timezone)
    leader: Mapped[str] = mapped_column(String(32))
    members: Mapped[list[Any]] = mapped_column(JSON)  # names
    undertaking_unit: Mapped[str] = mapped_column(String(100))
    entity_type: Mapped[str] = mapped_column(String(32))
    cooperation_mode: Mapped[str] = mapped_column(String(32))
    contract_file_id: Mapped[int] = mapped_column(ForeignKey("stored_files.id"))
    # Copied from the demand at registration: later edits to the demand do not move the expected fee.
    fee_ratio_bp: Mapped[int] = mapped_column(Integer)
    expected_fee_fen: Mapped[int] = mapped_column(BigInteger)  # ratio × amount, rounded down to the fen
    registered_by: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    credited_account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)  # the docking staff
    registered_at: Mapped[datetime]
    fee_proof_file_id: Mapped[int | None] = mapped_column(ForeignKey("stored_files.id"))
    fee_paid_fen: Mapped[int | None] = mapped_column(BigInteger)
    fee_paid_on: Mapped[date | None] = mapped_column(Date)
    fee_proof_by: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"))
    fee_proof_at: Mapped[datetime | None]
    fee_flag: Mapped[str | None] = mapped_column(String(16), index=True)  # "below_agreed": for the admin's eyes
