"""The three roles as groups: Editor, Translator, Clinical reviewer (see content/roles.py)."""

from django.db import migrations

VIEW = ["view_procedure", "view_section", "view_question", "view_citation", "view_clinic"]
GROUPS = {
    "Editor": VIEW + [
        "add_procedure", "change_procedure", "edit_english",
        "add_section", "change_section", "delete_section",
        "add_question", "change_question", "delete_question",
        "add_citation", "change_citation", "delete_citation",
        "change_clinic",
    ],
    "Translator": VIEW + [
        "change_procedure", "change_section", "change_question", "change_clinic",
        "edit_arabic", "check_translation",
    ],
    # Reviewers open the change page to publish; with neither edit permission its texts are
    # read-only for them.
    "Clinical reviewer": VIEW + ["change_procedure", "publish_procedure", "check_translation"],
}


def create_groups(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after all migrations; the groups need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    group_model = apps.get_model("auth", "Group")
    permission_model = apps.get_model("auth", "Permission")
    for name, codenames in GROUPS.items():
        group, _created = group_model.objects.get_or_create(name=name)
        group.permissions.set(
            permission_model.objects.filter(content_type__app_label="content", codename__in=codenames)
        )


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=GROUPS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("content", "0002_publishing_versions"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
