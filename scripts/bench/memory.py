"""Resident memory (RSS) of the three services, sampled in the background during a run.

The services are this process's children (started by `scripts.stack`); each is recognised
by its command line, and its RSS includes any children it spawned.
"""

import threading
import time
from dataclasses import dataclass, field
from typing import Self

import psutil

# Checked in order: the action server's command line also contains "rasa".
SERVICE_MARKERS = (("actions", "actions.server"), ("knowledge", "uvicorn"), ("rasa", "rasa"))
MIB = 1024 * 1024


def service_processes() -> dict[str, psutil.Process]:
    found: dict[str, psutil.Process] = {}
    for child in psutil.Process().children():
        try:
            command = " ".join(child.cmdline())
        except psutil.Error:
            continue
        for name, marker in SERVICE_MARKERS:
            if marker in command and name not in found:
                found[name] = child
                break
    return found


def tree_rss(process: psutil.Process) -> int:
    """RSS of a process and its descendants, in bytes (0 if it is gone)."""
    total = 0
    try:
        for member in [process, *process.children(recursive=True)]:
            try:
                total += member.memory_info().rss
            except psutil.Error:
                continue
    except psutil.Error:
        return 0
    return total


def rss_mib(processes: dict[str, psutil.Process]) -> dict[str, float]:
    return {name: tree_rss(p) / MIB for name, p in processes.items()}


@dataclass
class MemoryTrace:
    times: list[float] = field(default_factory=list)  # seconds since sampling started
    rss: dict[str, list[float]] = field(default_factory=dict)  # MiB per service
    marks: list[tuple[float, str]] = field(default_factory=list)  # (time, label), e.g. a load step

    def peak(self) -> dict[str, float]:
        return {name: max(values, default=0.0) for name, values in self.rss.items()}


class MemorySampler:
    """Samples every `interval` seconds in a thread, between `with` entry and exit."""

    def __init__(self, processes: dict[str, psutil.Process], interval: float = 0.5) -> None:
        self._processes = processes
        self._interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample_until_stopped, daemon=True)
        self._start = 0.0
        self.trace = MemoryTrace(rss={name: [] for name in processes})

    def mark(self, label: str) -> None:
        self.trace.marks.append((time.perf_counter() - self._start, label))

    def _sample_until_stopped(self) -> None:
        while not self._stop.is_set():
            now = time.perf_counter() - self._start
            sample = rss_mib(self._processes)
            self.trace.times.append(now)
            for name, value in sample.items():
                self.trace.rss[name].append(value)
            self._stop.wait(self._interval)

    def __enter__(self) -> Self:
        self._start = time.perf_counter()
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
