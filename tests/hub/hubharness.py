"""A throwaway JupyterHub on loopback for the hub test and ``benchmarks/bench_hub.py``.

:class:`LocalHub` writes a ``jupyterhub_config.py`` into a temporary folder and starts JupyterHub
with configurable-http-proxy, ``SimpleLocalProcessSpawner`` (homes under the folder; every server
runs as the user running the test: **no isolation**, fine for a test, never for a class) and the
dummy authenticator with one shared password. A service token with admin scopes drives the REST
API. :meth:`LocalHub.stop` stops every process the hub started (servers, kernels, proxy).
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import psutil
import requests
import websocket

__all__ = ["HubError", "LocalHub", "chp_command", "free_port", "make_course_repo"]

SHARED_PASSWORD = "mscpso-class-password"


class HubError(RuntimeError):
    """The local hub did not do what was asked; the message says what and shows its log."""


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that is free right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def chp_command() -> str | None:
    """Return the configurable-http-proxy executable, or None when it is not installed."""
    return shutil.which("configurable-http-proxy")


def _git(*args: str, cwd: Path | None = None) -> str:
    env = {**os.environ, "GIT_TERMINAL_PROMPT": "0"}
    done = subprocess.run(
        ["git", "-c", "user.name=Teacher", "-c", "user.email=teacher@example.invalid", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    if done.returncode != 0:
        raise HubError(f"git {' '.join(args)} failed: {done.stderr.strip()}")
    return done.stdout


def make_course_repo(source: Path, folder: Path) -> tuple[Path, Path]:
    """Make a teacher's course repository from ``source`` (lessons/, quizzes/) and a bare remote.

    Returns ``(working_copy, bare_repository)``; the bare repository's ``main`` holds one commit.
    """
    work, bare = folder / "teacher", folder / "course.git"
    work.mkdir(parents=True)
    for name in ("lessons", "quizzes"):
        shutil.copytree(source / name, work / name)
    _git("init", "--quiet", "--initial-branch=main", str(work))
    _git("add", "lessons", "quizzes", cwd=work)
    _git("commit", "--quiet", "-m", "Course", cwd=work)
    _git("init", "--quiet", "--bare", "--initial-branch=main", str(bare))
    _git("push", "--quiet", str(bare), "main:main", cwd=work)
    return work, bare


_CONFIG = """\
# Written by tests/hub/hubharness.py for a throwaway hub on loopback.
import json
settings = json.loads({settings!r})
c = get_config()  # noqa: F821
c.JupyterHub.ip = "127.0.0.1"
c.JupyterHub.port = settings["port"]
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = settings["hub_port"]
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:%d" % settings["proxy_api_port"]
c.ConfigurableHTTPProxy.command = [settings["chp"]]
c.ConfigurableHTTPProxy.should_start = True
c.JupyterHub.db_url = "sqlite:///" + settings["folder"] + "/jupyterhub.sqlite"
c.JupyterHub.cookie_secret_file = settings["folder"] + "/jupyterhub_cookie_secret"
c.JupyterHub.pid_file = settings["folder"] + "/jupyterhub.pid"
c.JupyterHub.cleanup_servers = True
c.JupyterHub.authenticator_class = "dummy"
c.DummyAuthenticator.password = settings["password"]
c.Authenticator.allow_all = True
c.JupyterHub.spawner_class = "simple"
c.SimpleLocalProcessSpawner.home_dir_template = settings["folder"] + "/homes/{{username}}"
c.Spawner.cmd = [settings["singleuser"]]
c.Spawner.args = settings["singleuser_args"]
c.Spawner.default_url = "/lab"
c.Spawner.start_timeout = 180
c.Spawner.http_timeout = 180
c.JupyterHub.concurrent_spawn_limit = 0
c.JupyterHub.active_server_limit = 0
c.JupyterHub.tornado_settings = {{"slow_spawn_timeout": 0}}


def _course_env(spawner):
    # Each student has their own progress store and learner id, and hands in to one exchange.
    return {{
        "MSCPSO_EDU_HOME": spawner.home_dir + "/.mscpso-edu",
        "MSCPSO_EDU_EXCHANGE": settings["exchange"],
        "MPLBACKEND": "Agg",
    }}


c.Spawner.environment = {{
    key: (lambda spawner, key=key: _course_env(spawner)[key])
    for key in ("MSCPSO_EDU_HOME", "MSCPSO_EDU_EXCHANGE", "MPLBACKEND")
}}
c.JupyterHub.services = [{{"name": "harness", "api_token": settings["token"]}}]
c.JupyterHub.load_roles = [
    {{
        "name": "harness",
        "scopes": ["admin:users", "admin:servers", "access:servers", "list:users"],
        "services": ["harness"],
    }}
]
"""


class LocalHub:
    """A JupyterHub on 127.0.0.1 with a local spawner, for tests and benchmarks.

    Parameters
    ----------
    folder
        Working folder (config, database, log, ``homes/<user>``); created if missing.
    exchange
        The exchange folder every student's ``mscpso-edu submit`` writes to.
    """

    def __init__(self, folder: Path, exchange: Path) -> None:
        chp = chp_command()
        if chp is None:
            raise HubError("configurable-http-proxy is not installed (npm install -g ...)")
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.exchange = Path(exchange)
        self.token = secrets.token_hex(32)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        bindir = Path(sys.executable).parent
        settings = {
            "port": self.port,
            "hub_port": free_port(),
            "proxy_api_port": free_port(),
            "chp": chp,
            "folder": str(self.folder),
            "password": SHARED_PASSWORD,
            "singleuser": str(bindir / "jupyterhub-singleuser"),
            # The test runs as whoever runs it, often root in CI; Jupyter Server refuses root
            # without this flag. On a real hub each server runs as its own user instead.
            "singleuser_args": ["--allow-root"] if os.geteuid() == 0 else [],
            "exchange": str(self.exchange),
            "token": self.token,
        }
        self.config = self.folder / "jupyterhub_config.py"
        self.config.write_text(_CONFIG.format(settings=json.dumps(settings)), encoding="utf-8")
        self.log_path = self.folder / "jupyterhub.log"
        self.process: subprocess.Popen | None = None
        self._seen: dict[int, psutil.Process] = {}

    # --- life cycle --------------------------------------------------------------------------

    def start(self, timeout: float = 90.0) -> None:
        """Start the hub and wait until its REST API answers."""
        keep = ("PATH", "LANG", "LC_ALL", "SYSTEMROOT", "TMPDIR")
        env = {key: os.environ[key] for key in keep if key in os.environ}
        env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '/usr/bin:/bin')}"
        self._log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "jupyterhub", "-f", str(self.config), "--no-ssl"],
            cwd=self.folder,
            env=env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, so stop() can end all of it
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise HubError(f"JupyterHub exited at start-up:\n{self.log_tail()}")
            try:
                if requests.get(f"{self.url}/hub/api/", timeout=2).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.3)
        raise HubError(f"JupyterHub did not answer within {timeout:.0f} s:\n{self.log_tail()}")

    def _remember_children(self) -> None:
        if self.process is None:
            return
        try:
            for child in psutil.Process(self.process.pid).children(recursive=True):
                self._seen[child.pid] = child
        except psutil.NoSuchProcess:
            pass

    def stop(self) -> None:
        """Stop the hub (it stops the servers it spawned) and kill anything left behind."""
        if self.process is None:
            return
        self._remember_children()
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=30)
        leftovers = [p for p in self._seen.values() if _alive(p)]
        for proc in leftovers:
            with contextlib.suppress(psutil.NoSuchProcess):
                proc.kill()
        psutil.wait_procs(leftovers, timeout=30)
        self._log.close()
        self.process = None

    def __enter__(self) -> LocalHub:
        self.start()
        return self

    def __exit__(self, *_: Any) -> None:
        self.stop()

    def log_tail(self, lines: int = 40) -> str:
        """Return the last lines of the hub's log (it includes the servers' logs)."""
        try:
            text = self.log_path.read_text(encoding="utf-8", errors="replace")
        except FileNotFoundError:
            return "(no log)"
        return "\n".join(text.splitlines()[-lines:])

    # --- REST API ----------------------------------------------------------------------------

    def api(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        """Call the hub's REST API (``/hub/api`` + ``path``) with the admin service token."""
        headers = {"Authorization": f"token {self.token}"}
        response = requests.request(
            method, f"{self.url}/hub/api{path}", headers=headers, timeout=60, **kwargs
        )
        if response.status_code >= 400:
            raise HubError(f"{method} {path}: {response.status_code} {response.text[:300]}")
        return response

    def create_users(self, names: list[str]) -> None:
        """Create hub users."""
        self.api("POST", "/users", json={"usernames": names})

    def home(self, name: str) -> Path:
        """Return a student's home folder."""
        return self.folder / "homes" / name

    def request_server(self, name: str) -> None:
        """Ask the hub to start ``name``'s server (returns at once)."""
        self.api("POST", f"/users/{name}/server")

    def wait_ready(self, name: str, timeout: float = 180.0) -> None:
        """Wait until ``name``'s server is ready."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            model = self.api("GET", f"/users/{name}").json()
            server = (model.get("servers") or {}).get("")
            if server and server.get("ready"):
                self._remember_children()
                return
            if not server and not model.get("pending"):
                raise HubError(f"{name}'s server stopped while starting:\n{self.log_tail()}")
            time.sleep(0.25)
        raise HubError(f"{name}'s server was not ready in {timeout:.0f} s:\n{self.log_tail()}")

    def start_server(self, name: str, timeout: float = 180.0) -> float:
        """Start ``name``'s server, wait until it is ready, return the seconds it took."""
        began = time.monotonic()
        self.request_server(name)
        self.wait_ready(name, timeout)
        return time.monotonic() - began

    def login(self, name: str, password: str = SHARED_PASSWORD) -> requests.Session:
        """Log ``name`` in through the hub's login form; return the browser-like session."""
        session = requests.Session()
        session.get(f"{self.url}/hub/login", timeout=30)
        xsrf = session.cookies.get("_xsrf", "")
        response = session.post(
            f"{self.url}/hub/login?next=",
            data={"username": name, "password": password, "_xsrf": xsrf},
            timeout=60,
            allow_redirects=False,
        )
        if response.status_code != 302:
            raise HubError(f"login of {name} failed: {response.status_code}")
        return session

    # --- a student's server ------------------------------------------------------------------

    def server_api(self, name: str, method: str, path: str, **kwargs: Any) -> requests.Response:
        """Call ``name``'s Jupyter Server API (``/user/<name>/api`` + ``path``)."""
        headers = {"Authorization": f"token {self.token}"}
        url = f"{self.url}/user/{name}/api{path}"
        response = requests.request(method, url, headers=headers, timeout=120, **kwargs)
        if response.status_code >= 400:
            raise HubError(f"{method} {url}: {response.status_code} {response.text[:300]}")
        return response

    def git_pull(self, name: str, query: Mapping[str, str], timeout: float = 180.0) -> list[dict]:
        """Run nbgitpuller's pull on ``name``'s server (what the link's page does in the browser).

        Returns the progress events; raises HubError when the pull reports an error.
        """
        headers = {"Authorization": f"token {self.token}"}
        url = f"{self.url}/user/{name}/git-pull/api"
        params = {key: query[key] for key in ("repo", "branch", "targetpath") if key in query}
        events = []
        with requests.get(url, params=params, headers=headers, stream=True, timeout=timeout) as r:
            if r.status_code != 200:
                raise HubError(f"git-pull for {name}: {r.status_code} {r.text[:300]}")
            for line in r.iter_lines(decode_unicode=True):
                if line and line.startswith("data:"):
                    event = json.loads(line[len("data:") :])
                    events.append(event)
                    if event.get("phase") == "error":
                        raise HubError(f"git-pull for {name}: {event.get('message')}")
                    if event.get("phase") == "finished":
                        break
        if not events or events[-1].get("phase") != "finished":
            raise HubError(f"git-pull for {name} ended without finishing: {events[-3:]}")
        return events

    def start_kernel(self, name: str) -> str:
        """Start a Python kernel on ``name``'s server; return its id."""
        return self.server_api(name, "POST", "/kernels", json={"name": "python3"}).json()["id"]

    def execute(self, name: str, kernel: str, code: str, timeout: float = 300.0) -> str:
        """Run ``code`` in a kernel over its websocket; return what it printed.

        Raises HubError with the traceback when the code raises.
        """
        ws_url = f"ws://127.0.0.1:{self.port}/user/{name}/api/kernels/{kernel}/channels"
        connection = websocket.create_connection(
            ws_url, header=[f"Authorization: token {self.token}"], timeout=timeout
        )
        msg_id = uuid.uuid4().hex
        message = {
            "header": {
                "msg_id": msg_id,
                "msg_type": "execute_request",
                "username": name,
                "session": uuid.uuid4().hex,
                "version": "5.3",
                "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            },
            "parent_header": {},
            "metadata": {},
            "channel": "shell",
            "content": {
                "code": code,
                "silent": False,
                "store_history": True,
                "user_expressions": {},
                "allow_stdin": False,
                "stop_on_error": True,
            },
            "buffers": [],
        }
        output: list[str] = []
        error: str | None = None
        replied = idle = False
        try:
            connection.send(json.dumps(message))
            deadline = time.monotonic() + timeout
            while not (replied and idle):
                if time.monotonic() > deadline:
                    raise HubError(f"code in {name}'s kernel ran over {timeout:.0f} s")
                reply = json.loads(connection.recv())
                if reply.get("parent_header", {}).get("msg_id") != msg_id:
                    continue
                kind, content = reply["header"]["msg_type"], reply["content"]
                if kind == "stream":
                    output.append(content["text"])
                elif kind == "error":
                    error = "\n".join(content.get("traceback", [])) or content.get("evalue", "")
                elif kind == "execute_reply":
                    replied = True
                elif kind == "status" and content.get("execution_state") == "idle":
                    idle = True
        finally:
            connection.close()
        if error is not None:
            raise HubError(f"code in {name}'s kernel raised:\n{error}\n{''.join(output)}")
        return "".join(output)

    # --- measurements ------------------------------------------------------------------------

    def server_processes(self, name: str) -> list[psutil.Process]:
        """Return ``name``'s single-user server and everything it started (kernels)."""
        self._remember_children()
        found = []
        for proc in list(self._seen.values()):
            try:
                if proc.environ().get("JUPYTERHUB_USER") == name and _alive(proc):
                    parent = proc.parent()
                    if parent is None or parent.environ().get("JUPYTERHUB_USER") != name:
                        found.append(proc)
            except (psutil.NoSuchProcess, psutil.AccessDenied):
                continue
        tree = []
        for proc in found:
            tree.append(proc)
            tree.extend(proc.children(recursive=True))
        return tree


def _alive(proc: psutil.Process) -> bool:
    try:
        return proc.is_running() and proc.status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False
