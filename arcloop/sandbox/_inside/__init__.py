"""Code that runs inside the sandbox's own processes: the warm server and its children.

Every module here imports only the standard library (and numpy, pyseccomp where said), because
the warm server loads this package by path in a clean interpreter, without ``arcloop``'s own
``__init__`` modules and their dependencies (``server.py`` explains how). The key-holding parent
imports these modules only to probe the machine and to prepare or remove cgroups.

    libc.py        ctypes access to the C library, prctl, rlimits
    namespaces.py  user, mount, PID, IPC, network and UTS namespaces; the filesystem view
    cgroups.py     per-child pids and memory cgroups (cgroup v1), and their clean-up
    landlock.py    the second filesystem layer
    seccomp.py     the system-call allow-list
    probe.py       what this machine offers (run in a fresh interpreter)
    server.py      the warm server: builds the view once, forks confined children
    child.py       one child: confine, read a job, run it
    program.py     inside a child: run ``transform`` on each input, describe each result
"""
