import pytest
from django.core.management import call_command


@pytest.fixture
def seed(db):
    """The published KIO/KIA profile from fixtures/, loaded into the test database."""
    call_command("load_seed", verbosity=0)
