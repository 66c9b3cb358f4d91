"""Every congress has its online liaison station (网上联络站) from the start: created in the template schema,
it is cloned into each new congress. Offices rename it and fill in its details."""

from django.db import migrations


def create_online_station(apps, schema_editor):
    Station = apps.get_model("liaison", "Station")
    Station.objects.get_or_create(
        code="online",
        defaults={"kind": "online", "name": "网上代表联络站", "introduction": "随时随地给人大代表留言。"},
    )


class Migration(migrations.Migration):
    dependencies = [("liaison", "0001_initial")]

    operations = [migrations.RunPython(create_online_station, migrations.RunPython.noop)]
