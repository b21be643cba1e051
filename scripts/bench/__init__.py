"""`make bench`: how fast and how big the bot gets, each figure beside its baseline.

One module per job: `loadgen` (bounded conversations over the REST channel), `turn_latency`,
`throughput`, `search_scaling`, `index_builds`, `publish_timing`, `memory`, then `report`
(with `targets`, and `previous` for the figures committed in git) and `plots`.
`python -m scripts.bench` runs them all (see `__main__`); `startup` times `make run` apart.
"""
