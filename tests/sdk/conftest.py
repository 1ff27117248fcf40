"""Black-box fixtures: the real `annohub` binary, driven by the official `imerit-ango` SDK.

One server per test session, on a free port and a temporary data directory (SQLite by default;
PostgreSQL when ANNOHUB_TEST_DATABASE_URL is set). Users and a second organization are made
with the admin CLI, exactly as an operator would.
"""

from __future__ import annotations

import os
import queue
import re
import signal
import subprocess
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import pytest
import requests
from imerit_ango.sdk import SDK

from helpers import unique

REPO_ROOT = Path(__file__).resolve().parents[2]
STARTUP_TIMEOUT_S = 60.0
SHUTDOWN_TIMEOUT_S = 40.0
CLI_TIMEOUT_S = 60.0

# Members of the admin's organization, one per project role, plus one never assigned anywhere.
ROLE_USERS = ("labeler", "reviewer", "lead", "manager")
MEMBER_DOMAIN = "members.example.com"


def binary_path() -> Path:
    path = Path(os.environ.get("ANNOHUB_BIN", "target/debug/annohub"))
    if not path.is_absolute():
        path = REPO_ROOT / path
    if not path.is_file():
        pytest.exit(f"annohub binary not found at {path}: run `cargo build -p annohub` "
                    "or set ANNOHUB_BIN", returncode=2)
    return path


def child_env() -> dict[str, str]:
    """The environment without ANNOHUB_* settings (but the log level), so only the flags we
    pass apply."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("ANNOHUB_") or k == "ANNOHUB_LOG"}
    env["NO_COLOR"] = "1"
    return env


@dataclass
class Server:
    """A running `annohub serve` and the admin CLI pointed at the same data."""

    binary: Path
    data_dir: Path
    database_url: str | None
    url: str = ""
    admin_key: str = ""
    process: subprocess.Popen | None = None
    stdout_lines: "queue.Queue[str | None]" = field(default_factory=queue.Queue)
    log_path: Path | None = None

    def data_args(self) -> list[str]:
        args = ["--data-dir", str(self.data_dir)]
        if self.database_url:
            args += ["--database-url", self.database_url]
        return args

    def cli(self, *args: str) -> str:
        """Runs an admin command and returns its single line of output."""
        result = subprocess.run(
            [str(self.binary), *args, *self.data_args()],
            capture_output=True, text=True, timeout=CLI_TIMEOUT_S, env=child_env(),
        )
        assert result.returncode == 0, (
            f"annohub {' '.join(args)} failed ({result.returncode}): {result.stderr}")
        lines = result.stdout.strip().splitlines()
        assert len(lines) == 1, f"annohub {' '.join(args)} printed {result.stdout!r}"
        return lines[0].strip()

    def start(self) -> None:
        env = child_env()
        bootstrap_key = os.environ.get("ANNOHUB_BOOTSTRAP_API_KEY")
        if bootstrap_key:
            env["ANNOHUB_BOOTSTRAP_API_KEY"] = bootstrap_key
        self.log_path = self.data_dir / "server.log"
        log = open(self.log_path, "wb")
        self.process = subprocess.Popen(
            [str(self.binary), "serve", "--listen", "127.0.0.1:0", *self.data_args()],
            stdout=subprocess.PIPE, stderr=log, stdin=subprocess.DEVNULL, env=env, text=True,
        )
        log.close()
        threading.Thread(target=self._pump_stdout, daemon=True).start()

        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        while not self.url:
            line = self._next_line(deadline)
            if m := re.match(r"admin API key: (\S+)$", line):
                self.admin_key = m.group(1)
            elif m := re.match(r"annohub listening on (http://\S+)$", line):
                self.url = m.group(1).rstrip("/")
        if bootstrap_key:
            self.admin_key = bootstrap_key
        assert self.admin_key, "the server did not print an admin API key (database not empty?)"
        self._wait_healthy(deadline)

    def _pump_stdout(self) -> None:
        assert self.process and self.process.stdout
        for line in self.process.stdout:
            self.stdout_lines.put(line.rstrip("\n"))
        self.stdout_lines.put(None)

    def _next_line(self, deadline: float) -> str:
        try:
            line = self.stdout_lines.get(timeout=max(0.0, deadline - time.monotonic()))
        except queue.Empty:
            self.stop(check=False)
            raise AssertionError(f"annohub did not start in {STARTUP_TIMEOUT_S}s\n{self.log()}")
        if line is None:
            code = self.process.wait() if self.process else None
            raise AssertionError(f"annohub exited during start (code {code})\n{self.log()}")
        return line

    def _wait_healthy(self, deadline: float) -> None:
        last_error: object = None
        while time.monotonic() < deadline:
            try:
                response = requests.get(f"{self.url}/healthz", timeout=2)
                if response.status_code == 200:
                    return
                last_error = response.status_code
            except requests.RequestException as e:
                last_error = e
            assert self.process and self.process.poll() is None, f"annohub exited\n{self.log()}"
            time.sleep(0.05)
        raise AssertionError(f"/healthz not ready in time ({last_error})\n{self.log()}")

    def stop(self, check: bool = True) -> int | None:
        if not self.process or self.process.poll() is not None:
            return self.process.returncode if self.process else None
        self.process.send_signal(signal.SIGTERM)
        try:
            code = self.process.wait(timeout=SHUTDOWN_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            if check:
                raise AssertionError(f"annohub ignored SIGTERM for {SHUTDOWN_TIMEOUT_S}s")
            return None
        if check:
            assert code == 0, f"annohub exited with {code} after SIGTERM\n{self.log()}"
        return code

    def log(self) -> str:
        if self.log_path and self.log_path.exists():
            return "--- server log (tail) ---\n" + "\n".join(
                self.log_path.read_text(errors="replace").splitlines()[-60:])
        return ""


@dataclass
class Hub:
    """What the tests get: the server URL, keys by user, org ids, and an SDK factory."""

    server: Server
    org_id: str
    other_org_id: str
    keys: dict[str, str]
    emails: dict[str, str]

    @property
    def url(self) -> str:
        return self.server.url

    def sdk(self, user: str = "admin", host: str | None = None) -> SDK:
        return SDK(self.keys[user], host=host or self.url)

    def new_org(self, prefix: str = "org") -> tuple[str, SDK, Callable[[str, str], SDK]]:
        """A brand-new organization with its own admin: (org id, admin SDK, add_user(email, role))."""
        org_id = self.server.cli("org", "create", "--name", unique(prefix))
        admin_email = f"admin-{uuid.uuid4().hex[:8]}@{prefix}.example.com"
        admin_key = self.server.cli("user", "create", "--org", org_id, "--email", admin_email,
                                    "--role", "admin")

        def add_user(email: str, role: str = "member") -> SDK:
            key = self.server.cli("user", "create", "--org", org_id, "--email", email,
                                  "--role", role)
            return SDK(key, host=self.url)

        return org_id, SDK(admin_key, host=self.url), add_user


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory):
    srv = Server(binary=binary_path(), data_dir=tmp_path_factory.mktemp("annohub-data"),
                 database_url=os.environ.get("ANNOHUB_TEST_DATABASE_URL") or None)
    srv.start()
    try:
        yield srv
    finally:
        srv.stop(check=True)


@pytest.fixture(scope="session")
def hub(server: Server) -> Hub:
    admin = SDK(server.admin_key, host=server.url)
    # The bootstrap organization's id is not printed; read it off a throw-away project.
    probe = admin.create_project(unique("org-probe"))["data"]["project"]
    org_id = probe["organization"]
    admin.delete_project(probe["_id"])

    keys = {"admin": server.admin_key}
    emails = {"admin": probe["owner"]}
    for user in (*ROLE_USERS, "outsider"):
        emails[user] = f"{user}@{MEMBER_DOMAIN}"
        keys[user] = server.cli("user", "create", "--org", org_id, "--email", emails[user],
                                "--role", "member")

    other_org_id = server.cli("org", "create", "--name", "Other Org")
    emails["other"] = "admin@other.example.com"
    keys["other"] = server.cli("user", "create", "--org", other_org_id, "--email",
                               emails["other"], "--role", "admin")
    assert other_org_id != org_id
    return Hub(server=server, org_id=org_id, other_org_id=other_org_id, keys=keys, emails=emails)


@pytest.fixture
def admin(hub: Hub) -> SDK:
    return hub.sdk("admin")


@pytest.fixture
def project(admin: SDK) -> dict:
    """A fresh project owned by the bootstrap admin."""
    return admin.create_project(unique("proj"), "made by a test")["data"]["project"]
