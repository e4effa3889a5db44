"""Resolve process command lines (celery, gunicorn, bansos) against the code they name."""
from __future__ import annotations

import importlib
import shlex

from services.common.contracts import QUEUES


def _option(args: list[str], *names: str) -> str | None:
    for i, arg in enumerate(args):
        for name in names:
            if arg == name and i + 1 < len(args):
                return args[i + 1]
            if arg.startswith(name + "="):
                return arg.split("=", 1)[1]
    return None


def problems(args: list[str]) -> list[str]:
    """Return what is wrong with one command line (empty when every reference resolves)."""
    program = args[0].rsplit("/", 1)[-1]
    if program == "celery":
        module = _option(args, "-A", "--app")
        importlib.import_module(module)
        if "worker" in args:
            queue = _option(args, "-Q", "--queues")
            if queue not in QUEUES:
                return [f"antrean {queue!r} bukan salah satu dari {QUEUES}"]
        return []
    if program == "gunicorn":
        target = args[-1]
        module, _, call = target.partition(":")
        factory = getattr(importlib.import_module(module), call.removesuffix("()"))
        return [] if callable(factory) and call.endswith("()") else [f"{target} bukan pabrik aplikasi"]
    if program == "bansos":
        from services.cli import main

        return [] if args[1] in main.commands else [f"subperintah bansos {args[1]!r} tidak terdaftar"]
    return [f"program {program!r} tidak dikenal"]


def split(command: str | list[str]) -> list[str]:
    return list(command) if isinstance(command, list) else shlex.split(command)
