import pytest

from orgs.models import OrganisationAlias
from peacetracker.roles import DATA_OFFICERS, MODERATORS
from tests.factories import make_org

from .admin_steps import user_in
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


@pytest.fixture
def officer(db):
    """A data officer (may import, may not moderate) and a client logged in as them."""
    return user_in(DATA_OFFICERS, "dora")


@pytest.fixture
def moderator(db):
    return user_in(MODERATORS, "mona")


@pytest.fixture(autouse=True)
def upload_storage(settings, tmp_path):
    """The uploads of each test in a folder of its own, which goes with it."""
    settings.STORAGES = {
        **settings.STORAGES,
        "imports": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "uploads")},
        },
    }
    return tmp_path / "uploads"
