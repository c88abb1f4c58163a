"""Whatever a reader types, search answers a page, never an error, and never shows unpublished content."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from search.selectors import search_run
from tests.factories import make_meeting, make_org, make_person
from tests.i18n.conftest import url

pytestmark = pytest.mark.django_db

FTS_SYNTAX = ['"', "*", "NEAR", "NEAR(", "-", ")", "(", "AND", "OR", "NOT", ":", "^", "+", "'", "%"]
BURMESE = "ကခဂဃငစဆဇညတထဒနပဖဗဘမယရလဝသဟဠအါာိီုူေဲံ့း္်ျြွှ"

queries = st.lists(
    st.one_of(
        st.sampled_from(FTS_SYNTAX),
        st.text(alphabet=BURMESE, max_size=6),
        st.text(max_size=12),
        st.sampled_from(["kachin", "secret", "KIA", "ဂွမ်မော်", "Gun Maw"]),
    ),
    max_size=6,
).map(" ".join)


@pytest.fixture
def content(db):
    kio = make_org(name="Kachin Independence Organisation", name_my="ကချင်လွတ်မြောက်ရေးအဖွဲ့", acronym="KIO")
    make_person(name="Gun Maw", name_my="ဂွမ်မော်")
    make_meeting(kio, place="Secret draft meeting place", status="draft")
    make_org(name="Secret draft army", status="draft")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(q=queries, language=st.sampled_from(["en", "my"]))
def test_any_query_gives_a_page_without_unpublished_content(client, content, q, language):
    response = client.get(url("search", language), {"q": q[:200]})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Secret draft" not in page


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(q=st.text(max_size=40), year=st.one_of(st.none(), st.integers(1900, 2100)))
def test_the_service_takes_any_text(content, q, year):
    results = search_run(q, year=year)
    assert results.total >= 0
