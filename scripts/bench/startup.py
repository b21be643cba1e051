"""How long `make run` takes to ready: cold (a fresh clone) and warm (the same clone again).

  .venv/bin/python -m scripts.bench.startup --cold [--warm] [--clone DIR] [--overlay PATH …]

A fresh `git clone` has no environments, no model and no index, so its first `make run` is
what a newcomer waits for: the machine's local wheels are used, as on a fresh machine here,
but uv's download cache starts empty. A second `make run` in the same clone is the warm
start. Each run is timed from launch
until all three services answer their health URLs, on ports the kernel reports free, then
stopped with SIGINT to its process group, like Ctrl-C. The "[n/5] …: done in X s" lines of
`make run` (scripts/make_step.sh) give the steps. Results: docs/benchmarks/startup.json,
which `make bench`'s report quotes beside the targets of issue 17.
"""

import argparse
import datetime as dt
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import httpx
import psutil

from scripts.bench.config import REPO_ROOT
from scripts.bench.machine import load_average
from scripts.bench.previous import STARTUP_JSON, load_startup
from stack.lifetime import die_with_parent
from stack.services import Stack, StackConfig, free_ports

LOG_DIR = REPO_ROOT / "build" / "startup"
STEP_DONE = re.compile(
    r"^\[\d+/\d+\] (?P<name>[^(…]+?)(?: \(.*\))?: done in (?P<seconds>[\d.]+) s$"
)
SERVICES_STEP = re.compile(r"^\[\d+/\d+\] services…")
# What the caller's shell may set that would point the clone's commands back at this checkout.
NOT_INHERITED = (
    "PYTHONPATH",
    "PYTHONHOME",
    "VIRTUAL_ENV",
    "MAKEFLAGS",
    "MAKELEVEL",
    "MFLAGS",
    "TRACKER_STORE_URL",
    "BIND_HOST",
)
NOT_INHERITED_PREFIXES = ("KB_", "BOT_", "ACTIONS_")


@dataclass
class StartupRun:
    """One `make run`, timed from launch; steps in seconds, as make_step.sh reported them."""

    started_at: str = field(default_factory=lambda: dt.datetime.now().isoformat(timespec="seconds"))
    ready_seconds: float | None = None
    steps: dict[str, float] = field(default_factory=dict)
    services_began: float | None = None  # when "[5/5] services…" was printed, seconds from launch


def clean_environment(ports: list[int]) -> dict[str, str]:
    """The caller's environment without what would reach into this checkout, plus the ports."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in NOT_INHERITED and not k.startswith(NOT_INHERITED_PREFIXES)
    }
    rasa, actions, knowledge = ports
    return {
        **env,
        "RASA_PORT": str(rasa),
        "ACTIONS_PORT": str(actions),
        "KNOWLEDGE_PORT": str(knowledge),
    }


def health_urls(ports: list[int]) -> list[str]:
    """The URLs `python -m stack` itself waits on (stack/services.py), on these ports."""
    rasa, actions, knowledge = ports
    return [spec.ready_url for spec in Stack(StackConfig(rasa, actions, knowledge)).specs()]


def all_answer(urls: list[str]) -> bool:
    try:
        return all(httpx.get(url, timeout=2.0).status_code == 200 for url in urls)
    except httpx.HTTPError:
        return False


def follow_output(stream: IO[str], log: IO[str], began: float, run: StartupRun) -> None:
    """Copy make's output to the log and the terminal, noting each step as it ends."""
    for line in stream:
        log.write(line)
        log.flush()
        print(f"  | {line}", end="", flush=True)
        text = line.strip()
        if done := STEP_DONE.match(text):
            run.steps[done["name"].strip()] = float(done["seconds"])
        elif SERVICES_STEP.match(text):
            run.services_began = time.monotonic() - began


def descendants_of(pid: int) -> list[psutil.Process]:
    try:
        return psutil.Process(pid).children(recursive=True)
    except psutil.NoSuchProcess:
        return []


def stop_process_group(
    process: subprocess.Popen[str], descendants: list[psutil.Process]
) -> list[int]:
    """Ctrl-C for `make run`, then make sure nothing it started outlives it; returns pids killed late."""
    for sig, grace in ((signal.SIGINT, 90), (signal.SIGTERM, 30), (signal.SIGKILL, 10)):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            pass
        try:
            process.wait(timeout=grace)
            break
        except subprocess.TimeoutExpired:
            continue
    # The services run in sessions of their own; python -m stack stops them (and the kernel
    # signals them if it died), but check rather than trust.
    _, alive = psutil.wait_procs(descendants, timeout=30)
    for leftover in alive:
        try:
            leftover.kill()
        except psutil.NoSuchProcess:
            pass
    return [p.pid for p in alive]


def time_make_run(
    clone: Path, label: str, timeout_seconds: float, extra_env: dict[str, str] | None = None
) -> StartupRun:
    """Launch `make run` in the clone, wait until all three services answer, stop it."""
    ports = free_ports(3)
    urls = health_urls(ports)
    LOG_DIR.mkdir(parents=True, exist_ok=True)
    log_path = LOG_DIR / f"{label}.log"
    run = StartupRun()
    print(
        f"── {label} `make run` in {clone} (ports {ports}, load average {load_average()}); log {log_path}",
        flush=True,
    )
    began = time.monotonic()
    env = {**clean_environment(ports), **(extra_env or {})}
    process = subprocess.Popen(
        ["make", "run"],
        cwd=clone,
        env=env,
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
        preexec_fn=die_with_parent,
    )  # make goes too if this timer is killed outright
    descendants: list[psutil.Process] = []
    with log_path.open("w", encoding="utf-8") as log:
        assert process.stdout is not None
        reader = threading.Thread(
            target=follow_output, args=(process.stdout, log, began, run), daemon=True
        )
        reader.start()
        try:
            while time.monotonic() - began < timeout_seconds and process.poll() is None:
                if all_answer(urls):
                    run.ready_seconds = time.monotonic() - began
                    break
                descendants = descendants_of(process.pid)
                time.sleep(0.5)
            descendants = descendants_of(process.pid) or descendants
        finally:
            late = stop_process_group(process, descendants)
            reader.join(timeout=10)
    if late:
        print(f"   had to kill {late} after `make run` exited", file=sys.stderr)
    if run.ready_seconds is None:
        raise RuntimeError(
            f"{label} `make run` was not ready (exit status {process.returncode}); see {log_path}"
        )
    if run.services_began is not None:
        run.steps["services"] = round(run.ready_seconds - run.services_began, 1)
    print(f"── {label}: ready in {run.ready_seconds:.1f} s; steps {run.steps}", flush=True)
    return run


def fresh_clone(source: Path, destination: Path, overlay: list[Path]) -> str:
    """Clone the committed repository; overlay copies working-tree files (uncommitted changes)."""
    subprocess.run(["git", "clone", "--quiet", str(source), str(destination)], check=True)
    for path in overlay:
        target = destination / path
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source / path, target)
    return subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"],
        cwd=destination,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()


def merge_figures(
    previous: dict[str, Any], measured: dict[str, StartupRun], commit: str, overlay: list[Path]
) -> dict[str, Any]:
    """startup.json after this measurement: figures of a mode not measured now are kept."""
    steps: dict[str, Any] = dict(previous.get("steps") or {})
    measured_at: dict[str, Any] = dict(previous.get("measured_at") or {})
    figures = {**previous, "steps": steps, "measured_at": measured_at}
    for mode, run in measured.items():
        figures[f"{mode}_seconds"] = round(run.ready_seconds or 0.0, 1)
        steps[mode] = run.steps
        measured_at[mode] = run.started_at
    figures.update(
        commit=commit,
        overlay=[str(p) for p in overlay],
        load_average_end=load_average(),
        cpu_count=os.cpu_count(),
    )
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--cold", action="store_true", help="time the first `make run` of a fresh clone"
    )
    parser.add_argument(
        "--warm", action="store_true", help="time a `make run` with everything already built"
    )
    parser.add_argument(
        "--clone", type=Path, help="where the clone goes (kept; reused for --warm if it exists)"
    )
    parser.add_argument(
        "--overlay",
        type=Path,
        action="append",
        default=[],
        help="a file of this checkout copied over the clone (to time uncommitted changes)",
    )
    parser.add_argument("--timeout-minutes", type=float, default=30.0)
    args = parser.parse_args(argv)
    if not (args.cold or args.warm):
        parser.error("say --cold, --warm or both")
    reuse = args.clone is not None and args.clone.exists()
    if args.cold and reuse:
        parser.error(f"--cold needs a fresh clone, and {args.clone} exists")
    clone = args.clone or Path(tempfile.mkdtemp(prefix="startup-clone-")) / "repo"
    timeout = args.timeout_minutes * 60
    measured: dict[str, StartupRun] = {}
    try:
        commit = (
            subprocess.run(
                ["git", "rev-parse", "--short", "HEAD"],
                cwd=clone,
                check=True,
                capture_output=True,
                text=True,
            ).stdout.strip()
            if reuse
            else fresh_clone(REPO_ROOT, clone, args.overlay)
        )
        # A fresh clone's first run is the cold start whichever flag asked for it.
        if not reuse:
            # A new machine has no packages downloaded: uv gets an empty cache of its own.
            uv_cache = {"UV_CACHE_DIR": str(clone.parent / "uv-cache")}
            measured["cold"] = time_make_run(clone, "cold", timeout, uv_cache)
        if args.warm:
            measured["warm"] = time_make_run(clone, "warm", timeout)
    finally:
        if args.clone is None:
            shutil.rmtree(clone.parent, ignore_errors=True)
    figures = merge_figures(load_startup() or {}, measured, commit, args.overlay)
    STARTUP_JSON.write_text(json.dumps(figures, indent=1) + "\n", encoding="utf-8")
    print(f"Written {STARTUP_JSON}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
