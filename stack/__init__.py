"""The bot's services on one machine: `make run` (`python -m stack`), `make run-cluster`
(`python -m stack.cluster`), and the throwaway PostgreSQL and Redis servers that tests,
benchmarks and the cluster start and stop. Imported one way everywhere: `from stack.… import …`.
"""
