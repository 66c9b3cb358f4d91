"""Carrying a batch out in the command's own processes (`provision_townships --tree --workers N`), wave by wave:
what the worker does for a batch from the console or the API, without the worker."""

import multiprocessing
from concurrent.futures import ProcessPoolExecutor

from django.db import connection, connections

from console import bulk
from console.provisioning import provisioning_execute
from tenants.models import ProvisioningBatch

# A backend keeps the catalog of every schema it has made or touched: a process that made hundreds of congresses
# on one connection would hold hundreds of MiB. Each process opens a fresh connection after this many.
CONNECTION_RECYCLE = 50

_made_on_this_connection = 0


def _execute_one(request_id: int) -> tuple[int, str]:
    """Run one request in this process (a pool's worker, or the command itself); recycle the connection."""
    global _made_on_this_connection
    request = provisioning_execute(request_id)
    _made_on_this_connection += 1
    # Never inside a caller's transaction (a test's): closing would lose it.
    if _made_on_this_connection >= CONNECTION_RECYCLE and not connection.in_atomic_block:
        connections.close_all()
        _made_on_this_connection = 0
    return request_id, request.status


def run_batch_here(batch: ProvisioningBatch, *, workers: int = 1, on_result=None) -> bulk.BatchProgress:
    """Carry out a batch's requests in this process (`workers` 1) or in `workers` forked processes, wave by
    wave: every row whose parent exists runs in a wave; the wave's successes release the next. Returns where
    the batch ends. `on_result(request_id, status)` is called as each request finishes (a progress bar)."""
    pool = None
    if workers > 1:
        # Forked children must not share the parent's open connections: each opens its own.
        connections.close_all()
        pool = ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("fork"))
    try:
        while ready := bulk.ready_requests(batch):
            results = pool.map(_execute_one, ready, chunksize=1) if pool else map(_execute_one, ready)
            for request_id, status in results:
                if on_result is not None:
                    on_result(request_id, status)
    finally:
        if pool is not None:
            pool.shutdown()
    return bulk.batch_progress(batch)
