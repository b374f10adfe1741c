"""environment.yml (conda/Binder), requirements.lock and pyproject.toml tell one story."""

from __future__ import annotations

import re
import tomllib

import pytest
import yaml

from tests.helpers import ROOT

# conda-forge package name -> PyPI name
CONDA_TO_PYPI = {"pytorch-cpu": "torch", "matplotlib-base": "matplotlib"}


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def lock() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "requirements.lock").read_text().splitlines():
        line = line.split("#")[0].strip()
        if line:
            name, _, version = line.partition("==")
            assert version, f"requirements.lock: {line!r} is not an exact pin"
            pins[canonical(name)] = version
    return pins


def environment() -> dict:
    return yaml.safe_load((ROOT / "environment.yml").read_text())


def env_pins() -> dict[str, str]:
    pins = {}
    for dep in environment()["dependencies"]:
        if isinstance(dep, dict):
            for line in dep["pip"]:
                if "==" in line:
                    name, version = line.split("==")
                    pins[canonical(name)] = version
        elif "=" in dep:
            name, version = dep.split("=", 1)
            if name != "python":
                pins[canonical(CONDA_TO_PYPI.get(name, name))] = version
    return pins


def pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())


def test_lock_pins_torch_cpu_build():
    assert lock()["torch"] == "2.13.0"


def test_environment_is_conda_forge_and_binder_ready():
    env = environment()
    assert env["channels"][0] == "conda-forge"
    assert "python=3.11" in env["dependencies"]
    assert (ROOT / "postBuild").read_text().count("pip install --no-deps -e .") == 1


@pytest.mark.parametrize("name,version", sorted(env_pins().items()))
def test_environment_pins_match_lock(name, version):
    assert lock().get(name) == version, f"environment.yml {name}={version}, lock {lock().get(name)}"


def test_every_pyproject_dependency_is_locked_and_in_environment():
    project = pyproject()["project"]
    requirements = list(project["dependencies"])
    for extra in project["optional-dependencies"].values():
        requirements += extra
    pins, env = lock(), env_pins()
    for requirement in requirements:
        name = canonical(re.split(r"[<>=!~ \[]", requirement)[0])
        assert name in pins, f"{name} is in pyproject.toml but not in requirements.lock"
        assert name in env, f"{name} is in pyproject.toml but not in environment.yml"
        lower = re.search(r">=\s*([\w.]+)", requirement)
        if lower:
            assert tuple(map(int, re.findall(r"\d+", lower.group(1))[:3])) <= tuple(
                map(int, re.findall(r"\d+", pins[name])[:3])
            ), f"{name}: lock {pins[name]} is below pyproject's {requirement}"
