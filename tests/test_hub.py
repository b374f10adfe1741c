"""The course on a real JupyterHub: three students log in, pull the course, run the exercises.

A hub on 127.0.0.1 (configurable-http-proxy from npm, SimpleLocalProcessSpawner, the class
password) loads deploy/single-machine/jupyterhub_config.py, as a teacher's hub does. Each
student pulls the student course through an nbgitpuller link from a local bare repository,
runs the student exercises notebook in their own kernel over the kernel websocket, and gets
the checks' verdicts; one of them answers a question and is told it is correct. Each sees only
their own files. The log (`-s`) shows each step.
"""

from __future__ import annotations

import os
import shutil
from concurrent.futures import ThreadPoolExecutor

import pytest

from tools.classroom_hub import (
    LocalHub,
    code_cells,
    course_repository,
    missing_parts,
    output_text,
    scratch_folder,
)

pytestmark = pytest.mark.slow

STUDENTS = ("alice", "bob", "chen")
BRANCH = "student"
# The student release (tools.release), built afresh for the test; AUTOGRAD_LAB_RELEASE_BRANCH=
# student pulls the branch `make release` wrote instead. Either way the student editions stand
# in place of the instructor ones.
RELEASE = os.environ.get("AUTOGRAD_LAB_RELEASE_BRANCH") or None
TARGET = "autograd-lab"
EXERCISES = "notebooks/en/08_exercises.ipynb"
ANSWER = "prediction1 = [0.0, 8.0, 16.0, 24.0]"  # x.grad after two backward passes of 2·x·x
PLACEHOLDER = "prediction1 = ..."


def say(line: str) -> None:
    """Print one line of the test's log."""
    print(f"hub-test: {line}", flush=True)


@pytest.fixture(scope="module")
def classroom():
    """A running hub with three students logged in, their servers started, the course pulled."""
    problem = missing_parts()
    if problem:
        pytest.skip(problem)
    folder = scratch_folder("autograd-lab-hub-")
    try:
        repo = course_repository(folder, BRANCH, release=RELEASE)
        with LocalHub(folder / "hub") as hub:
            say(f"hub at {hub.url} (JupyterHub, configurable-http-proxy, simple spawner)")
            students = {name: hub.login(name) for name in STUDENTS}
            with ThreadPoolExecutor(len(STUDENTS)) as pool:  # a class starts at the same time
                spawns = pool.map(lambda s: s.spawn(), students.values())
                for student, seconds in zip(students.values(), spawns, strict=True):
                    say(
                        f"{student.name}: logged in with the class password, server {seconds:.1f} s"
                    )
                pulls = pool.map(
                    lambda s: s.pull(repo, BRANCH, TARGET, EXERCISES), students.values()
                )
                for student, progress in zip(students.values(), pulls, strict=True):
                    say(f"{student.name}: nbgitpuller pulled {BRANCH}: {progress[-1]}")
            yield hub, students
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def run_exercises(student, answer: str | None) -> list[str]:
    """Run every code cell of the student's exercises notebook; return the verdict lines."""
    cells = code_cells(student.notebook(f"{TARGET}/{EXERCISES}"))
    verdicts = []
    with student.kernel(f"{TARGET}/{EXERCISES}") as kernel:
        for cell in cells:
            source = cell["source"]
            if answer is not None and source.startswith(PLACEHOLDER):
                source = source.replace(PLACEHOLDER, answer, 1)
            outputs = kernel.run(source)
            text = output_text(outputs)
            assert all(o["output_type"] != "error" for o in outputs), f"{student.name}: {text}"
            verdicts += [
                ln for ln in text.splitlines() if ln.startswith(("Prediction", "Exercise"))
            ]
    return verdicts


def test_three_students_get_their_verdicts(classroom):
    """Placeholders give "[Not attempted]"; the one student who answers is told "[Correct]"."""
    _, students = classroom
    answering = STUDENTS[1]
    with ThreadPoolExecutor(len(students)) as pool:
        runs = pool.map(
            lambda s: run_exercises(s, ANSWER if s.name == answering else None), students.values()
        )
    for name, verdicts in zip(students, runs, strict=True):
        say(f"{name}: ran {EXERCISES} in their kernel: {len(verdicts)} verdicts")
        for line in verdicts:
            say(f"  {name}: {line[:90]}")
        assert len(verdicts) == 10, verdicts  # four predictions, six exercises
        first = verdicts[0]
        if name == answering:
            assert first.startswith("Prediction 1 [Correct]"), first
            rest = verdicts[1:]
        else:
            rest = verdicts
        assert all("[Not attempted]" in line for line in rest), rest


def test_the_deployed_settings_reach_each_student(classroom):
    """OMP_NUM_THREADS=1 in the kernel, the class's interface language, no news prompt, culling."""
    hub, students = classroom
    for student in students.values():
        with student.kernel(f"{TARGET}/{EXERCISES}") as kernel:
            code = "import os, torch; print(os.environ['OMP_NUM_THREADS'], torch.get_num_threads())"
            text = output_text(kernel.run(code))
        assert text.split() == ["1", "1"], text
        translation = student.get("/lab/api/settings/@jupyterlab/translation-extension:plugin")
        notification = student.get("/lab/api/settings/@jupyterlab/apputils-extension:notification")
        assert translation.json()["settings"]["locale"] == "zh_CN"
        assert notification.json()["settings"]["fetchNews"] == "false"
        say(f"{student.name}: OMP_NUM_THREADS=1, torch threads 1, JupyterLab in zh_CN, no news")
    services = hub.api("GET", "/services").json()
    assert "idle-culler" in services, services
    servers = [p for p in hub.processes() if "jupyterhub.singleuser" in " ".join(p.cmdline())]
    assert len(servers) == len(STUDENTS)
    assert all("--MappingKernelManager.cull_idle_timeout=1800" in p.cmdline() for p in servers)
    say("the idle-culler service runs; every server culls kernels idle for 30 min")


def test_each_student_sees_only_their_own_files(classroom):
    """Another student's server refuses a student's token; each home folder is separate."""
    _, students = classroom
    names = list(students)
    for name, student in students.items():
        other = students[names[(names.index(name) + 1) % len(names)]]
        own = student.get(f"/api/contents/{TARGET}")
        theirs = other.get(f"/api/contents/{TARGET}", token=student.token)
        assert own.status_code == 200
        assert theirs.status_code == 403, theirs.status_code
        listing = student.get("/api/contents").json()["content"]
        assert [item["name"] for item in listing if not item["name"].startswith(".")] == [TARGET]
        say(
            f"{name}: own files 200, {other.name}'s files {theirs.status_code}; "
            f"home holds only {TARGET}/"
        )
