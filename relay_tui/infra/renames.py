"""Linux's atomic rename variants (swap two names, create without replacing) through renameat2."""

from __future__ import annotations

import errno
import functools
import os
from typing import Any

RENAME_NOREPLACE = 1
RENAME_EXCHANGE = 2
_UNSUPPORTED = (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP)


@functools.cache
def _renameat2() -> Any:
    """libc's renameat2, loaded on the first rename that needs it (ctypes costs start-up)."""
    # lazy: ctypes costs every command ~3 ms; only a checked rename needs it
    import ctypes

    try:
        function = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):  # not glibc 2.28+, or not Linux
        return None
    function.argtypes = (ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p,
                         ctypes.c_uint)  # fmt: skip
    function.restype = ctypes.c_int
    return function


def _call(src_dir: int, src: str, dst_dir: int, dst: str, flags: int) -> bool:
    """True when done; False when this system or file system lacks the call; OSError else."""
    # lazy: ctypes costs every command ~3 ms; only a checked rename needs it
    import ctypes

    renameat2 = _renameat2()
    if renameat2 is None:
        return False
    if renameat2(src_dir, os.fsencode(src), dst_dir, os.fsencode(dst), flags) == 0:
        return True
    code = ctypes.get_errno()
    if code in _UNSUPPORTED:
        return False
    raise OSError(code, os.strerror(code))


def exchange(src_dir: int, src: str, dst_dir: int, dst: str) -> bool:
    """Swap two existing names in one step; False when unsupported here."""
    return _call(src_dir, src, dst_dir, dst, RENAME_EXCHANGE)


def rename_new(src_dir: int, src: str, dst_dir: int, dst: str) -> bool:
    """Rename only if `dst` does not exist (FileExistsError if it does); False if unsupported."""
    return _call(src_dir, src, dst_dir, dst, RENAME_NOREPLACE)
