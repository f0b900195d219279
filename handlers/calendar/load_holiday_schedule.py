"""The system admin loads a year's holiday schedule (the State Council notice's dates) for every instance.

Stored in the database (a later load of the same year replaces it, also over a shipped year's file) and
recorded in the year's audit chain with the file's digest and source. Each instance's calendar picks it up when
it refreshes (at start, before each reminder run, and at once on the instance that loaded it).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from handlers.calendar.schedule import HolidaySchedule, parse_schedule
from handlers.organisation.actors import load_actor, require_system_admin
from store.models.calendar import HolidayScheduleRecord
from store.uow import UnitOfWork

# How the command line appears in audit entries: whoever can run it holds the server's credentials.
COMMAND_LINE = "cli"


@dataclass(frozen=True)
class LoadHolidaySchedule:
    content: object
    # None: the operator's command line (`kezhuan calendar load`); otherwise a system admin's account.
    actor_id: int | None


@dataclass(frozen=True)
class HolidayScheduleLoaded:
    year: int
    holidays: int
    workdays: int
    digest: str
    replaced: bool


async def load_holiday_schedule(cmd: LoadHolidaySchedule, uow: UnitOfWork) -> HolidayScheduleLoaded:
    async with uow:
        if cmd.actor_id is None:
            actor = COMMAND_LINE
        else:
            loaded_by = await load_actor(uow, cmd.actor_id)
            require_system_admin(loaded_by)
            actor = loaded_by.label
        schedule = parse_schedule(cmd.content)
        # The year's row lock orders two loads of one year and their entries in the year's audit chain.
        record = await uow.session.scalar(
            select(HolidayScheduleRecord).where(HolidayScheduleRecord.year == schedule.year).with_for_update()
        )
        replaced = record is not None
        if record is None:
            record = HolidayScheduleRecord(year=schedule.year)
            uow.session.add(record)
        elif record.digest == schedule.digest:
            return _loaded(schedule, replaced=False)  # the same file again: nothing changes, nothing recorded
        record.content = schedule.as_json()
        record.digest = schedule.digest
        record.loaded_by = actor
        record.loaded_at = uow.clock.now()
        uow.record(
            "holiday_schedule",
            schedule.year,
            "replaced" if replaced else "loaded",
            actor=actor,
            data={
                "digest": schedule.digest,
                "source": schedule.source.as_json(),
                "holidays": len(schedule.holidays),
                "workdays": len(schedule.workdays),
            },
        )
        await uow.commit()
    return _loaded(schedule, replaced=replaced)


def _loaded(schedule: HolidaySchedule, *, replaced: bool) -> HolidayScheduleLoaded:
    return HolidayScheduleLoaded(
        schedule.year, len(schedule.holidays), len(schedule.workdays), schedule.digest, replaced
    )
