"""One Excel import of experts: its counts, and the error file the uploader's institution may download."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from store.base import Base
from store.models.organisation import ID


class ExpertImport(Base):
    __tablename__ = "expert_imports"

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    institution_id: Mapped[int] = mapped_column(ForeignKey("institutions.id"), index=True)
    uploaded_by: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    filename: Mapped[str] = mapped_column(String(255))
    imported: Mapped[int] = mapped_column(Integer)
    already_present: Mapped[int] = mapped_column(Integer)
    failed: Mapped[int] = mapped_column(Integer)
    # The stored error file (handlers.files): content address and download name; NULL when every row passed.
    error_file_sha256: Mapped[str | None] = mapped_column(String(64))
    error_file_name: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime]
