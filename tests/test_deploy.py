"""The deploy files: the Kubernetes config uses the chart's keys and the course's settings.

No Kubernetes and no Docker daemon here, so deploy/kubernetes/config.yaml is checked on paper:
it parses, every key it sets is a key of the Zero to JupyterHub chart (the tree below), and it
sets what the single-machine config sets (threads, kernel culling) and what `make lab` writes
(JupyterLab's settings). The single-machine config is run by a real hub in tests/test_hub.py.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
import yaml
from traitlets.config.loader import PyFileConfigLoader

from tools.lab import LOCALES, NOTIFICATION, NOTIFICATION_DEFAULTS, TRANSLATION

ROOT = Path(__file__).resolve().parent.parent
K8S = ROOT / "deploy" / "kubernetes" / "config.yaml"
SINGLE = ROOT / "deploy" / "single-machine" / "jupyterhub_config.py"
MEASURED_PEAK_GB = 0.82  # benchmarks/hub_capacity.py: server + kernels of 01 and 07, per student

FREE = "free-form"  # the chart passes what is below on as it is (traitlets, env, k8s specs)
# The keys of the Zero to JupyterHub chart that config.yaml may use, as in the chart's
# values.schema.json (jupyterhub/values.schema.yaml in jupyterhub/zero-to-jupyterhub-k8s,
# chart 4.x; written out by hand here, only the branches a class config needs).
CHART_KEYS = {
    "hub": {
        "config": FREE,
        "extraConfig": FREE,
        "extraEnv": FREE,
        "db": {"type": None, "url": None, "pvc": {"storage": None}},
        "resources": FREE,
    },
    "proxy": {"secretToken": None, "service": {"type": None}, "https": FREE},
    "singleuser": {
        "image": {"name": None, "tag": None, "pullPolicy": None, "pullSecrets": None},
        "memory": {"guarantee": None, "limit": None},
        "cpu": {"guarantee": None, "limit": None},
        "extraEnv": FREE,
        "defaultUrl": None,
        "cmd": None,
        "lifecycleHooks": {"postStart": FREE, "preStop": FREE},
        "extraFiles": {"*": {"mountPath": None, "data": FREE, "stringData": None, "mode": None}},
        "storage": {"type": None, "capacity": None, "homeMountPath": None},
        "startTimeout": None,
        "networkPolicy": FREE,
    },
    "cull": {
        "enabled": None,
        "users": None,
        "adminUsers": None,
        "removeNamedServers": None,
        "timeout": None,
        "every": None,
        "concurrency": None,
        "maxAge": None,
    },
    "prePuller": {"hook": {"enabled": None}, "continuous": {"enabled": None}},
    "scheduling": {
        "userScheduler": {"enabled": None},
        "podPriority": {"enabled": None},
        "userPlaceholder": {"enabled": None, "replicas": None},
    },
    "ingress": FREE,
}


def unknown_keys(values: dict, allowed: dict, where: str = "") -> list[str]:
    """Return the dotted paths in `values` that are not keys of the chart tree `allowed`."""
    found = []
    for key, value in values.items():
        path = f"{where}{key}"
        branch = allowed.get(key, allowed.get("*", KeyError))
        if branch is KeyError:
            found.append(path)
        elif isinstance(branch, dict):
            if not isinstance(value, dict):
                found.append(f"{path} (a mapping in the chart)")
            else:
                found += unknown_keys(value, branch, f"{path}.")
    return found


@pytest.fixture(scope="module")
def values() -> dict:
    return yaml.safe_load(K8S.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def single():
    return PyFileConfigLoader(SINGLE.name, path=str(SINGLE.parent)).load_config()


def test_the_kubernetes_config_uses_only_the_charts_keys(values):
    assert unknown_keys(values, CHART_KEYS) == []


def test_the_key_check_finds_a_misspelt_key(values):
    wrong = {**values, "singleuser": {**values["singleuser"], "memmory": {"limit": "2G"}}}
    assert unknown_keys(wrong, CHART_KEYS) == ["singleuser.memmory"]
    assert unknown_keys({"cull": {"timeout": {"s": 1}}}, CHART_KEYS) == []  # a leaf: no tree
    assert unknown_keys({"cull": 5}, CHART_KEYS) == ["cull (a mapping in the chart)"]


def test_resources_cover_the_measured_student(values):
    memory, cpu = values["singleuser"]["memory"], values["singleuser"]["cpu"]
    assert gigabytes(memory["guarantee"]) >= MEASURED_PEAK_GB
    assert gigabytes(memory["limit"]) >= gigabytes(memory["guarantee"])
    assert 0 < float(cpu["guarantee"]) <= float(cpu["limit"])


def gigabytes(size: str) -> float:
    """Read a Kubernetes quantity such as 1G or 512M (the suffixes config.yaml uses) in GB."""
    units = {"G": 1.0, "M": 1e-3}
    return float(size[:-1]) * units[size[-1]]


def test_both_set_ups_set_the_same_threads_and_kernel_culling(values, single):
    env = values["singleuser"]["extraEnv"]
    assert env["OMP_NUM_THREADS"] == single.Spawner.environment["OMP_NUM_THREADS"] == "1"
    culling = [a for a in single.Spawner.args if a.startswith("--MappingKernelManager.")]
    assert values["hub"]["config"]["Spawner"]["args"] == culling
    assert values["cull"]["timeout"] == 3600 and values["cull"]["enabled"] is True
    assert any(arg.startswith("--timeout=3600") for arg in single.JupyterHub.services[0]["command"])


def test_the_kubernetes_lab_settings_are_those_make_lab_writes(values):
    overrides = values["singleuser"]["extraFiles"]["jupyterlab-overrides"]
    assert overrides["mountPath"].endswith("/share/jupyter/lab/settings/overrides.json")
    translation, notification = (plugin_id(name) for name in (TRANSLATION, NOTIFICATION))
    assert overrides["data"] == {
        translation: {"locale": LOCALES["zh"]},
        notification: NOTIFICATION_DEFAULTS,
    }


def plugin_id(settings_file: str) -> str:
    """`@x/y-extension/plugin.jupyterlab-settings` (a settings file) -> `@x/y-extension:plugin`."""
    package, name = settings_file.removesuffix(".jupyterlab-settings").rsplit("/", 1)
    return f"{package}:{name}"


def test_the_pull_fetches_the_release_branch_into_the_opened_folder(values):
    command = values["singleuser"]["lifecycleHooks"]["postStart"]["exec"]["command"][-1]
    _, repo, branch, folder = command.split("||")[0].split()
    assert branch == "student" and repo.startswith("https://")
    assert values["singleuser"]["defaultUrl"].startswith(f"/lab/tree/{folder}/notebooks/")


def test_the_course_a_hub_pulls_holds_no_instructor_edition(tmp_path):
    """The bare repository the hub test pulls: the release, student editions only."""
    from tools.classroom_hub import course_repository

    bare = course_repository(tmp_path, "student")
    listing = subprocess.run(
        ["git", "-C", str(bare), "ls-tree", "-r", "--name-only", "student"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    for lang in ("zh", "en"):
        assert f"notebooks/{lang}/08_exercises.ipynb" in listing  # the student edition
        assert not any("/student/" in name for name in listing)
        assert f"notebooks/{lang}/01_autograd_basics.ipynb" in listing
    assert "autograd_lab/__init__.py" in listing
