"""The institution admin uploads the spreadsheet: the import runs, its error file is stored, and the import
is recorded so that the institution — and only it — can download the error file later."""

from __future__ import annotations

from dataclasses import dataclass

from handlers.experts.expert_import.import_experts import (
    ExpertsImported,
    ImportExperts,
    import_experts,
)
from handlers.files.ports import FileStorage
from store.models.expert_imports import ExpertImport
from store.uow import UnitOfWork


@dataclass(frozen=True)
class ExpertImportReport:
    import_id: int
    result: ExpertsImported


async def upload_experts(cmd: ImportExperts, uow: UnitOfWork, storage: FileStorage) -> ExpertImportReport:
    result = await import_experts(cmd, uow, storage)
    async with uow:
        row = ExpertImport(
            institution_id=cmd.institution_id,
            uploaded_by=cmd.actor_id,
            filename=cmd.filename[:255],
            imported=result.imported,
            already_present=result.already_present,
            failed=result.failed,
            error_file_sha256=result.error_file_sha256,
            error_file_name=result.error_file_name,
            created_at=uow.clock.now(),
        )
        uow.session.add(row)
        await uow.session.flush()
        # The import's own chain: who uploaded what outcome (each expert's entries are on their own chains).
        uow.record(
            "expert_import",
            row.id,
            "recorded",
            actor=f"account:{cmd.actor_id}",
            data={
                "institution_id": cmd.institution_id,
                "imported": result.imported,
                "already_present": result.already_present,
                "failed": result.failed,
                "error_file_sha256": result.error_file_sha256,
            },
        )
        await uow.commit()
    return ExpertImportReport(row.id, result)
