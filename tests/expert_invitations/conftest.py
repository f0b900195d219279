"""The organisation fixtures (a system admin, regions, the sandbox registry) for invitation tests."""

from tests.organisation.conftest import org, regions, registry  # noqa: F401  (fixtures)
