"""The settings `make bench` and `make audit` run their commands with: the portal's own settings
plus this app, so that its management commands exist. Nothing else differs.

The gunicorn servers they measure are started with portal.settings itself (bench/servers.py), so
the figures are those of what ships.
"""

from portal.settings import *  # noqa: F403
from portal.settings import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "bench"]
