"""Turns admitted into Rasa a few at a time, first come first served.

Rasa runs a turn's NLU, policies and tracker store calls on its one event loop, mostly
without yielding. With many turns in flight, every loop iteration runs a slice of each, so
anything that needs several iterations before its handler even starts — a citizen's new
connection being accepted, read and dispatched — waits several of those long iterations:
at 50 concurrent conversations a conversation's first turn took 8.6 s against 0.43 s for a
turn on an open connection (docs/adr/0007-fair-admission-of-turns.md). Holding all but a
few turns on a FIFO semaphore keeps each iteration short, so a new connection is served in
arrival order like any other turn.
"""

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

_semaphores: dict[int, asyncio.Semaphore] = {}


@asynccontextmanager
async def admitted(limit: int) -> AsyncIterator[None]:
    """Wait for one of `limit` places (per event loop; 0 means no limit)."""
    if limit <= 0:
        yield
        return
    loop = id(asyncio.get_running_loop())
    semaphore = _semaphores.get(loop)
    if semaphore is None:
        semaphore = _semaphores[loop] = asyncio.Semaphore(limit)
    async with semaphore:
        yield
