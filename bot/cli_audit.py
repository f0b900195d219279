"""`kezhuan audit verify|checkpoint`."""

from __future__ import annotations

import asyncio

import click

from bot.bootstrap import build_container
from bot.settings import Settings
from handlers.audit.anchor_audit_heads import AnchorNotWritten, anchor_audit_heads
from handlers.audit.verify_audit_chain import verify_audit_chain
from store.audit.verify import VerifyReport


@click.group()
def audit() -> None:
    """The audit chain (留痕存证)."""


@audit.command("verify")
@click.pass_obj
def verify_command(settings: Settings) -> None:
    """Recompute every chain; exit 1 naming the first tampered entry, 2 when an anchor could not be compared."""

    async def run() -> VerifyReport:
        container = await build_container(settings)
        try:
            return await verify_audit_chain(container.uow(), container.anchors)
        finally:
            await container.aclose()

    report = asyncio.run(run())
    findings = report.findings or []
    click.echo(f"compared with the anchors in: {', '.join(report.compared) or 'none'}")
    for name in report.unreadable:
        click.echo(f"not readable back (compare by hand): {name}")
    if not findings and report.incomplete:
        click.echo(
            f"audit chain INCOMPLETE: intact in the database ({report.chains} chains, {report.entries} "
            f"entries, {report.checkpoints} checkpoints), but not every anchor could be compared"
        )
        for reason in report.incomplete:
            click.echo(f"  {reason}")
        raise SystemExit(2)
    if not findings:
        click.echo(
            f"audit chain intact: {report.chains} chains, {report.entries} entries, {report.checkpoints} checkpoints"
        )
        return
    click.echo(f"audit chain BROKEN: {len(findings)} finding(s); first: {findings[0].describe()}")
    for finding in findings:
        click.echo(f"  {finding.describe()}")
    for reason in report.incomplete:
        click.echo(f"  not compared: {reason}")
    raise SystemExit(1)


@audit.command("checkpoint")
@click.pass_obj
def checkpoint_command(settings: Settings) -> None:
    """Anchor the current chain heads now (the scheduler also does this periodically)."""

    async def run() -> None:
        container = await build_container(settings)
        try:
            anchor = await anchor_audit_heads(container.uow(), container.anchors)
        except AnchorNotWritten as failed:
            click.echo(f"checkpoint {failed.anchor.seq} {failed.anchor.hash}")
            for name, exc in failed.failures:
                click.echo(f"NOT anchored in {name}: {exc}")
            raise SystemExit(1) from failed
        finally:
            await container.aclose()
        click.echo(f"checkpoint {anchor.seq} {anchor.hash}" if anchor else "nothing moved since the last checkpoint")

    asyncio.run(run())
