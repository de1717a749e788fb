"""The grader's worker: drives one sandboxed Jupyter kernel through one submission.

Started by `course_lib.grading.runner` as an isolated interpreter (`python -I`, a minimal
environment, its own session, working directory in the grader's private folder). It reads
its job as one JSON line on stdin (a secret included, so nothing else can forge its result),
starts the kernel through boot.py and writes the executed notebook plus a status to
RESULT, signed with HMAC-SHA256 in RESULT.sig. The result is saved every few seconds and at
the end, never after each cell: re-serialising the notebook per cell made 10 000 trivial
cells cost 0.35 s each.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import inspect
import json
import math
import os
import sys
import time
from pathlib import Path

from course_lib.grading.cells import SKIP_TAGS

CHECKPOINT_S = 5.0


def sign(secret: str, data: bytes) -> str:
    return hmac.new(bytes.fromhex(secret), data, hashlib.sha256).hexdigest()


def _tags(cell) -> set[str]:
    tags = (cell.get("metadata") or {}).get("tags", [])
    return {t for t in tags if isinstance(t, str)} if isinstance(tags, list) else set()


def run(job: dict) -> int:
    """Execute job["notebook"]; see the module docstring."""
    import nbformat
    from jupyter_client.kernelspec import KernelSpec
    from jupyter_client.manager import AsyncKernelManager
    from nbclient import NotebookClient
    from nbclient.exceptions import CellTimeoutError, DeadKernelError

    skip_tags = set() if job["run_all"] else SKIP_TAGS
    cell_timeout, total = max(1.0, float(job["timeout"])), max(1.0, float(job["total"]))
    result, secret = Path(job["result"]), job["secret"]
    nb = nbformat.read(job["notebook"], as_version=4)
    status: dict = {"timeouts": [], "dead": None, "unresponsive": None, "capped": None,
                    "internal_error": None, "finished": False, "current": None}
    clock = {"start": time.monotonic(), "saved": 0.0}

    def remaining() -> float:
        return total - (time.monotonic() - clock["start"])

    def cell_limit(cell) -> int:
        return max(1, math.ceil(min(cell_timeout, remaining())))

    def save(force: bool = True) -> None:
        if not force and time.monotonic() - clock["saved"] < CHECKPOINT_S:
            return
        data = json.dumps({"nb": nb, "status": status}).encode()
        tmp = result.with_name(result.name + ".tmp")
        tmp.write_bytes(data)
        os.replace(tmp, result)
        Path(str(result) + ".sig").write_text(sign(secret, data), encoding="utf-8")
        clock["saved"] = time.monotonic()

    class Client(NotebookClient):
        current = -1

        async def _async_handle_timeout(self, timeout, cell=None):
            if remaining() <= 0.5:
                status["capped"] = self.current
            elif self.current not in status["timeouts"]:
                status["timeouts"].append(self.current)
            return await super()._async_handle_timeout(timeout, cell)

    km = AsyncKernelManager(kernel_name="course-sandbox")
    # The kernel is started by the boot script, which sandboxes it before exec'ing the
    # instructor's kernel command (see sandbox.boot_command).
    km._kernel_spec = KernelSpec(argv=job["boot"], display_name="sandboxed",
                                 language="python")
    client = Client(
        nb, km=km, timeout_func=cell_limit, interrupt_on_timeout=True, allow_errors=True,
        error_on_timeout={"ename": "CellTimeout", "evalue": "time limit reached",
                          "traceback": []},
        resources={"metadata": {"path": job["cwd"]}}, record_timing=False,
        iopub_timeout=3, shutdown_kernel="immediate", startup_timeout=120,
    )

    async def go() -> None:
        async with client.async_setup_kernel(env=job["env"]):
            msg_id = client.kc.kernel_info()
            if inspect.isawaitable(msg_id):
                msg_id = await msg_id
            await client.async_wait_for_reply(msg_id)
            clock["start"] = time.monotonic()  # the cap counts cell time, not start-up
            streak = 0
            for index, cell in enumerate(nb.cells):
                if cell.cell_type != "code" or skip_tags & _tags(cell):
                    continue
                if remaining() <= 0.5:
                    status["capped"] = index
                    break
                client.current = status["current"] = index
                n_timeouts = len(status["timeouts"])
                try:
                    await client.async_execute_cell(
                        cell, index, execution_count=client.code_cells_executed + 1)
                except DeadKernelError:
                    status["dead"] = index
                    break
                except CellTimeoutError:  # iopub trouble: count it as a timeout
                    if index not in status["timeouts"]:
                        status["timeouts"].append(index)
                save(force=False)
                if status["capped"] is not None:
                    break
                streak = streak + 1 if len(status["timeouts"]) > n_timeouts else 0
                if streak >= 2:  # the interrupt did not free the kernel
                    status["unresponsive"] = index
                    break
            status["finished"] = all(status[k] is None for k in ("dead", "unresponsive",
                                                                  "capped"))

    try:
        asyncio.run(go())
    except Exception as e:  # kernel failed to start, ...
        status["internal_error"] = f"{type(e).__name__}: {str(e)[:300]}"
    save()
    return 0


def main() -> int:
    return run(json.loads(sys.stdin.readline()))


if __name__ == "__main__":
    sys.exit(main())
