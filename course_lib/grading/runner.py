"""Run one submission in isolation and read back only what the grader can trust.

The grader (this process) never runs student code. For each submission it makes a private
folder (mode 0700) holding a fresh job folder with only a copy of the notebook, hands that to
a sandbox uid (grading.sandbox), starts the worker (grading.worker) as `python -I` with a
minimal environment in its own session, and afterwards:

1. kills every process the sandbox uid still has (detached ones included) and confirms that
   none is left: only then is anything read;
2. reads the worker's result and checks its HMAC (the secret went to the worker on stdin);
3. deletes the folders.
"""

from __future__ import annotations

import hmac
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from course_lib.grading import sandbox
from course_lib.grading.worker import sign

BOOTSTRAP = ("import sys; sys.path.insert(0, sys.argv[1]); "
             "from course_lib.grading.worker import main; sys.exit(main())")
START_SLACK = 120.0  # kernel start-up (TensorFlow import on a busy machine) + shutdown


@dataclass
class Execution:
    nb: object | None
    timeouts: list[int] = field(default_factory=list)
    dead: int | None = None
    unresponsive: int | None = None
    capped: int | None = None  # cell index where the whole-notebook limit hit
    internal_error: str | None = None
    current: int | None = None
    tampering: list[str] = field(default_factory=list)  # what the grader itself detected


def _kernel_argv(kernel_name: str) -> list[str]:
    try:
        from jupyter_client.kernelspec import KernelSpecManager

        return list(KernelSpecManager().get_kernel_spec(kernel_name).argv)
    except Exception:
        return ["python", "-m", "ipykernel_launcher", "-f", "{connection_file}"]


def _worker_env(base: Path) -> dict[str, str]:
    return {"PATH": os.pathsep.join([str(Path(sys.executable).parent), "/usr/bin", "/bin"]),
            "HOME": str(base), "JUPYTER_RUNTIME_DIR": str(base / "runtime"),
            "JUPYTER_PLATFORM_DIRS": "1", "LANG": os.environ.get("LANG", "C.UTF-8"),
            "PYTHONDONTWRITEBYTECODE": "1"}


def cpu_budget(total_timeout: float) -> float:
    """CPU seconds a kernel may use: every core busy for the whole cap, plus start-up."""
    return (total_timeout + START_SLACK) * (os.cpu_count() or 1)


def _confirm_dead(uid: int | None, pgid: int | None) -> bool:
    if uid is not None:
        return sandbox.kill_uid(uid)
    if pgid:  # no sandbox uid: the worker's session is the best handle there is
        try:
            os.killpg(pgid, signal.SIGKILL)
        except OSError:
            pass
    return True


class Sandboxed:
    """A private folder with a job folder a sandbox uid owns (context manager)."""

    def __init__(self, policy: sandbox.Policy, pool: sandbox.UidPool | None):
        self.policy, self.pool = policy, pool
        self.uid: int | None = None

    def __enter__(self) -> Sandboxed:
        self.base = Path(tempfile.mkdtemp(prefix="course-grade-"))
        os.chmod(self.base, 0o700)
        self.work = self.base / "work"
        self.work.mkdir()
        if self.policy.mode in {"namespace", "uid"} and self.pool is not None:
            self.uid = self.pool.acquire()
        return self

    def confirm_dead(self, pgid: int | None = None) -> bool:
        return _confirm_dead(self.uid, pgid)

    def __exit__(self, *exc) -> None:
        self.confirm_dead()
        shutil.rmtree(self.base, ignore_errors=True)
        if self.uid is not None and self.pool is not None:
            self.pool.release(self.uid)


def run_notebook(nb, name: str, timeout: float, total_timeout: float,
                 kernel_name: str = "python3", run_all: bool = False,
                 policy: sandbox.Policy | None = None,
                 pool: sandbox.UidPool | None = None) -> Execution:
    """Execute a (prepared) notebook in a sandboxed kernel; never raises for student faults."""
    import nbformat

    policy = policy or sandbox.detect_policy()
    pool = pool or sandbox.UidPool(1)
    with Sandboxed(policy, pool) as box:
        copy = box.work / name
        copy.write_text(nbformat.writes(nb), encoding="utf-8")
        sandbox.prepare_dir(box.work, box.uid)
        cfg = sandbox.boot_config(policy, box.work, box.uid, _kernel_argv(kernel_name),
                                  cpu_budget(total_timeout))
        config = sandbox.write_config(box.base / "boot.json", cfg)
        result, secret = box.base / "result.json", secrets.token_hex(32)
        job = {"notebook": str(copy), "result": str(result), "secret": secret,
               "timeout": timeout, "total": total_timeout, "run_all": run_all,
               "boot": sandbox.boot_command(policy, config) + ["{connection_file}"],
               "env": _worker_env(box.base), "cwd": str(box.work)}
        (box.base / "runtime").mkdir()
        with open(box.base / "worker.log", "wb") as log:
            proc = subprocess.Popen([sys.executable, "-I", "-c", BOOTSTRAP, str(sandbox.REPO)],
                                    stdin=subprocess.PIPE, stdout=log,
                                    stderr=subprocess.STDOUT, env=_worker_env(box.base),
                                    cwd=str(box.base), start_new_session=True)
            proc.stdin.write((json.dumps(job) + "\n").encode())
            proc.stdin.close()
            killed = False
            try:  # the worker enforces the limits; this is the backstop
                proc.wait(timeout=total_timeout + START_SLACK + 30)
            except subprocess.TimeoutExpired:
                killed = True
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        # Trust nothing until every process of the submission is gone.
        tampering: list[str] = []
        if not box.confirm_dead(proc.pid):
            tampering.append("processes of the submission survived SIGKILL")
        raw, sig = b"", ""
        try:
            raw = result.read_bytes()
            sig = Path(str(result) + ".sig").read_text(encoding="utf-8").strip()
        except OSError:
            pass
        data: dict = {}
        if raw:
            if hmac.compare_digest(sig, sign(secret, raw)):
                data = json.loads(raw)
            else:
                tampering.append("the worker's result was altered")
        status = data.get("status", {})
        executed = None
        if data.get("nb") is not None:
            try:
                executed = nbformat.from_dict(data["nb"])
            except Exception:
                executed = None
        internal = status.get("internal_error")
        capped = status.get("capped")
        if killed and capped is None:
            capped = status.get("current")
            capped = -1 if capped is None else capped
        if not killed and proc.returncode != 0:
            tampering.append(f"the grading worker was killed (exit {proc.returncode})")
        elif not status and not killed and not tampering:
            tail = (box.base / "worker.log").read_text(errors="replace")[-300:]
            internal = f"grading worker failed: {tail.strip()}"
        return Execution(executed, list(status.get("timeouts", [])), status.get("dead"),
                         status.get("unresponsive"), capped, internal, status.get("current"),
                         tampering)


def run_program(files: dict[str, str], argv: list[str], seconds: float,
                policy: sandbox.Policy | None = None,
                pool: sandbox.UidPool | None = None) -> tuple[int | None, str]:
    """Run `argv` in a fresh sandbox whose folder holds `files`; (exit status, stdout).

    Used to re-run exercise checks in a fresh process, away from the kernel's state.
    """
    policy = policy or sandbox.detect_policy()
    pool = pool or sandbox.UidPool(1)
    with Sandboxed(policy, pool) as box:
        for fname, text in files.items():
            (box.work / fname).write_text(text, encoding="utf-8")
        sandbox.prepare_dir(box.work, box.uid)
        cfg = sandbox.boot_config(policy, box.work, box.uid, argv, seconds * 2 + 60)
        config = sandbox.write_config(box.base / "boot.json", cfg)
        out = box.base / "stdout"
        t0 = time.monotonic()
        with open(out, "wb") as f:
            proc = subprocess.Popen(sandbox.boot_command(policy, config), stdout=f,
                                    stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL,
                                    env=_worker_env(box.base), cwd=str(box.base),
                                    start_new_session=True)
            try:
                code: int | None = proc.wait(timeout=seconds)
            except subprocess.TimeoutExpired:
                code = None
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        box.confirm_dead(proc.pid)
        del t0
        with open(out, "rb") as f:
            text = f.read(4 * 1024 * 1024).decode("utf-8", errors="replace")
        return code, text
