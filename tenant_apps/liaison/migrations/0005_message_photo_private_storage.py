# MessagePhoto.file named its storage by the bare string "private", which Django 5.2 does not resolve
# (FileField takes a storage or a callable): point it at the lazy private storage instead.

import tenant_apps.liaison.models
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("liaison", "0004_digest_sent"),
    ]

    operations = [
        migrations.AlterField(
            model_name="messagephoto",
            name="file",
            field=models.FileField(
                max_length=300, storage=tenant_apps.liaison.models.get_private_storage, upload_to="liaison/%Y/%m/"
            ),
        ),
    ]
