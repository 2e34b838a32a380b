# JupyterHub configuration for an mscpso-edu course server on one machine.
#
# Every student is a real system user (PAM login), so each single-user server and kernel runs with
# that student's uid: students cannot read each other's homes, progress stores or submissions.
# Never run single-user servers as root: a hub whose servers all run as one user (root or not)
# has NO isolation between students. See README.md in this folder for the whole deployment.
#
# Start (as root, from this folder):  jupyterhub -f jupyterhub_config.py
# Environment knobs (all optional):
#   MSCPSO_HUB_ADMINS        comma-separated instructors' user names (hub admins)
#   MSCPSO_HUB_ROSTER        file with one student user name per line (who may log in)
#   MSCPSO_EDU_EXCHANGE      exchange folder (default /srv/mscpso-edu/exchange)
#   MSCPSO_HUB_MEM_LIMIT     memory per student (default 1G), MSCPSO_HUB_CPU_LIMIT (default 1)
#   MSCPSO_HUB_CULL_TIMEOUT  seconds idle before a server is stopped (default 3600)
import os
import sys
from pathlib import Path

c = get_config()  # noqa: F821 - provided by JupyterHub when it loads this file

STATE = Path(os.environ.get("MSCPSO_HUB_STATE", "/srv/jupyterhub"))
EXCHANGE = os.environ.get("MSCPSO_EDU_EXCHANGE", "/srv/mscpso-edu/exchange")

# --- network ---------------------------------------------------------------------------------
# Listen on loopback and put a TLS reverse proxy (nginx, Caddy) in front, or give JupyterHub
# c.JupyterHub.ssl_cert / ssl_key and bind to the public address.
c.JupyterHub.bind_url = os.environ.get("MSCPSO_HUB_BIND_URL", "http://127.0.0.1:8000")
c.JupyterHub.db_url = f"sqlite:///{STATE / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(STATE / "jupyterhub_cookie_secret")

# --- who may log in --------------------------------------------------------------------------
# PAM checks the machine's own passwords. For a university, an OAuthenticator (your single
# sign-on) or LTI from the learning-management system is usual; keep real system users either way
# (LocalAuthenticator.create_system_users can create them on first login).
c.JupyterHub.authenticator_class = "pam"
c.Authenticator.admin_users = {
    name.strip() for name in os.environ.get("MSCPSO_HUB_ADMINS", "").split(",") if name.strip()
}
roster = os.environ.get("MSCPSO_HUB_ROSTER")
if roster:
    c.Authenticator.allowed_users = {
        line.strip() for line in Path(roster).read_text().splitlines() if line.strip()
    }
# Admins may not open students' servers: grading works from submissions, not from their homes.
c.JupyterHub.admin_access = False

# --- the students' servers -------------------------------------------------------------------
MEM_LIMIT = os.environ.get("MSCPSO_HUB_MEM_LIMIT", "1G")
CPU_LIMIT = float(os.environ.get("MSCPSO_HUB_CPU_LIMIT", "1"))
try:
    # SystemdSpawner (pip install jupyterhub-systemdspawner) runs each server as the student's
    # own user in a systemd unit that enforces the memory and CPU limits.
    import systemdspawner  # noqa: F401

    c.JupyterHub.spawner_class = "systemdspawner.SystemdSpawner"
    c.SystemdSpawner.isolate_tmp = True  # a private /tmp per student
    c.SystemdSpawner.isolate_devices = True
    c.SystemdSpawner.disable_user_sudo = True
    c.SystemdSpawner.unit_name_template = "jupyter-{USERNAME}"
except ImportError:
    # LocalProcessSpawner also runs each server as the student's user (setuid), but cannot
    # enforce the limits below; use it only for a small class you trust with the machine.
    c.JupyterHub.spawner_class = "localprocess"
c.Spawner.mem_limit = MEM_LIMIT
c.Spawner.cpu_limit = CPU_LIMIT
c.Spawner.default_url = "/lab"
c.Spawner.notebook_dir = "~"
# Students' own Jupyter config files cannot switch off what this file sets.
c.Spawner.disable_user_config = True
c.Spawner.environment = {
    # Where `mscpso-edu submit` hands quizzes in; see README.md, "Submissions".
    "MSCPSO_EDU_EXCHANGE": EXCHANGE,
    "MPLBACKEND": "module://matplotlib_inline.backend_inline",
}
# A class logs in at the start of the lecture: start servers in batches, and cap the total.
c.JupyterHub.concurrent_spawn_limit = 10
c.JupyterHub.active_server_limit = int(os.environ.get("MSCPSO_HUB_MAX_SERVERS", "60"))
c.Spawner.start_timeout = 120
c.Spawner.http_timeout = 60

# --- stop idle servers -----------------------------------------------------------------------
# jupyterhub-idle-culler stops servers idle longer than the timeout, freeing their memory; the
# student's files stay, and the next visit (or nbgitpuller link) starts the server again.
CULL_TIMEOUT = int(os.environ.get("MSCPSO_HUB_CULL_TIMEOUT", "3600"))
c.JupyterHub.services = [
    {
        "name": "idle-culler",
        "command": [
            sys.executable,
            "-m",
            "jupyterhub_idle_culler",
            f"--timeout={CULL_TIMEOUT}",
            "--cull-every=300",
            "--concurrency=5",
        ],
    }
]
c.JupyterHub.load_roles = [
    {
        "name": "idle-culler",
        "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"],
        "services": ["idle-culler"],
    }
]
