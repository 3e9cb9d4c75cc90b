"""Limits the system sets on this process, read without heavy imports (the command line
checks them before the libraries load; `exsim.model.memory` reads them too)."""

from __future__ import annotations


def address_limit() -> int | None:
    """The address-space limit of this process in bytes (``ulimit -v``), None if none or
    if the system has no such limit to read."""
    try:
        import resource

        soft, _ = resource.getrlimit(resource.RLIMIT_AS)
    except (ImportError, ValueError, OSError):
        return None
    return None if soft in (resource.RLIM_INFINITY, -1) else soft
