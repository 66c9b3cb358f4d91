"""A congress's front page shows what is new (最新动态: the modules' latest public answers), not only what the
modules are."""

from tenant_apps.suggestions.models import Status
from tenant_apps.suggestions.publication import suggestion_publish
from tests.support.suggestions import World


def test_the_front_page_shows_the_latest_published_answers(world: World, client_for):
    empty = client_for(None, "huaxi").get("/").content.decode()
    assert "最新动态" in empty and "暂无公开的答复" in empty
    with world.huaxi:
        item = world.drive(Status.CLOSED)
        suggestion_publish(access=world.as_("zhang"), suggestion=item, hidden=[])
        unpublished = world.drive(Status.CLOSED)
    html = client_for(None, "huaxi").get("/").content.decode()
    assert f'href="/suggestions/public/{item.pk}/"' in html and item.title in html
    assert f"/suggestions/public/{unpublished.pk}/" not in html
    assert item.title not in client_for(None, "qingyan").get("/").content.decode()  # Huaxi's news only
