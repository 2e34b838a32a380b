"""deploy/jupyterhub/: the hub configuration loads, the z2jh values use the chart's keys."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

DEPLOY = Path(__file__).resolve().parent.parent / "deploy" / "jupyterhub"

# Keys of the Zero to JupyterHub chart (values.schema.yaml, chart 3.x/4.x) this course relies on.
# A typo in values.yaml is silently ignored by older charts, so the test names the allowed set.
Z2JH_KEYS = {
    "hub",
    "hub.config",
    "hub.concurrentSpawnLimit",
    "hub.activeServerLimit",
    "proxy",
    "proxy.https",
    "proxy.https.enabled",
    "proxy.https.hosts",
    "proxy.https.letsencrypt",
    "proxy.https.letsencrypt.contactEmail",
    "singleuser",
    "singleuser.image",
    "singleuser.image.name",
    "singleuser.image.tag",
    "singleuser.defaultUrl",
    "singleuser.memory",
    "singleuser.memory.guarantee",
    "singleuser.memory.limit",
    "singleuser.cpu",
    "singleuser.cpu.guarantee",
    "singleuser.cpu.limit",
    "singleuser.extraEnv",
    "singleuser.storage",
    "singleuser.storage.type",
    "singleuser.storage.capacity",
    "singleuser.storage.extraVolumes",
    "singleuser.storage.extraVolumeMounts",
    "singleuser.networkPolicy",
    "singleuser.networkPolicy.enabled",
    "cull",
    "cull.enabled",
    "cull.timeout",
    "cull.every",
    "cull.concurrency",
    "cull.maxAge",
    "cull.users",
    "prePuller",
    "prePuller.hook",
    "prePuller.hook.enabled",
    "prePuller.continuous",
    "prePuller.continuous.enabled",
    "scheduling",
    "scheduling.userScheduler",
    "scheduling.userScheduler.enabled",
    "scheduling.podPriority",
    "scheduling.podPriority.enabled",
    "scheduling.userPlaceholder",
    "scheduling.userPlaceholder.enabled",
    "scheduling.userPlaceholder.replicas",
}
# Below these keys the chart passes values through (traitlets config, env, Kubernetes objects).
PASSTHROUGH = ("hub.config", "singleuser.extraEnv", "singleuser.storage.extraVolume")


def _keys(mapping: dict, prefix: str = "") -> list[str]:
    found = []
    for key, value in mapping.items():
        path = f"{prefix}{key}"
        found.append(path)
        if isinstance(value, dict) and not path.startswith(PASSTHROUGH):
            found += _keys(value, path + ".")
    return found


@pytest.fixture(scope="module")
def values() -> dict:
    return yaml.safe_load((DEPLOY / "values.yaml").read_text(encoding="utf-8"))


def test_values_use_only_chart_keys(values):
    unknown = [key for key in _keys(values) if key not in Z2JH_KEYS]
    assert unknown == []


def test_values_set_limits_culling_and_the_exchange(values):
    single = values["singleuser"]
    assert single["memory"]["limit"] == "1G" and single["cpu"]["limit"] == 1
    assert values["cull"]["enabled"] is True and values["cull"]["timeout"] == 3600
    mount = single["storage"]["extraVolumeMounts"][0]
    assert mount["mountPath"] == single["extraEnv"]["MSCPSO_EDU_EXCHANGE"]
    # Each pod sees only its own user's part of the exchange volume.
    assert "{username}" in mount["subPath"]
    assert values["hub"]["config"]["JupyterHub"]["admin_access"] is False


def test_hub_config_loads_and_sets_the_course_up(monkeypatch):
    loader = pytest.importorskip("traitlets.config.loader")
    monkeypatch.setenv("MSCPSO_HUB_ADMINS", "teacher, ta1")
    monkeypatch.setenv("MSCPSO_EDU_EXCHANGE", "/srv/class/exchange")
    config = loader.PyFileConfigLoader("jupyterhub_config.py", path=str(DEPLOY)).load_config()
    assert config.JupyterHub.authenticator_class == "pam"  # real system users
    assert config.JupyterHub.spawner_class in ("localprocess", "systemdspawner.SystemdSpawner")
    assert config.Authenticator.admin_users == {"teacher", "ta1"}
    assert config.Spawner.environment["MSCPSO_EDU_EXCHANGE"] == "/srv/class/exchange"
    assert config.Spawner.mem_limit == "1G"
    (culler,) = config.JupyterHub.services
    assert culler["command"][1:3] == ["-m", "jupyterhub_idle_culler"]
    (role,) = config.JupyterHub.load_roles
    assert role["services"] == ["idle-culler"] and "delete:servers" in role["scopes"]


def test_readme_states_the_security_model():
    text = (DEPLOY / "README.md").read_text(encoding="utf-8")
    assert "no isolation" in text
    assert "mscpso-edu link" in text and "mscpso-edu collect" in text
