"""gunicorn serving the portal as production does, on a throwaway database, on 127.0.0.1 only.

A developer tool shared by `make bench`, `make audit` and the two-server test in
tests/test_production.py. The servers run the product's settings (portal.settings), never
bench.settings: what they serve is what ships.
"""

import contextlib
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from django.core.management.base import CommandError

ROOT = Path(settings.BASE_DIR)
# The liveness endpoint: the servers are up once it answers (and bench's trivial view).
TRIVIAL = "/health/live"
# What a browser sends: the pages' compression is part of what they cost.
ACCEPT_ENCODING = "gzip, deflate, br"
POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/portal_bench"
REDIS_URL = "redis://127.0.0.1:6379/0"


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect is an answer of its own here (an Infobutton link's), measured as wrk sees it."""

    def redirect_request(self, *args, **kwargs):
        return None


_OPENER = urllib.request.build_opener(_NoRedirects)


def fetch(url, timeout=30):
    request = urllib.request.Request(url, headers={"Accept-Encoding": ACCEPT_ENCODING})
    try:
        response = _OPENER.open(request, timeout=timeout)
    except urllib.error.HTTPError as error:  # 3xx (not followed) and 4xx/5xx alike
        return error.code, error.headers, error.read()
    with response:
        return response.status, response.headers, response.read()


class ProductionServer:
    """gunicorn with production settings on a throwaway database, on 127.0.0.1 only.

    `servers` separate gunicorn masters of `workers` processes each; with PostgreSQL and Redis
    they share one database and one cache, as separate machines do. Used by `bench`, `audit` and
    tests/test_production.py.
    """

    def __init__(self, postgres=False, servers=1, workers=2, log=sys.stderr):
        self.postgres, self.servers, self.workers, self.log = postgres, servers, workers, log
        self.workdir = Path(tempfile.mkdtemp(prefix="portal-bench-"))
        self.ports, self.processes = [], []
        env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_", "REDIS_"))}
        env |= {
            # The product's settings, not bench.settings the driver runs with: the figures are
            # those of what ships. Only the driver's own steps (bench_step) add the bench app.
            "DJANGO_SETTINGS_MODULE": "portal.settings",
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DJANGO_STATIC_MANIFEST": "1",
            "DJANGO_STATIC_ROOT": str(self.workdir / "static"),
            "DJANGO_LOG_LEVEL": "ERROR",
            # Plain HTTP on loopback: secure cookies would never come back.
            "DJANGO_SECURE_COOKIES": "0",
            "PYTHONDONTWRITEBYTECODE": "1",
        }
        if postgres:
            env["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL", POSTGRES_URL)
            env["REDIS_URL"] = os.environ.get("BENCH_REDIS_URL", REDIS_URL)
            # A prefix of its own: the run deletes its own keys, never anybody else's.
            env["CACHE_KEY_PREFIX"] = f"portal-bench-{secrets.token_hex(6)}"
        else:
            env["DATABASE_URL"] = f"sqlite:///{self.workdir / 'portal.sqlite3'}"
        self.env = env

    def manage(self, *args, capture=False, settings_module="portal.settings"):
        result = subprocess.run(
            [sys.executable, "manage.py", *args], cwd=ROOT, text=True, capture_output=True, timeout=900,
            env=self.env | {"DJANGO_SETTINGS_MODULE": settings_module},
        )
        if result.returncode != 0:
            raise CommandError(f"manage.py {' '.join(args)} failed:\n{result.stdout}{result.stderr}")
        return result.stdout if capture else None

    def bench_step(self, *args, capture=False):
        """`manage.py bench ...` in the servers' environment (their database and cache), with the
        bench app installed: the product's settings do not have the command."""
        return self.manage("bench", *args, capture=capture, settings_module="bench.settings")

    def _postgres_database(self, action):
        import psycopg

        parts = urlsplit(self.env["DATABASE_URL"])
        name = parts.path.lstrip("/")
        if not re.fullmatch(r"\w+", name) or name in {"postgres", "test"}:
            raise CommandError(f"refusing to {action} the database {name!r}: use a throwaway one")
        maintenance = urlunsplit(parts._replace(scheme="postgresql", path="/postgres"))
        with psycopg.connect(maintenance, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            if action == "create":
                connection.execute(f'CREATE DATABASE "{name}"')

    def prepare(self, draw_handouts=True):
        if self.postgres:
            self._postgres_database("create")
        self.manage("migrate", "--noinput", "-v", "0")
        self.manage("load_demo", "-v", "0")
        self.manage("render_content", "-v", "0")
        self.manage("collectstatic", "--noinput", "-v", "0")
        # No worker runs beside the servers: the PDFs a deployment's worker would have drawn after
        # the demo's publish are drawn here, once, before anything is measured.
        if draw_handouts:
            self.manage("warm_handouts", "-v", "0")
        return self

    def start(self):
        gunicorn = Path(sys.executable).with_name("gunicorn")
        self.ports = [free_port() for _ in range(self.servers)]
        for port in self.ports:
            self.processes.append(subprocess.Popen(
                [str(gunicorn), "portal.wsgi:application", "--bind", f"127.0.0.1:{port}",
                 "--workers", str(self.workers), "--worker-class", "sync", "--backlog", "2048",
                 "--graceful-timeout", "5", "--log-level", "warning"],
                cwd=ROOT, env=self.env, stdout=self.log, stderr=self.log, start_new_session=True,
            ))
        deadline = time.monotonic() + 60
        for port in self.ports:
            while True:
                try:
                    if fetch(f"http://127.0.0.1:{port}{TRIVIAL}", timeout=2)[0] == 200:
                        break
                except OSError:
                    pass
                if time.monotonic() > deadline:
                    raise CommandError(f"gunicorn on port {port} did not answer within 60 s")
                time.sleep(0.2)
        return self

    def stop(self):
        for process in self.processes:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        self.processes = []

    def restart(self):
        self.stop()
        self.delete_cache_keys()
        return self.start()

    def delete_cache_keys(self):
        if self.postgres:
            self.bench_step("--delete-own-cache-keys")

    def url(self, path, server=0):
        return f"http://127.0.0.1:{self.ports[server]}{path}"

    def close(self):
        self.stop()
        with contextlib.suppress(Exception):
            self.delete_cache_keys()
        if self.postgres:
            with contextlib.suppress(Exception):
                self._postgres_database("drop")
        shutil.rmtree(self.workdir, ignore_errors=True)

    def __enter__(self):
        try:
            return self.prepare().start()
        except BaseException:
            self.close()
            raise

    def __exit__(self, *exc):
        self.close()
