"""The OpenAPI schema names each body after its own serializer (issue 12, defect 6): no two serializers share a
component, so `POST /api/v1/units/` is documented with the unit's body and `GET /api/v1/notices/` with the
congress notices', not another module's of the same class name."""

import pytest
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator


@pytest.fixture(scope="module")
def schema(django_db_blocker):
    GENERATOR_STATS.reset()
    with django_db_blocker.unblock():
        generated = SchemaGenerator(urlconf="config.urls_tenant").get_schema(request=None, public=True)
    return generated, GENERATOR_STATS._warn_cache.copy() if hasattr(GENERATOR_STATS, "_warn_cache") else {}


def _ref(body) -> str:
    return body["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]


def test_no_two_serializers_share_a_component(schema):
    generated, warnings = schema
    assert not [w for w in warnings if "identical names" in str(w)]
    names = set(generated["components"]["schemas"])
    assert {"AssignmentUnitInputRequest", "UnitInputRequest", "MyNotice", "CongressNotice"} <= names


def test_each_endpoint_is_documented_with_its_own_body(schema):
    generated, _warnings = schema
    paths = generated["paths"]
    units = generated["components"]["schemas"][_ref(paths["/api/v1/units/"]["post"]["requestBody"])]
    assert "name" in units["properties"] and "role" not in units["properties"]
    listing = paths["/api/v1/notices/"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert "MyNotice" not in str(listing)
