"""Create local demo accounts, one per role, with generated passwords printed once."""

import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError

from content.editing import roles
from content.editing.models import StaffProfile

# (username, first name, last name, group or None for a superuser, clinical role en/ar)
ACCOUNTS = [
    ("demo-staff", "Demo", "Administrator", None,
     "Demo account, not a clinician", "حساب تجريبي، وليس طبيبًا"),
    ("demo-editor", "Demo", "Editor", roles.EDITOR, "", ""),
    ("demo-translator", "Demo", "Translator", roles.TRANSLATOR, "", ""),
    ("demo-reviewer", "Demo", "Reviewer", roles.CLINICAL_REVIEWER,
     "Demo clinical reviewer, not a real clinician", "مراجع سريري تجريبي، وليس طبيبًا حقيقيًا"),
]


class Command(BaseCommand):
    help = (
        "Create local accounts to try the admin: demo-staff (superuser), demo-editor, "
        "demo-translator and demo-reviewer, each with a freshly generated password; with --reset "
        "give the existing ones new passwords. Refuses to run with DEBUG off."
    )

    def add_arguments(self, parser):
        parser.add_argument("--reset", action="store_true", help="Generate new passwords.")

    def handle(self, reset, **options):
        from django.conf import settings

        if not settings.DEBUG:
            raise CommandError(
                "demo_staff is for local development only (DJANGO_DEBUG=1). "
                "In production use: python manage.py createsuperuser, then add staff to the "
                "Editor, Translator and Clinical reviewer groups in the admin."
            )
        users = get_user_model()
        created = []
        for username, first, last, group, role_en, role_ar in ACCOUNTS:
            user = users.objects.filter(username=username).first()
            if user and not reset:
                continue
            password = secrets.token_urlsafe(12)
            if user is None:
                fields = {"first_name": first, "last_name": last}
                if group is None:
                    user = users.objects.create_superuser(username, "", password, **fields)
                else:
                    user = users.objects.create_user(username, "", password, is_staff=True, **fields)
                    user.groups.add(Group.objects.get(name=group))
                if role_en:
                    StaffProfile.objects.create(user=user, role_en=role_en, role_ar=role_ar)
            else:
                user.set_password(password)
                user.save(update_fields=["password"])
            created.append((username, group or "superuser", password))
        if not created:
            self.stdout.write(
                "Demo accounts exist (demo-staff, demo-editor, demo-translator, demo-reviewer). "
                "Forgot a password? Run: make reset-staff-password"
            )
            return
        self.stdout.write(self.style.SUCCESS("Admin accounts for this machine (passwords shown only now):"))
        for username, role, password in created:
            self.stdout.write(f"  {username:<16} {role:<18} password: {password}")
