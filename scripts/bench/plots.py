"""PNG plots of one run's results (the dict written to results.json)."""

from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
from matplotlib.ticker import NullFormatter

SERVICE_COLOURS = {"rasa": "tab:blue", "actions": "tab:orange", "knowledge": "tab:green"}


def _save(figure: Any, path: Path) -> None:
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)


def turn_latency(rows: list[dict[str, Any]], path: Path) -> None:
    figure, axes = plt.subplots(1, 3, figsize=(12, 3.8), sharey=False)
    for axis, percentile in zip(axes, ("p50_ms", "p95_ms", "p99_ms")):
        labels = [
            "sequential" if r["concurrency"] == 1 else f"{r['concurrency']} concurrent"
            for r in rows
        ]
        x = range(len(rows))
        axis.bar(
            [i - 0.2 for i in x],
            [r["greeting"][percentile] for r in rows],
            0.4,
            label="greeting (Rasa utter)",
        )
        axis.bar(
            [i + 0.2 for i in x],
            [r["answer"][percentile] for r in rows],
            0.4,
            label="knowledge answer",
        )
        for i, r in enumerate(rows):
            axis.annotate(
                f"×{r['answer'][percentile] / r['greeting'][percentile]:.1f}",
                (i + 0.2, r["answer"][percentile]),
                ha="center",
                va="bottom",
                fontsize=8,
            )
        axis.set_xticks(list(x), labels)
        axis.set_title(f"turn latency {percentile.removesuffix('_ms')}")
        axis.set_ylabel("ms")
    axes[0].legend(fontsize=8)
    _save(figure, path)


def throughput(steps: list[dict[str, Any]], path: Path) -> None:
    figure, (left, right) = plt.subplots(1, 2, figsize=(11, 3.8))
    levels = [s["concurrency"] for s in steps]
    left.plot(levels, [s["turns_per_second"] for s in steps], "o-")
    for s in steps:
        if s["errors"]:
            left.annotate(
                f"{s['errors']} errors",
                (s["concurrency"], s["turns_per_second"]),
                color="red",
                fontsize=8,
            )
    left.set(
        xscale="log",
        xlabel="concurrent conversations",
        ylabel="correct turns per second",
        title="throughput",
    )
    left.set_ylim(bottom=0)
    for key, label in (("p50_ms", "p50"), ("p95_ms", "p95"), ("p99_ms", "p99")):
        right.plot(levels, [s["latency"][key] for s in steps], "o-", label=label)
    right.set(
        xscale="log",
        yscale="log",
        xlabel="concurrent conversations",
        ylabel="ms",
        title="turn latency under load",
    )
    right.legend(fontsize=8)
    for axis in (left, right):
        axis.set_xticks(levels, [str(c) for c in levels])
    _save(figure, path)


def search(data: dict[str, Any], path: Path) -> None:
    figure, (left, middle, right) = plt.subplots(1, 3, figsize=(14, 4))
    methods = sorted({r["method"] for r in data["results"]})
    for method in methods:
        rows = [r for r in data["results"] if r["method"] == method]
        sizes = [r["size"] for r in rows]
        left.plot(sizes, [r["latency"]["p50_ms"] for r in rows], "o-", label=method)
        middle.plot(sizes, [r["recall_at_10"] for r in rows], "o-", label=method)
    left.set(
        xscale="log",
        yscale="log",
        xlabel="chunks",
        ylabel="p50 ms per query",
        title="query latency (one at a time)",
    )
    middle.set(
        xscale="log",
        xlabel="chunks",
        ylabel="recall@10 vs exact",
        title="recall@10",
        ylim=(0, 1.05),
    )
    left.legend(fontsize=7)
    for size in sorted({s["size"] for s in data["hnsw_sweep"]}):
        sweep = [s for s in data["hnsw_sweep"] if s["size"] == size]
        right.plot(
            [s["p50_ms"] for s in sweep],
            [s["recall_at_10"] for s in sweep],
            "o-",
            label=f"{size:,}",
        )
        for s in sweep:
            if s["recall_at_10"] < 0.995:  # the saturated points would only overlap
                right.annotate(str(s["ef_search"]), (s["p50_ms"], s["recall_at_10"]), fontsize=7)
    right.set(
        xscale="log",
        xlabel="p50 ms",
        ylabel="recall@10",
        title="HNSW: efSearch sweep",
        ylim=(0, 1.05),
    )
    right.xaxis.set_minor_formatter(NullFormatter())
    right.legend(title="chunks", fontsize=7)
    _save(figure, path)


def index_builds(data: dict[str, Any], path: Path) -> None:
    figure, axis = plt.subplots(figsize=(6.5, 4))
    for mode, style, label in (
        ("cold", "o-", "cold: empty cache, every unit embedded"),
        ("cached", "s-", "cached: embeddings in the cache"),
    ):
        rows = [t for t in data["timings"] if t["mode"] == mode]
        axis.plot([t["documents"] for t in rows], [t["seconds"] for t in rows], style, label=label)
    measured_cold = [t for t in data["timings"] if t["mode"] == "cold"]
    projected = measured_cold[-1:] + data.get("projected_cold", [])
    if len(projected) > 1:
        axis.plot(
            [p["documents"] for p in projected],
            [p["seconds"] for p in projected],
            "o--",
            color="grey",
            label="cold, projected (not measured)",
        )
    axis.set(
        xscale="log", yscale="log", xlabel="documents", ylabel="seconds", title="full index build"
    )
    axis.legend(fontsize=8)
    _save(figure, path)


def memory(trace: dict[str, Any], path: Path) -> None:
    names = list(trace["rss"])
    figure, axes = plt.subplots(
        len(names), 1, figsize=(10, 1.9 * len(names) + 0.6), sharex=True, squeeze=False
    )
    for axis, name in zip(axes[:, 0], names):
        values = trace["rss"][name] or [0.0]
        axis.plot(trace["times"], trace["rss"][name], color=SERVICE_COLOURS.get(name))
        axis.set_ylabel(f"{name}\nRSS MiB", fontsize=8)
        pad = max((max(values) - min(values)) * 0.3, max(values) * 0.02, 1.0)  # flat stays flat
        axis.set_ylim(min(values) - pad, max(values) + pad)
        axis.ticklabel_format(axis="y", useOffset=False, style="plain")
        for at, label in trace["marks"]:
            axis.axvline(at, color="grey", linewidth=0.6, linestyle=":")
            if axis is axes[0, 0]:
                axis.annotate(
                    label, (at, 1.0), xycoords=("data", "axes fraction"), fontsize=7, va="bottom"
                )
    axes[0, 0].set_title("resident memory under stepped load (concurrency steps marked)", pad=14)
    axes[-1, 0].set_xlabel("seconds into the throughput run")
    _save(figure, path)


def draw_all(results: dict[str, Any], out_dir: Path) -> None:
    turn_latency(results["turn_latency"], out_dir / "turn_latency.png")
    throughput(results["throughput"]["steps"], out_dir / "throughput.png")
    search(results["search"], out_dir / "search.png")
    index_builds(results["builds"], out_dir / "index_builds.png")
    memory(results["memory"]["trace"], out_dir / "memory.png")
