"""End to end: a real nginx in front of gunicorn with PROXY_HOPS=1, as deployed.

nginx appends the address each connection really comes from to X-Forwarded-For, so clients
that must look different to it connect from different loopback addresses (127.0.0.2, .3, .4).
"""
import http.client
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

import pyotp
import pytest
import sqlalchemy as sa

from tests.conftest import secret_on_setup_page
from tests.mail_fixtures import free_port

ROOT = Path(__file__).resolve().parent.parent
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
ADMIN_EMAIL, ADMIN_PASSWORD = "jefa@example.org", "una frase muy segura"
CLIENT_A, CLIENT_B, DIRECT = "127.0.0.2", "127.0.0.3", "127.0.0.4"

NGINX_CONF = """\
worker_processes 1;
{user}
pid {tmp}/nginx.pid;
error_log {tmp}/nginx-error.log;
events {{ worker_connections 64; }}
http {{
    access_log {tmp}/nginx-access.log;
    client_body_temp_path {tmp}/nginx-body;
    proxy_temp_path {tmp}/nginx-proxy;
    fastcgi_temp_path {tmp}/nginx-fastcgi;
    uwsgi_temp_path {tmp}/nginx-uwsgi;
    scgi_temp_path {tmp}/nginx-scgi;
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_pass http://127.0.0.1:{upstream};
        }}
    }}
}}
"""


class Client:
    """A client on its own loopback source address that keeps its cookies, like a browser."""

    def __init__(self, port: int, source: str):
        self.port, self.source = port, source
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, form: dict | None = None,
                headers: dict | None = None) -> tuple[int, str]:
        """Send one request; return the status and the body."""
        sent = {"Accept-Language": "es", **(headers or {})}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form)
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=15,
                                                source_address=(self.source, 0))
        try:
            connection.request(method, path, body, sent)
            response = connection.getresponse()
            text = response.read().decode()
            for header in response.headers.get_all("Set-Cookie") or []:
                jar = SimpleCookie()
                jar.load(header)
                self.cookies.update({name: morsel.value for name, morsel in jar.items()})
            return response.status, text
        finally:
            connection.close()

    def csrf_token(self, path: str = "/login") -> str:
        """Fetch a page and return its form's CSRF token."""
        status, html = self.request("GET", path)
        assert status == 200, (path, status)
        return re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', html).group(1)

    def log_in(self, email: str, password: str, token: str, headers: dict | None = None) -> int:
        """Post the login form; return the status."""
        form = {"email": email, "password": password, "csrf_token": token}
        return self.request("POST", "/login", form, headers)[0]

    def enrol(self) -> int:
        """Set up the second step (a new admin must, first) with the code for the key the page
        shows; return the status."""
        _, html = self.request("GET", "/account/two-step/setup")
        form = {"code": pyotp.TOTP(secret_on_setup_page(html)).now(),
                "csrf_token": self.csrf_token("/account/two-step/setup")}
        return self.request("POST", "/account/two-step/setup", form)[0]


def _wait_for_port(port: int, process: subprocess.Popen, log: Path, deadline: float) -> None:
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"exited with {process.returncode}:\n{log.read_text()[-3000:]}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.1)
    pytest.fail(f"port {port} never opened:\n{log.read_text()[-3000:]}")


def _stop(processes: list[subprocess.Popen]) -> None:
    """Stop quickly and together: SIGINT is gunicorn's quick shutdown, SIGTERM nginx's."""
    for process in processes:
        if process.poll() is None:
            process.send_signal(signal.SIGINT if "gunicorn" in process.args else signal.SIGTERM)
    for process in processes:
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


def _app_env(tmp: Path, public_port: int) -> dict:
    """The environment of a deployment behind one proxy, everything kept in `tmp`."""
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("MAIL_", "REDIS_", "JOBS_", "PROXY_", "BACKUP_"))}
    return env | {
        "YAG_CONFIG": "development", "YAG_INSTANCE_DIR": str(tmp),
        "DATABASE_URL": f"sqlite:///{tmp / 'app.sqlite'}",
        "SECRET_KEY": secrets.token_urlsafe(48), "PROXY_HOPS": "1",
        "PUBLIC_BASE_URL": f"http://127.0.0.1:{public_port}",
        "MAIL_FILE_PATH": str(tmp / "mail"), "JOBS_SQLITE_FILE": str(tmp / "jobs.sqlite"),
    }


# `flask db upgrade` then `flask create-admin`, in one process: each start costs seconds.
PREPARE = f"""
from wsgi import app
runner = app.test_cli_runner()
for args, text in ((["db", "upgrade"], None),
                   (["create-admin", "--email", "{ADMIN_EMAIL}", "--name", "Jefa"],
                    "{ADMIN_PASSWORD}\\n{ADMIN_PASSWORD}\\n")):
    with app.app_context():  # as `flask` pushes one
        result = runner.invoke(args=args, input=text)
    assert result.exit_code == 0, (args, result.output, result.exception)
"""


def _prepare_database(env: dict) -> None:
    # S603: a fixed argument list, no shell, no user input.
    result = subprocess.run([sys.executable, "-c", PREPARE], cwd=ROOT, env=env,  # noqa: S603
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    """gunicorn (2 workers, PROXY_HOPS=1) on a migrated SQLite file, nginx in front of it."""
    if not os.path.exists(NGINX):
        if os.environ.get("REQUIRE_E2E") == "1":
            pytest.fail(f"REQUIRE_E2E=1 but nginx is not installed ({NGINX})")
        pytest.skip("nginx is not installed (apt-get install nginx)")
    tmp = tmp_path_factory.mktemp("proxy")
    gunicorn_port, nginx_port = free_port(), free_port()
    env = _app_env(tmp, nginx_port)
    (tmp / "nginx.conf").write_text(NGINX_CONF.format(
        tmp=tmp, port=nginx_port, upstream=gunicorn_port,
        user="user root;" if os.geteuid() == 0 else ""))
    processes = []
    try:
        gunicorn_log = tmp / "gunicorn.log"
        gunicorn_log.touch()
        # --preload: the app is imported before the port opens, so an open port means ready.
        # S603: a fixed argument list, no shell, no user input.
        processes.append(subprocess.Popen(  # noqa: S603
            [sys.executable, "-m", "gunicorn", "--no-control-socket", "--preload",
             "--workers", "2", "--bind", f"127.0.0.1:{gunicorn_port}",
             "--error-logfile", str(gunicorn_log), "wsgi:app"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        _prepare_database(env)  # while gunicorn imports the app, which needs no database yet
        nginx_log = tmp / "nginx-error.log"
        # S603: a fixed argument list, no shell, no user input.
        processes.append(subprocess.Popen(  # noqa: S603
            [NGINX, "-p", str(tmp), "-c", str(tmp / "nginx.conf"), "-e", str(nginx_log),
             "-g", "daemon off;"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        deadline = time.monotonic() + 30
        _wait_for_port(gunicorn_port, processes[0], gunicorn_log, deadline)
        _wait_for_port(nginx_port, processes[1], nginx_log, deadline)
        engine = sa.create_engine(env["DATABASE_URL"])
        yield {"nginx": nginx_port, "gunicorn": gunicorn_port, "engine": engine}
        engine.dispose()
    finally:
        _stop(processes)


def _login_failures(engine) -> Counter:
    with engine.connect() as conn:
        return Counter(conn.scalars(sa.text("SELECT address FROM login_failures")))


def test_through_nginx_each_client_is_throttled_and_audited_on_its_own(stack):
    """Do 20 bad logins from client A (sending its own X-Forwarded-For) leave client B free
    to log in, with each one's real address in the failure ledger and the audit trail; and
    is a forged X-Forwarded-For sent straight to gunicorn counted against the real sender?"""
    a = Client(stack["nginx"], CLIENT_A)
    token = a.csrf_token()
    forged = {"X-Forwarded-For": "198.51.100.1"}
    statuses = [a.log_in(f"azar{n}@example.org", "no es la clave", token, forged)
                for n in range(20)]
    assert statuses == [200] * 20
    assert a.log_in("azar@example.org", "no es la clave", token, forged) == 429
    assert _login_failures(stack["engine"]) == {CLIENT_A: 20}

    b = Client(stack["nginx"], CLIENT_B)
    assert b.log_in(ADMIN_EMAIL, ADMIN_PASSWORD, b.csrf_token(),
                    {"Host": "evil.example.com"}) == 302
    assert b.enrol() == 200
    # The new address is shown once, in the response that made it (only its hash is kept).
    status, page = b.request("POST", "/workshops/feed/regenerate",
                             {"csrf_token": b.csrf_token("/workshops/feed")},
                             {"Host": "evil.example.com"})
    assert status == 200
    with stack["engine"].connect() as conn:
        audited = conn.scalar(sa.text(
            "SELECT address FROM audit_events WHERE action = 'calendar_feed.regenerate'"))
    assert audited == CLIENT_B
    # Links follow PUBLIC_BASE_URL (nginx's port), not gunicorn's port or a forged Host.
    feed_url = re.search(r'id="feed-url" value="([^"]+)"', page).group(1)
    assert feed_url.startswith(f"http://127.0.0.1:{stack['nginx']}/feeds/")

    direct = Client(stack["gunicorn"], DIRECT)
    assert direct.log_in("azar@example.org", "no es la clave", direct.csrf_token(),
                         {"X-Forwarded-For": "198.51.100.99"}) == 200
    assert _login_failures(stack["engine"]) == {CLIENT_A: 20, DIRECT: 1}
