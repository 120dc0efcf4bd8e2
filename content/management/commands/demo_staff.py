"""Create the local demo staff account, with a generated password printed once."""

import secrets

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

USERNAME = "demo-staff"


class Command(BaseCommand):
    help = (
        f"Create a superuser '{USERNAME}' for local use with a freshly generated password, or "
        "with --reset give the existing one a new password. Refuses to run with DEBUG off."
    )

    def add_arguments(self, parser):
        parser.add_argument("--reset", action="store_true", help="Generate a new password.")

    def handle(self, reset, **options):
        from django.conf import settings

        if not settings.DEBUG:
            raise CommandError(
                "demo_staff is for local development only (DJANGO_DEBUG=1). "
                "In production use: python manage.py createsuperuser"
            )
        users = get_user_model()
        user = users.objects.filter(username=USERNAME).first()
        if user and not reset:
            self.stdout.write(
                f"Admin account '{USERNAME}' exists. Forgot its password? Run: "
                "make reset-staff-password (or: python manage.py demo_staff --reset)"
            )
            return
        password = secrets.token_urlsafe(12)
        if user is None:
            user = users.objects.create_superuser(USERNAME, email="", password=password)
        else:
            user.set_password(password)
            user.save(update_fields=["password"])
        self.stdout.write(self.style.SUCCESS(
            f"Admin account for this machine: user '{USERNAME}', password '{password}' "
            "(shown only now)."
        ))
