"""An ordered parallel map over worker processes, for CPU-bound work on many small tasks (the project scan).

Knows nothing of what the tasks are: `parallel_map(function, tasks, workers)` yields `function(task)` for each task
in order. Where the platform can fork, forked children take task numbers from one shared pipe (whoever is free takes
the next, so a few large tasks do not leave a core idle) and send pickled results back on their own pipes; a task
whose child died is run in this process instead. Elsewhere a spawned multiprocessing pool does the same.
"""

import contextlib
import os
import signal
from collections.abc import Callable, Iterator
from typing import Any, NoReturn

MAX_TASKS = 1024  # task numbers, 4 bytes each, are written to the workers' pipe at once: 4 KB fits any pipe buffer


def parallel_map(function: Callable[[Any], Any], tasks: list, workers: int) -> Iterator[Any]:
    """function(task) for every task, in order, computed by up to `workers` processes (at most MAX_TASKS tasks;
    `function` must be a module-level function where the platform cannot fork)."""
    run = _forked if hasattr(os, "fork") else _spawned
    return run(function, tasks, min(workers, len(tasks)))


def _forked(function: Callable[[Any], Any], tasks: list, workers: int) -> Iterator[Any]:
    """Run the tasks in forked children and yield their results in order.

    Cheaper than a multiprocessing pool (bench/RESULTS.md; no handler threads, queues or locks in this process): the
    children already hold the code and the tasks, they take task numbers from one shared pipe, and only pickled
    results come back, each on the child's own pipe. A task whose child died is run here instead.
    """
    import pickle
    import selectors

    numbers, numbers_in = os.pipe()
    _write_all(numbers_in, b"".join(i.to_bytes(4, "little") for i in range(len(tasks))))
    os.close(numbers_in)  # before forking: the children see the end of the numbers once they are all taken
    children: dict[int, int] = {}  # result pipe -> pid
    try:
        for _ in range(workers):
            try:
                results, results_out = os.pipe()
            except OSError:  # out of file descriptors: the children started so far (or this process) do the rest
                break
            try:
                pid = os.fork()
            except OSError:  # out of processes: likewise
                os.close(results)
                os.close(results_out)
                break
            if pid == 0:
                os.close(results)
                for fd in children:
                    os.close(fd)
                _worker(function, tasks, numbers, results_out)
            os.close(results_out)
            children[results] = pid
    finally:
        os.close(numbers)
    done: dict[int, Any] = {}
    following = 0
    try:
        with selectors.DefaultSelector() as selector:
            for fd in children:
                selector.register(fd, selectors.EVENT_READ, bytearray())
            while selector.get_map():
                for key, _ in selector.select():
                    chunk = os.read(key.fd, 1 << 16)
                    if not chunk:
                        selector.unregister(key.fd)
                        continue
                    pending = key.data
                    pending += chunk
                    while len(pending) >= 8:  # frames: task number, length, pickled result
                        length = int.from_bytes(pending[4:8], "little")
                        if len(pending) < 8 + length:
                            break
                        done[int.from_bytes(pending[:4], "little")] = pickle.loads(pending[8:8 + length])
                        del pending[:8 + length]
                while following in done:
                    yield done.pop(following)
                    following += 1
    finally:
        for fd, pid in children.items():
            os.close(fd)
            with contextlib.suppress(ProcessLookupError, ChildProcessError):
                if following < len(tasks):  # stopped early: do not wait for the children to finish their tasks
                    os.kill(pid, signal.SIGTERM)
                os.waitpid(pid, 0)
    for index in range(following, len(tasks)):
        yield done.pop(index) if index in done else function(tasks[index])


def _worker(function: Callable[[Any], Any], tasks: list, numbers: int, results: int) -> NoReturn:
    """A forked child: run the tasks whose numbers it reads from `numbers`, send each result, exit without cleanup
    (the parent's buffers and exit handlers are the parent's)."""
    import pickle

    status = 1
    try:
        while len(number := os.read(numbers, 4)) == 4:
            data = pickle.dumps(function(tasks[int.from_bytes(number, "little")]), pickle.HIGHEST_PROTOCOL)
            _write_all(results, number + len(data).to_bytes(4, "little") + data)
        status = 0
    finally:
        os._exit(status)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def _spawned(function: Callable[[Any], Any], tasks: list, workers: int) -> Iterator[Any]:
    """Where there is no fork (Windows): a pool of spawned processes, each of which imports scopelint afresh."""
    import multiprocessing

    try:
        pool = multiprocessing.get_context("spawn").Pool(workers)
    except OSError:
        yield from (function(t) for t in tasks)
        return
    with pool:
        yield from pool.imap(function, tasks)


def cpu_count() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1
