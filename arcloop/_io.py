"""Crash-safe file writes, and bounded reads of files the user hands us.

Writes: a reader sees the old file or the new one, never half of one.

Reads (``read_input``, ``read_json``): only regular files (a FIFO or a device is refused
before a byte is read), at most ``max_input_bytes()`` (64 MiB unless ``ARCLOOP_MAX_INPUT_MIB``
says otherwise), UTF-8. JSON is parsed strictly: duplicate keys, integers of more than 20
digits, NaN and Infinity are refused, and so is nesting deeper than the parser's recursion
limit (about 1,000 levels; ARC files need 6). Every refusal is a ``UserError`` naming the file.
"""

from __future__ import annotations

import json
import os
import stat
import tempfile
from pathlib import Path
from typing import Any

from arcloop.errors import InputFileError, UserError

DEFAULT_MAX_INPUT_MIB = 64
MAX_INPUT_ENV = "ARCLOOP_MAX_INPUT_MIB"
MAX_INT_DIGITS = 20


def _current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


# Files are created 0600 by mkstemp; give them the mode a plain open() would have.
_FILE_MODE = 0o666 & ~_current_umask()


def write_text_atomic(path: str | Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temp file in the same folder, fsync, rename."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, _FILE_MODE)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_json_atomic(path: str | Path, obj: Any, *, indent: int | None = None) -> None:
    """Write ``obj`` as JSON to ``path`` atomically (see ``write_text_atomic``)."""
    write_text_atomic(path, json.dumps(obj, indent=indent) + "\n")


def max_input_bytes() -> int:
    """The largest input file arcloop reads: ``ARCLOOP_MAX_INPUT_MIB`` MiB, default 64."""
    text = os.environ.get(MAX_INPUT_ENV, "")
    try:
        mib = float(text) if text else DEFAULT_MAX_INPUT_MIB
    except ValueError:
        raise InputFileError(f"{MAX_INPUT_ENV}={text!r} is not a number of MiB") from None
    if mib <= 0:
        raise InputFileError(f"{MAX_INPUT_ENV}={text!r} must be more than 0")
    return int(mib * (1 << 20))


def read_input(path: str | Path, *, error: type[UserError] = InputFileError) -> bytes:
    """The bytes of a regular file of at most ``max_input_bytes()``.

    Raises:
        error: it cannot be opened, is not a regular file, or is too big.
    """
    limit = max_input_bytes()
    try:
        # O_NONBLOCK: opening a FIFO must not wait for a writer before we can refuse it.
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as e:
        raise error(f"{path}: cannot read: {e.strerror or e}") from e
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            kind = _file_kind(info.st_mode)
            raise error(f"{path}: is {kind}, not a regular file")
        if info.st_size > limit:
            raise error(f"{path}: is {_mib(info.st_size)}; {_limit_text(limit)}")
        os.set_blocking(fd, True)
        chunks = []
        size = 0
        while chunk := os.read(fd, 1 << 20):
            chunks.append(chunk)
            size += len(chunk)
            if size > limit:  # it grew while we read it
                raise error(f"{path}: holds more than {_mib(limit)}; {_limit_text(limit)}")
        return b"".join(chunks)
    except OSError as e:
        raise error(f"{path}: cannot read: {e.strerror or e}") from e
    finally:
        os.close(fd)


def _file_kind(mode: int) -> str:
    for test, name in (
        (stat.S_ISDIR, "a folder"),
        (stat.S_ISFIFO, "a FIFO"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISSOCK, "a socket"),
    ):
        if test(mode):
            return name
    return "not a regular file"


def _mib(size: int) -> str:
    return f"{size / (1 << 20):.1f} MiB"


def _limit_text(limit: int) -> str:
    return f"the limit is {_mib(limit)} (set {MAX_INPUT_ENV} to change it)"


def read_text(path: str | Path, *, error: type[UserError] = InputFileError) -> str:
    """``read_input`` decoded as UTF-8."""
    data = read_input(path, error=error)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise error(f"{path}: not UTF-8 text: {e.reason} at byte {e.start}") from e


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise ValueError(f"the key {key[:40]!r} appears twice in one object")
        out[key] = value
    return out


def _bounded_int(text: str) -> int:
    digits = len(text.lstrip("-"))
    if digits > MAX_INT_DIGITS:
        raise ValueError(f"an integer of {digits} digits (at most {MAX_INT_DIGITS})")
    return int(text)


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def parse_json(text: str, *, where: str, error: type[UserError] = InputFileError) -> Any:
    """Parse JSON strictly (see the module docstring); errors name ``where``."""
    try:
        return json.loads(
            text,
            object_pairs_hook=_unique_keys,
            parse_int=_bounded_int,
            parse_constant=_no_constant,
        )
    except json.JSONDecodeError as e:
        raise error(f"{where}: not valid JSON: {e.msg} at line {e.lineno} column {e.colno}") from e
    except RecursionError as e:
        raise error(f"{where}: not valid JSON: nested too deeply") from e
    except ValueError as e:
        raise error(f"{where}: not valid JSON: {e}") from e


def read_json(path: str | Path, *, error: type[UserError] = InputFileError) -> Any:
    """Read and parse a JSON file the user gave, within every bound above."""
    return parse_json(read_text(path, error=error), where=str(path), error=error)
