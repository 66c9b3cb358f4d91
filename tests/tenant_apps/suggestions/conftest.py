import pytest

from shared_apps.registry.models import Deputy
from shared_apps.registry.selectors import term_current
from tests.support.registry import seated_deputy


@pytest.fixture
def signers(congresses) -> list[Deputy]:
    """Nine more Huaxi deputies with accounts: with Yang, the ten a county motion needs (地方组织法 Art. 22)."""
    term = term_current(congresses["huaxi"])
    return [seated_deputy(n, term, f"signer{n}@example.org") for n in range(1, 10)]
