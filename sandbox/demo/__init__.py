"""Demo data for `make run`: each flow registers a seed here, run in order after migration.

Seeds are idempotent: with its own database the demo starts afresh, but pointed at an existing database
(KEZHUAN_DATABASE_URL) starting it again keeps the data that is there.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from handlers.clock import Clock
from handlers.demands.policy import DemandPolicy
from handlers.expert_push.policy import ExpertPushPolicy
from handlers.files.ports import FileStorage
from handlers.membership.policy import MembershipPolicy
from sandbox.state import SandboxState
from store.uow import UnitOfWork


@dataclass(frozen=True)
class DemoContext:
    sandbox: SandboxState
    clock: Clock
    uow: Callable[[], UnitOfWork]
    membership: MembershipPolicy
    demands: DemandPolicy  # the review cards' 查看详情 link (the hosted workbench in sandbox mode)
    files: FileStorage | None = None  # seeds that upload (a project's contract) need it
    expert_push: ExpertPushPolicy | None = None  # the official account's push settings, when one is configured


DemoSeed = Callable[[DemoContext], Awaitable[None]]
_SEEDS: list[tuple[int, str, DemoSeed]] = []


def demo_seed(name: str, *, order: int) -> Callable[[DemoSeed], DemoSeed]:
    def register(seed: DemoSeed) -> DemoSeed:
        _SEEDS.append((order, name, seed))
        return seed

    return register


def seeds() -> list[tuple[str, DemoSeed]]:
    import sandbox.demo.demands  # noqa: F401
    import sandbox.demo.digest  # noqa: F401
    import sandbox.demo.expert_pages  # noqa: F401
    import sandbox.demo.expert_push  # noqa: F401
    import sandbox.demo.indicators  # noqa: F401
    import sandbox.demo.organisation  # noqa: F401
    import sandbox.demo.people  # noqa: F401  (each flow's seed module registers itself on import)

    return [(name, seed) for _order, name, seed in sorted(_SEEDS, key=lambda s: (s[0], s[1]))]


async def load_demo(context: DemoContext) -> list[str]:
    loaded = []
    for name, seed in seeds():
        await seed(context)
        loaded.append(name)
    return loaded
