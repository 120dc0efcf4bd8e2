from django.db import migrations, models

import content.models


class Migration(migrations.Migration):
    """Every revision has its document (0009): it is required, and the parts go. Going back, the
    parts come back empty and 0009 writes them again from the documents."""

    dependencies = [
        ('content', '0009_revision_content_from_parts'),
    ]

    operations = [
        migrations.AlterField(
            model_name='revision',
            name='content',
            field=models.JSONField(encoder=content.models.UnicodeJSONEncoder),
        ),
        migrations.RemoveField(
            model_name='revision',
            name='parts',
        ),
        migrations.DeleteModel(
            name='SnapshotPart',
        ),
    ]
