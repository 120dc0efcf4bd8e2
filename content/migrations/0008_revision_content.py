from django.db import migrations, models

import content.models


class Migration(migrations.Migration):
    """A revision keeps its snapshot as one JSON document instead of an index of SnapshotParts.

    Three migrations, each its own transaction: this one adds the column, 0009 fills it from the
    parts, 0010 requires it and drops the parts (PostgreSQL refuses to alter a table in the
    transaction that updated its rows). `parts` may be empty from here on so that, going back,
    0010 can put the column back empty before 0009 fills it again from the documents.
    """

    dependencies = [
        ('content', '0007_search_key_ranking_index'),
    ]

    operations = [
        migrations.AddField(
            model_name='revision',
            name='content',
            field=models.JSONField(encoder=content.models.UnicodeJSONEncoder, null=True),
        ),
        migrations.AlterField(
            model_name='revision',
            name='parts',
            field=models.JSONField(null=True),
        ),
    ]
