"""Start one sandboxed process for the grader: `python -I boot.py CONFIG [CONNECTION]`.

Runs as the grader's user, inside fresh mount and PID namespaces when the config says so
(`unshare --mount --pid --fork --mount-proc` started it), sets the sandbox up, gives up every
privilege and then execs the configured command (the Jupyter kernel, or the exercise
re-check). Standard library only: it runs before anything of the course is importable.
The policy is decided in course_lib/grading/sandbox.py.
"""

from __future__ import annotations

import ctypes
import json
import os
import resource
import subprocess
import sys

INSIDE = "/tmp/work"  # the job folder's path inside the namespace
PR_SET_NO_NEW_PRIVS = 38


def _mount(*args: str) -> None:
    subprocess.run(["mount", *args], check=True, capture_output=True)


def _ancestors(path: str) -> list[str]:
    out, p = [], os.path.dirname(path)
    while p not in ("/", ""):
        out.append(p)
        p = os.path.dirname(p)
    return out[::-1]  # shallowest first


def _bind_fd(fd: int, target: str, readonly: bool) -> None:
    os.makedirs(target, exist_ok=True)
    _mount("--no-canonicalize", "--bind", f"/proc/{os.getpid()}/fd/{fd}", target)
    if readonly:
        _mount("-o", "remount,bind,ro", target)


def _hide_private_parents(expose: list[str]) -> None:
    """A folder others cannot enter (e.g. /root) becomes an empty tmpfs, except for the
    exposed paths below it (the Python installation), bound back read-only."""
    groups: dict[str, list[str]] = {}
    for path in expose:
        for a in _ancestors(path):
            if not os.stat(a).st_mode & 0o001:
                groups.setdefault(a, []).append(path)
                break
    for top in sorted(groups, key=len):
        fds = [(os.open(p, os.O_PATH), p) for p in groups[top]]
        _mount("-t", "tmpfs", "-o", "mode=755,size=1m", "tmpfs", top)
        for fd, p in fds:
            _bind_fd(fd, p, readonly=True)
            os.close(fd)


def _namespace(workdir: str, uid: int | None, expose: list[str]) -> str:
    _mount("--make-rprivate", "/")  # nothing below propagates back to the host
    _hide_private_parents(expose)
    work = os.open(workdir, os.O_PATH)
    temporary = [tmp for tmp in ("/tmp", "/var/tmp", "/dev/shm") if os.path.isdir(tmp)]
    # Exposed folders that live in a temporary folder (a course checkout cloned into /tmp,
    # as CI may do) would vanish under the private tmpfs: keep a handle, bind them back.
    kept = [(os.open(p, os.O_PATH), p) for p in expose
            if any(p == tmp or p.startswith(tmp + "/") for tmp in temporary)]
    # Private temporary folders: the other jobs' folders (and the grader's) live in /tmp.
    for tmp in temporary:
        _mount("-t", "tmpfs", "-o", "mode=1777,size=2g", "tmpfs", tmp)
    for fd, path in kept:
        _bind_fd(fd, path, readonly=True)
        os.close(fd)
    _bind_fd(work, INSIDE, readonly=False)
    os.close(work)
    home = "/tmp/home"
    os.makedirs(home, mode=0o700)
    if uid is not None:
        os.chown(home, uid, uid)
    return INSIDE


def _drop(uid: int) -> None:
    os.setgroups([])
    os.setresgid(uid, uid, uid)
    os.setresuid(uid, uid, uid)  # root -> uid: every capability is gone


def _limits(lim: dict) -> None:
    def cap(res: int, value: int | None, hard: int | None = None) -> None:
        if value is not None:
            resource.setrlimit(res, (value, value if hard is None else hard))

    cap(resource.RLIMIT_AS, lim.get("memory"))
    cap(resource.RLIMIT_FSIZE, lim.get("fsize"))
    cap(resource.RLIMIT_NPROC, lim.get("nproc"))
    cap(resource.RLIMIT_CORE, 0)
    if lim.get("cpu"):
        cap(resource.RLIMIT_CPU, int(lim["cpu"]), int(lim["cpu"]) + 5)


def _no_new_privs() -> None:
    try:
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)
    except (OSError, AttributeError):
        pass


def main(argv: list[str]) -> int:
    if argv[:1] == ["--probe"]:  # namespaces usable? (run under unshare by the grader)
        _mount("--make-rprivate", "/")
        _mount("-t", "tmpfs", "tmpfs", "/tmp")
        return 0
    if argv[:1] == ["--probe-uid"]:  # can an unprivileged uid run this interpreter?
        pid = os.fork()
        if pid == 0:
            _drop(int(argv[1]))
            os.execv(sys.executable, [sys.executable, "-I", "-c", "import encodings"])
        return 0 if os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) == 0 else 1
    with open(argv[0], encoding="utf-8") as f:
        cfg = json.load(f)
    workdir, uid = cfg["workdir"], cfg["uid"]
    argv_out = list(cfg["argv"])
    conn_data = None
    if len(argv) > 1:  # the kernel's connection file, readable by the grader only
        with open(argv[1], "rb") as f:
            conn_data = f.read()
    inside = _namespace(workdir, uid, cfg["expose"]) if cfg["namespace"] else workdir
    env = dict(cfg["env"])
    env["HOME"] = "/tmp/home" if cfg["namespace"] else inside
    # Outside the job folder where there is a private home: the student's folder then holds
    # only their notebook.
    conn = os.path.join(env["HOME"], ".connection.json")
    if conn_data is not None:
        with open(conn, "wb") as f:
            f.write(conn_data)
        os.chmod(conn, 0o600)
        if uid is not None:
            os.chown(conn, uid, uid)
    env["TMPDIR"] = "/tmp" if cfg["namespace"] else inside
    env["IPYTHONDIR"] = os.path.join(env["HOME"], ".ipython")
    env["MPLCONFIGDIR"] = os.path.join(env["HOME"], ".mpl")
    argv_out = [a.replace("{connection_file}", conn)
                .replace("{workdir}", inside) for a in argv_out]
    os.chdir(inside)
    if uid is not None:
        _drop(uid)
    os.umask(0o077)
    _no_new_privs()
    _limits(cfg["limits"])
    os.execvpe(argv_out[0], argv_out, env)
    return 1  # not reached


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
