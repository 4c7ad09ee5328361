"""A trainer (admin access, group 培训负责人) makes a custom path in the admin, in order."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import make_user
from training.models import PathItem, ReadingPath
from training.roles import TRAINERS

pytestmark = pytest.mark.django_db


@pytest.fixture
def coach(db):
    return make_user("coach-admin", TRAINERS, is_staff=True)


def test_a_trainer_adds_a_path_with_its_procedures_in_order(coach, births):
    client = Client()
    client.force_login(coach)
    url = reverse("admin:training_readingpath_add")
    page = client.get(url)
    assert page.status_code == 200
    # The procedures can be picked by a trainer, who has no rights on procedures in the admin.
    for version in births:
        assert version.title in page.content.decode()
    data = {
        "name": "新人第二周",
        "description": "",
        "items-TOTAL_FORMS": "2",
        "items-INITIAL_FORMS": "0",
        "items-MIN_NUM_FORMS": "0",
        "items-MAX_NUM_FORMS": "1000",
        "items-0-position": "2",
        "items-0-procedure": str(births[0].procedure.pk),
        "items-1-position": "1",
        "items-1-procedure": str(births[1].procedure.pk),
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    path = ReadingPath.objects.get(name="新人第二周")
    assert path.created_by == coach
    items = PathItem.objects.filter(path=path)
    assert [item.procedure for item in items] == [births[1].procedure, births[0].procedure]


def test_the_manage_page_links_to_new_path_and_to_practice(coach):
    client = Client()
    client.force_login(coach)
    html = client.get(reverse("training:manage")).content.decode()
    assert "新建学习路径" in html
    assert reverse("admin:training_readingpath_add") in html
    assert reverse("practice:team") in html
    assert reverse("practice:questions") in html
