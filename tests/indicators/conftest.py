"""The points world (two institutions in 西湖区 and 钱塘区) with the REST client."""

from tests.api.conftest import api  # noqa: F401  (fixture)
from tests.organisation.conftest import org, regions, registry  # noqa: F401  (fixtures)
from tests.points.conftest import points  # noqa: F401  (fixture)
