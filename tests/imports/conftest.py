import pytest

from orgs.models import OrganisationAlias
from tests.factories import make_org

from .files import acled_file


@pytest.fixture
def orgs(db):
    """The KIA and the military, known by the names ACLED writes them with through an alias."""
    kia = make_org(name="Kachin Independence Army", acronym="KIA", slug="kia-test")
    military = make_org(name="Tatmadaw", slug="tatmadaw-test", kind="government")
    OrganisationAlias.objects.create(organisation=military, name="Military Forces of Myanmar")
    return kia, military


@pytest.fixture
def small_file():
    return acled_file()
