"""A real classroom JupyterHub on 127.0.0.1, driven as students drive it (tests, benchmarks).

tests/test_hub.py and benchmarks/hub_capacity.py use it: a hub with configurable-http-proxy
(npm, node_modules/), SimpleLocalProcessSpawner (no system users: every student server runs as
this user, in a home folder of its own), a shared-password login and an admin service token.
The hub loads deploy/single-machine/jupyterhub_config.py first, so what a teacher deploys
(culling, OMP_NUM_THREADS, the JupyterLab settings) is what is tested and measured; only what a
loopback test must change (ports, spawner, login, database) is set after it.

    with LocalHub(folder) as hub:
        alice = hub.login("alice")              # the login form, then a token of her own
        alice.spawn()
        alice.pull(repo, branch, "autograd-lab")   # the nbgitpuller link, then its progress
        with alice.kernel("autograd-lab/notebooks/en/08_exercises.ipynb") as k:
            outputs = k.run("1 + 1")

Everything started runs in process groups of its own; `stop` ends each of them, including
the student servers and kernels that JupyterHub starts in new sessions.
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
import tempfile
import time
import urllib.parse
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import psutil
import requests
import websocket

from tools.release import build

ROOT = Path(__file__).resolve().parent.parent
PROXY = ROOT / "node_modules" / ".bin" / "configurable-http-proxy"
DEPLOY_CONFIG = ROOT / "deploy" / "single-machine" / "jupyterhub_config.py"
PASSWORD = "classroom-" + secrets.token_hex(8)  # the shared password (at least 8 characters)
ADMIN_SERVICE = "classroom-admin"
START_TIMEOUT = 180  # s: a student server on a busy two-core machine
CELL_TIMEOUT = 180  # s
POLL = 0.2  # s
GIT_IDENTITY = ["-c", "user.name=autograd-lab", "-c", "user.email=autograd-lab@localhost"]


class HubError(RuntimeError):
    """The hub, a student server or a kernel did not do what a student needs."""


def missing_parts() -> str | None:
    """Say what is missing to run a local hub here, or None when everything is present."""
    if not PROXY.exists():
        return "configurable-http-proxy is not installed (make install runs npm ci)"
    if shutil.which("git") is None:
        return "git is not installed (nbgitpuller needs it)"
    return None


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that is free now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --- the course a student pulls ---------------------------------------------------------------


def course_repository(folder: Path, branch: str = "student", release: str | None = None) -> Path:
    """Make a bare repository `folder/autograd-lab.git` whose `branch` holds the student release.

    `release` names a branch of this repository to publish as it is (the branch `make release`
    wrote); without it the release is built afresh (`tools.release.build`, the same files) into
    `folder` and committed there, so nothing is written into the course's own repository.
    """
    bare = folder / "autograd-lab.git"
    if release is not None:
        _git("clone", "--quiet", "--bare", "--single-branch", "--branch", release, str(ROOT), bare)
        if release != branch:
            _git("-C", bare, "branch", "-m", release, branch)
        return bare
    tree = folder / "student-release"
    build(tree)
    _git("init", "--quiet", "-b", branch, tree)
    _git("-C", tree, "add", "-A")
    _git("-C", tree, *GIT_IDENTITY, "commit", "--quiet", "-m", "The student release")
    _git("clone", "--quiet", "--bare", tree, bare)
    return bare


def _git(*args) -> None:
    subprocess.run(["git", *map(str, args)], check=True, capture_output=True)


# --- the hub ----------------------------------------------------------------------------------


def hub_config(folder: Path, port: int, token: str, deploy: Path | None = DEPLOY_CONFIG) -> str:
    """Return the text of a loopback hub's config: the deployed config, then the test's changes."""
    hub_port, api_port = free_port(), free_port()
    home = folder / "home" / "{username}"
    lines = [
        "# Written by tools/classroom_hub.py: the teacher's config, then a loopback hub's changes.",
        "c = get_config()  # noqa: F821",
    ]
    if deploy is not None:
        lines.append(f"load_subconfig({str(deploy)!r})  # noqa: F821")
    lines += [
        f"c.JupyterHub.bind_url = 'http://127.0.0.1:{port}'",
        f"c.JupyterHub.hub_bind_url = 'http://127.0.0.1:{hub_port}'",
        f"c.ConfigurableHTTPProxy.api_url = 'http://127.0.0.1:{api_port}'",
        f"c.ConfigurableHTTPProxy.command = [{str(PROXY)!r}]",
        f"c.ConfigurableHTTPProxy.auth_token = {secrets.token_hex(24)!r}",
        f"c.JupyterHub.db_url = 'sqlite:///{folder / 'hub.sqlite'}'",
        f"c.JupyterHub.cookie_secret_file = {str(folder / 'cookie_secret')!r}",
        f"c.JupyterHub.pid_file = {str(folder / 'hub.pid')!r}",
        "c.JupyterHub.cleanup_servers = True",
        "c.JupyterHub.spawner_class = 'simple'",
        f"c.SimpleLocalProcessSpawner.home_dir_template = {str(home)!r}",
        "c.JupyterHub.authenticator_class = 'shared-password'",
        f"c.SharedPasswordAuthenticator.user_password = {PASSWORD!r}",
        "c.Authenticator.allow_all = True",
        "c.Spawner.start_timeout = c.Spawner.http_timeout = " + str(START_TIMEOUT),
        "services = c.JupyterHub.services if 'services' in c.JupyterHub else []",
        f"services.append({{'name': {ADMIN_SERVICE!r}, 'api_token': {token!r}}})",
        "c.JupyterHub.services = services",
        "roles = c.JupyterHub.load_roles if 'load_roles' in c.JupyterHub else []",
        f"roles.append({{'name': 'admin', 'services': [{ADMIN_SERVICE!r}]}})",
        "c.JupyterHub.load_roles = roles",
    ]
    if os.geteuid() == 0:  # CI and containers run as root; jupyter_server refuses it otherwise
        lines.append("c.Spawner.args = list(c.Spawner.args) + ['--allow-root']")
    return "\n".join(lines) + "\n"


@dataclass
class LocalHub:
    """A JupyterHub on 127.0.0.1 with random ports; a context manager that stops all it started."""

    folder: Path
    deploy: Path | None = DEPLOY_CONFIG
    port: int = 0
    token: str = field(default_factory=lambda: secrets.token_hex(24))
    process: subprocess.Popen | None = None
    students: dict[str, Student] = field(default_factory=dict)

    @property
    def url(self) -> str:
        """The hub's public address (through the proxy)."""
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> LocalHub:
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def start(self) -> None:
        """Start the hub and wait until its API answers through the proxy."""
        problem = missing_parts()
        if problem:
            raise HubError(problem)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        config = self.folder / "jupyterhub_config.py"
        config.write_text(hub_config(self.folder, self.port, self.token, self.deploy))
        env = dict(os.environ)
        # The hub finds jupyterhub-singleuser and the culler next to this Python.
        env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
        env.pop("JUPYTERHUB_API_TOKEN", None)
        self.log = (self.folder / "hub.log").open("wb")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "jupyterhub", "-f", str(config)],
            cwd=self.folder,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, ended as one by stop()
        )
        try:
            self._wait_until_answering()
        except BaseException:
            self.stop()  # __exit__ does not run when __enter__ fails
            raise

    def _wait_until_answering(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise HubError(f"the hub stopped at start:\n{self.log_tail()}")
            with contextlib.suppress(requests.RequestException):
                if self.api("GET", "/").status_code == 200:
                    return
            time.sleep(POLL)
        raise HubError(f"the hub did not answer in {START_TIMEOUT} s:\n{self.log_tail()}")

    def log_tail(self, lines: int = 40) -> str:
        """The last lines of the hub's log."""
        text = (self.folder / "hub.log").read_text(errors="replace")
        return "\n".join(text.splitlines()[-lines:])

    def api(self, method: str, path: str, token: str | None = None, **kwargs) -> requests.Response:
        """Call the hub's REST API (as the admin service unless `token` says otherwise)."""
        headers = {"Authorization": f"token {token or self.token}"}
        return requests.request(
            method, f"{self.url}/hub/api{path}", headers=headers, timeout=60, **kwargs
        )

    def login(self, name: str) -> Student:
        """Log `name` in through the login form, as a browser does; return the student."""
        student = Student(self, name)
        student.log_in()
        self.students[name] = student
        return student

    def processes(self) -> list[psutil.Process]:
        """Every process this hub started and that still runs: proxy, services, servers, kernels."""
        if self.process is None:
            return []
        try:
            return [
                psutil.Process(self.process.pid),
                *psutil.Process(self.process.pid).children(True),
            ]
        except psutil.NoSuchProcess:
            return []

    def stop(self) -> None:
        """Stop the hub; then end every process group it started that is still there."""
        if self.process is None:
            return
        started = self.processes()
        groups = {_group(p) for p in started} - {None}
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)  # the hub stops its servers and proxy
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(30)
        for group in groups:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(group, signal.SIGKILL)
        psutil.wait_procs(started, timeout=10)
        self.process.wait()
        self.log.close()
        self.process = None


def _group(process: psutil.Process) -> int | None:
    try:
        return os.getpgid(process.pid)
    except ProcessLookupError:
        return None


# --- a student --------------------------------------------------------------------------------


@dataclass
class Student:
    """One student: a browser session on the hub, and a token of their own for the APIs."""

    hub: LocalHub
    name: str
    session: requests.Session = field(default_factory=requests.Session)
    token: str = ""

    def log_in(self) -> None:
        """Post the login form with the class password; then get a token of the student's own."""
        form = self.session.get(f"{self.hub.url}/hub/login", timeout=60)
        form.raise_for_status()
        xsrf = self.session.cookies.get("_xsrf", "")
        reply = self.session.post(
            f"{self.hub.url}/hub/login",
            data={"username": self.name, "password": PASSWORD, "_xsrf": xsrf},
            allow_redirects=False,
            timeout=60,
        )
        if reply.status_code != 302:
            raise HubError(f"{self.name}: the login form answered {reply.status_code}")
        # The admin service asks for a token for the student (the student's own permissions):
        # the APIs and the kernel websocket take it as a header.
        made = self.hub.api("POST", f"/users/{self.name}/tokens", json={"note": "classroom"})
        made.raise_for_status()
        self.token = made.json()["token"]

    @property
    def server(self) -> str:
        """The address of the student's own server, through the proxy."""
        return f"{self.hub.url}/user/{self.name}"

    def spawn(self) -> float:
        """Start the student's server as its Start button does; return the seconds it took."""
        start = time.perf_counter()
        reply = self.hub.api("POST", f"/users/{self.name}/server", token=self.token)
        if reply.status_code not in (201, 202):
            raise HubError(f"{self.name}: spawn answered {reply.status_code}: {reply.text}")
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            user = self.hub.api("GET", f"/users/{self.name}").json()
            server = user.get("servers", {}).get("", {})
            if server.get("ready"):
                return time.perf_counter() - start
            if not server and time.perf_counter() - start > 5:  # the spawn failed and was removed
                raise HubError(f"{self.name}: the server did not start:\n{self.hub.log_tail()}")
            time.sleep(POLL)
        raise HubError(f"{self.name}: no server after {START_TIMEOUT} s:\n{self.hub.log_tail()}")

    def get(self, path: str, token: str | None = None) -> requests.Response:
        """GET an API path of this student's server (with another token if given)."""
        return requests.get(
            f"{self.server}{path}",
            headers={"Authorization": f"token {token or self.token}"},
            timeout=60,
        )

    def pull(self, repo: Path, branch: str, target: str, notebook: str) -> list[str]:
        """Open the nbgitpuller link a teacher hands out; return the pull's progress lines.

        The link's page runs the pull from JavaScript through `git-pull/api` (server-sent
        events); this does the same after opening the link with the browser's cookies.
        """
        query = {
            "repo": repo.resolve().as_uri(),
            "branch": branch,
            "targetpath": target,
            "urlpath": f"lab/tree/{target}/{notebook}",
        }
        link = f"{self.hub.url}/hub/user-redirect/git-pull?{urllib.parse.urlencode(query)}"
        page = self.session.get(link, timeout=120)
        if page.status_code != 200 or f"/user/{self.name}/git-pull" not in page.url:
            raise HubError(
                f"{self.name}: the nbgitpuller link led to {page.status_code} {page.url}"
            )
        stream = requests.get(
            f"{self.server}/git-pull/api",
            params={k: v for k, v in query.items() if k != "urlpath"},
            headers={"Authorization": f"token {self.token}"},
            stream=True,
            timeout=300,
        )
        progress = []
        for line in stream.iter_lines(decode_unicode=True):
            if not line.startswith("data:"):
                continue
            event = json.loads(line[len("data:") :])
            progress.append(str(event.get("output") or event.get("phase")).strip())
            if event.get("phase") == "error":
                raise HubError(f"{self.name}: nbgitpuller failed: {event}")
            if event.get("phase") == "finished":
                return progress
        raise HubError(f"{self.name}: the pull ended without finishing: {progress}")

    def kernel(self, notebook: str) -> Kernel:
        """Open `notebook` as JupyterLab does: a session whose kernel runs in its folder."""
        reply = requests.post(
            f"{self.server}/api/sessions",
            headers={"Authorization": f"token {self.token}"},
            json={"path": notebook, "type": "notebook", "name": "", "kernel": {"name": "python3"}},
            timeout=120,
        )
        if reply.status_code != 201:
            raise HubError(
                f"{self.name}: no kernel for {notebook}: {reply.status_code} {reply.text}"
            )
        return Kernel(self, reply.json()["id"], reply.json()["kernel"]["id"])

    def notebook(self, path: str) -> dict:
        """Read a notebook of the student's through the contents API."""
        reply = self.get(f"/api/contents/{path}?content=1")
        reply.raise_for_status()
        return reply.json()["content"]


class Kernel:
    """A kernel of a student's server, spoken to over the kernel websocket (token as a header)."""

    def __init__(self, student: Student, session: str, kernel: str) -> None:
        self.student, self.session_id, self.id = student, session, kernel
        url = student.server.replace("http://", "ws://") + f"/api/kernels/{kernel}/channels"
        self.ws = websocket.create_connection(
            url, header=[f"Authorization: token {student.token}"], timeout=CELL_TIMEOUT
        )
        self.session = uuid.uuid4().hex

    def __enter__(self) -> Kernel:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def run(self, code: str) -> list[dict]:
        """Execute `code`; return its iopub outputs (streams, results, displays, errors)."""
        msg_id = uuid.uuid4().hex
        self.ws.send(
            json.dumps(
                {
                    "header": {
                        "msg_id": msg_id,
                        "username": self.student.name,
                        "session": self.session,
                        "msg_type": "execute_request",
                        "version": "5.3",
                    },
                    "parent_header": {},
                    "metadata": {},
                    "content": {
                        "code": code,
                        "silent": False,
                        "store_history": True,
                        "user_expressions": {},
                        "allow_stdin": False,
                        "stop_on_error": False,
                    },
                    "channel": "shell",
                    "buffers": [],
                }
            )
        )
        outputs, idle, replied = [], False, False
        deadline = time.monotonic() + CELL_TIMEOUT
        while not (idle and replied):
            if time.monotonic() > deadline:
                raise HubError(f"{self.student.name}: a cell ran longer than {CELL_TIMEOUT} s")
            msg = json.loads(self.ws.recv())
            if msg.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            kind = msg["header"]["msg_type"]
            if kind == "status" and msg["content"]["execution_state"] == "idle":
                idle = True
            elif kind == "execute_reply":
                replied = True
            elif kind in ("stream", "execute_result", "display_data", "error"):
                outputs.append({"output_type": kind, **msg["content"]})
        return outputs

    def close(self) -> None:
        """Close the websocket and end the session (its kernel stops)."""
        with contextlib.suppress(Exception):
            self.ws.close()
        with contextlib.suppress(requests.RequestException):
            requests.delete(
                f"{self.student.server}/api/sessions/{self.session_id}",
                headers={"Authorization": f"token {self.student.token}"},
                timeout=60,
            )


def output_text(outputs: list[dict]) -> str:
    """The text a learner sees in a cell's outputs (streams, plain results, tracebacks' names)."""
    parts = []
    for out in outputs:
        if out["output_type"] == "stream":
            parts.append(out["text"])
        elif out["output_type"] == "error":
            parts.append(f"{out['ename']}: {out['evalue']}")
        else:
            parts.append(str(out.get("data", {}).get("text/plain", "")))
    return "\n".join(parts)


def code_cells(notebook: dict) -> list[dict]:
    """The code cells of a notebook read from the contents API, in order."""
    return [c for c in notebook["cells"] if c["cell_type"] == "code"]


def scratch_folder(prefix: str) -> Path:
    """A new temporary folder (the caller removes it)."""
    return Path(tempfile.mkdtemp(prefix=prefix))
