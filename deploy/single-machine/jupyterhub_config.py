"""JupyterHub for the autograd-lab course on one server (deploy/README.md says how to use it).

    jupyterhub -f deploy/single-machine/jupyterhub_config.py     # as root, from the hub's clone

What it sets, and why:
- every student is a Unix user of the server (PAM login; the teacher adds them on the admin
  page, which creates the accounts), so the operating system keeps their files apart;
- a student server opens JupyterLab with the course's settings (the ones `make lab` writes: no
  news prompt, the class's interface language at a first start), through singleuser.py;
- OMP_NUM_THREADS=1: PyTorch otherwise starts one thread per core in every kernel, and thirty
  kernels on sixteen cores slow each other down;
- idle kernels stop after KERNEL_IDLE seconds and idle servers after SERVER_IDLE (a kernel of
  lesson 06 holds about 430 MB; without culling they pile up);
- the course's package must be installed in this Python (the kernels import it from here).

tests/test_hub.py loads this file in a real JupyterHub and checks each of these; only what a
loopback test must change (ports, the spawner without system users, the login) it sets after.
"""

import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
c = get_config()  # noqa: F821 (JupyterHub provides it)

# The interface language of a student's first start (zh or en); a student's own later choice
# in JupyterLab's Settings menu is kept.
UI = os.environ.get("AUTOGRAD_LAB_UI", "zh")
KERNEL_IDLE = 30 * 60  # s without any execution before a kernel is stopped
SERVER_IDLE = 60 * 60  # s without any activity before a student's server is stopped
CULL_EVERY = 5 * 60  # s between the culler's checks

# Serve on port 8000 of every interface; put HTTPS in front (a reverse proxy, or
# c.JupyterHub.ssl_cert / ssl_key) before students type a password into it.
c.JupyterHub.bind_url = "http://:8000"
c.JupyterHub.authenticator_class = "pam"
c.LocalAuthenticator.create_system_users = True  # users added on the admin page get accounts
c.Authenticator.admin_users = {os.environ.get("AUTOGRAD_LAB_TEACHER", "teacher")}
c.Authenticator.allow_existing_users = True  # whoever the admin page adds may log in
c.JupyterHub.spawner_class = "localprocess"

c.Spawner.cmd = [sys.executable, str(HERE / "singleuser.py"), f"--ui={UI}"]
c.Spawner.default_url = "/lab"
c.Spawner.environment = {"OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
c.Spawner.args = [
    f"--MappingKernelManager.cull_idle_timeout={KERNEL_IDLE}",
    f"--MappingKernelManager.cull_interval={CULL_EVERY}",
    # a kernel left open in a browser tab counts as idle too: the tab keeps it otherwise
    "--MappingKernelManager.cull_connected=True",
]

# jupyterhub-idle-culler (PyPI) stops servers that were idle for SERVER_IDLE seconds.
c.JupyterHub.services = [
    {
        "name": "idle-culler",
        "command": [
            sys.executable,
            "-m",
            "jupyterhub_idle_culler",
            f"--timeout={SERVER_IDLE}",
            f"--cull-every={CULL_EVERY}",
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
