"""Where and as whom a submission's code runs while it is graded (the grader's side).

Each submission gets a fresh folder holding only a copy of it. Its kernel (and the process
that re-runs exercise checks) is started through `course_lib/grading/boot.py`, which applies
the policy built here:

- as root, with `unshare` available ("namespace" mode): a new mount and PID namespace with a
  private /tmp, /var/tmp and /dev/shm, folders the kernel must not see (e.g. /root) hidden
  except the Python installation it needs, then a switch to an unprivileged uid of its own
  (one per concurrent job, so two kernels cannot touch each other's files or processes),
  no_new_privs, and resource limits. The kernel cannot see the grader's processes, and when
  it dies every process it started dies with it (end of its PID namespace);
- as root without namespaces ("uid" mode): the uid switch and the limits only;
- not root ("none" mode): the limits that cannot hurt the user's other processes (memory,
  file size, CPU time). Student code then runs with the grader's own permissions: use the
  container route in docs/GRADING.md for untrusted classes.
"""

from __future__ import annotations

import fcntl
import json
import os
import pwd
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

BOOT = Path(__file__).resolve().parent / "boot.py"
REPO = Path(__file__).resolve().parents[2]  # the folder that holds course_lib
UID_BASE = 61800  # per-job sandbox uids: UID_BASE, UID_BASE + 1, ... (no passwd entry needed)
UID_SPAN = 64
GiB = 1024 ** 3
DEFAULT_MEMORY = 8 * GiB  # address space: TensorFlow maps ~3 GB of virtual memory at import
DEFAULT_FSIZE = 512 * 1024 ** 2  # bytes per file written
DEFAULT_NPROC = 1024  # tasks (threads count) of one job's uid: stops fork bombs
# Variables a kernel may inherit from the grader; everything else is dropped (tokens, keys).
PASS_ENV = ("COURSE_DATA_DIR", "LANG", "LC_ALL", "TZ", "TF_CPP_MIN_LOG_LEVEL",
            "OMP_NUM_THREADS", "CUDA_VISIBLE_DEVICES")


@dataclass
class Policy:
    """How sandboxed processes are started (see the module docstring)."""

    mode: str  # "namespace", "uid" or "none"
    memory: int = DEFAULT_MEMORY
    fsize: int = DEFAULT_FSIZE
    nproc: int = DEFAULT_NPROC
    warnings: list[str] = field(default_factory=list)


def _probe(cmd: list[str]) -> bool:
    try:
        return subprocess.run(cmd, capture_output=True, timeout=30).returncode == 0
    except (OSError, subprocess.SubprocessError):
        return False


_POLICY: dict[str, Policy] = {}
_LOCK = threading.Lock()


def detect_policy(memory: int = DEFAULT_MEMORY) -> Policy:
    """The strongest isolation this machine allows (probed once per process)."""
    with _LOCK:
        if "p" not in _POLICY:
            _POLICY["p"] = _detect()
        base = _POLICY["p"]
    return Policy(base.mode, memory, base.fsize, base.nproc, list(base.warnings))


def _detect() -> Policy:
    forced = os.environ.get("COURSE_GRADING_SANDBOX", "").strip().lower()
    if os.geteuid() != 0 or forced == "none":
        why = "not running as root" if os.geteuid() != 0 else "COURSE_GRADING_SANDBOX=none"
        return Policy("none", warnings=[
            f"sandbox: {why}, so student code runs with the grader's own permissions "
            "(limits on memory, file size and CPU time only); grade untrusted classes in a "
            "container (docs/GRADING.md)"])
    unshare = shutil.which("unshare")
    if forced != "uid" and unshare and _probe(
            [unshare, "--mount", "--pid", "--fork", "--mount-proc", sys.executable, "-I",
             str(BOOT), "--probe"]):
        return Policy("namespace")
    # Without namespaces the unprivileged uid must be able to reach the interpreter itself.
    if _probe([sys.executable, "-I", str(BOOT), "--probe-uid", str(UID_BASE)]):
        return Policy("uid", warnings=["sandbox: no mount/PID namespaces (unshare failed): "
                                       "kernels run under their own uid only"])
    return Policy("none", warnings=[
        "sandbox: running as root but neither namespaces nor an unprivileged uid work here "
        "(is the Python installation readable by other users?), so student code runs as "
        "root; grade untrusted classes in a container (docs/GRADING.md)"])


def _lock_dir() -> Path:
    """Where uid locks live: root's /run/lock when writable, else the temporary folder."""
    base = Path("/run/lock") if os.access("/run/lock", os.W_OK) else Path(tempfile.gettempdir())
    folder = base / "course_lib-grading"
    folder.mkdir(mode=0o700, exist_ok=True)
    return folder


def _try_lock(uid: int) -> int | None:
    """An open fd holding the exclusive lock of `uid`, or None when another grader has it."""
    fd = os.open(_lock_dir() / f"uid-{uid}.lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        return None
    return fd


class UidPool:
    """Hands out an unused sandbox uid per running job, at most `n` at once.

    A uid is held through an exclusive lock on its file (`_lock_dir()`), so graders running at
    the same time on one machine (two classes, two pools in one run) never share a uid and
    never kill each other's kernels; the OS drops the lock if a grader dies. Each uid is swept
    clean (`kill_uid`) before use.
    """

    def __init__(self, n: int):
        self._limit = n
        self._candidates = []
        for uid in range(UID_BASE, UID_BASE + UID_SPAN):
            try:
                pwd.getpwuid(uid)  # taken by a real account: skip it
            except KeyError:
                self._candidates.append(uid)
        self._held: dict[int, int] = {}  # uid -> fd of its lock
        self._cond = threading.Condition()

    def _lock_one(self) -> int | None:
        for uid in self._candidates:
            if uid not in self._held:
                fd = _try_lock(uid)
                if fd is not None:
                    self._held[uid] = fd
                    return uid
        return None

    def acquire(self) -> int:
        with self._cond:
            uid = None
            while uid is None:
                if len(self._held) < self._limit:
                    uid = self._lock_one()
                if uid is None:  # all busy here, or held by other graders: wait and retry
                    self._cond.wait(timeout=1.0)
        kill_uid(uid)  # leftovers of an earlier, killed run
        return uid

    def release(self, uid: int) -> None:
        with self._cond:
            os.close(self._held.pop(uid))
            self._cond.notify()


def processes_of(uid: int) -> list[int]:
    """Pids of the processes whose real uid is `uid` (from /proc)."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/status", encoding="utf-8") as f:
                for line in f:
                    if line.startswith("Uid:"):
                        if int(line.split()[1]) == uid:
                            found.append(int(entry))
                        break
        except (OSError, ValueError, IndexError):
            continue
    return found


def kill_uid(uid: int, wait: float = 10.0) -> bool:
    """SIGKILL every process of a sandbox uid (detached ones included); True once none is left.

    A child switched to that uid calls kill(-1, SIGKILL): the kernel then delivers the signal
    to every process that uid owns, in every namespace, and to nothing else.
    """
    if uid < UID_BASE or os.geteuid() != 0:
        return True
    deadline = time.monotonic() + wait
    while processes_of(uid):
        pid = os.fork()
        if pid == 0:  # pragma: no cover - child
            try:
                os.setgroups([])
                os.setresgid(uid, uid, uid)
                os.setresuid(uid, uid, uid)
                os.kill(-1, signal.SIGKILL)
            finally:
                os._exit(0)
        os.waitpid(pid, 0)
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def prepare_dir(path: Path, uid: int | None) -> None:
    """Hand a job folder to its sandbox uid (private to it: mode 0700)."""
    if uid is None:
        return
    for root, dirs, files in os.walk(path):
        for name in [root, *(os.path.join(root, d) for d in dirs),
                     *(os.path.join(root, f) for f in files)]:
            os.lchown(name, uid, uid)
    os.chmod(path, 0o700)


def _exposed() -> list[str]:
    """Folders the sandboxed interpreter must be able to read."""
    paths = {sys.prefix, sys.base_prefix, sys.exec_prefix,
             str(Path(os.path.realpath(sys.executable)).parent.parent), str(REPO)}
    data = os.environ.get("COURSE_DATA_DIR")
    if data:
        paths.add(str(Path(data).resolve()))
    return sorted(p for p in paths if os.path.isdir(p))


def kernel_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """The whole environment of a sandboxed process: nothing of the grader's but PASS_ENV."""
    env = {k: os.environ[k] for k in PASS_ENV if k in os.environ}
    env.update({
        "PATH": os.pathsep.join([str(Path(sys.executable).parent), "/usr/local/bin",
                                 "/usr/bin", "/bin"]),
        "PYTHONPATH": str(REPO),  # this checkout's course_lib, not an installed copy
        "COURSE_FAST": "1", "COURSE_GRADING": "1", "COURSE_HEADLESS": "1",
        "MPLBACKEND": "Agg", "PYTHONDONTWRITEBYTECODE": "1", "PYTHONNOUSERSITE": "1",
    })
    env.setdefault("LANG", "C.UTF-8")
    env.update(extra or {})
    return env


def boot_config(policy: Policy, workdir: Path, uid: int | None, argv: list[str],
                cpu_seconds: float, env: dict[str, str] | None = None) -> dict:
    """What boot.py needs to start one sandboxed process running `argv`."""
    return {
        "namespace": policy.mode == "namespace",
        "uid": uid if policy.mode in {"namespace", "uid"} else None,
        "workdir": str(workdir),
        "expose": _exposed(),
        "argv": argv,
        "env": kernel_env(env),
        "limits": {"memory": policy.memory, "fsize": policy.fsize,
                   "nproc": policy.nproc if policy.mode != "none" else None,
                   "cpu": int(max(30, cpu_seconds))},
    }


def boot_command(policy: Policy, config_path: Path) -> list[str]:
    """Command line that starts boot.py (inside new namespaces when possible)."""
    boot = [sys.executable, "-I", str(BOOT), str(config_path)]
    if policy.mode == "namespace":
        return [shutil.which("unshare") or "unshare", "--mount", "--pid", "--fork",
                "--mount-proc", *boot]
    return boot


def write_config(path: Path, config: dict) -> Path:
    path.write_text(json.dumps(config), encoding="utf-8")
    os.chmod(path, 0o600)  # read by the boot script while it is still the grader's uid
    return path


def sweep_all() -> bool:
    """Kill whatever any sandbox uid still runs (end of a grading run); True when clean."""
    if os.geteuid() != 0:
        return True
    ok = True
    for uid in range(UID_BASE, UID_BASE + UID_SPAN):
        try:
            pwd.getpwuid(uid)
            continue  # a real account, never ours
        except KeyError:
            pass
        if processes_of(uid):
            ok = kill_uid(uid) and ok
    return ok
