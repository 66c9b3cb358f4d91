"""Carrying a batch out in the command's own processes (`provision_townships --tree --workers N`), wave by wave:
what the worker does for a batch from the console or the API, without the worker."""

import multiprocessing
from concurrent.futures import ProcessPoolExecutor

from console import bulk
from console.provisioning import COMMAND, provisioning_execute
from tenants.connection import before_fork, note_schema_visit
from tenants.models import ProvisioningBatch


def _execute_one(request_id: int) -> tuple[int, str]:
    """Run one request in this process (a pool's worker, or the command itself)."""
    request = provisioning_execute(request_id, by=COMMAND)
    if request.congress is not None:
        # Making a schema fills the backend's catalog cache as visiting one does.
        note_schema_visit(request.congress.schema_name)
    return request_id, request.status


def run_batch_here(batch: ProvisioningBatch, *, workers: int = 1, on_result=None) -> bulk.BatchProgress:
    """Carry out a batch's requests in this process (`workers` 1) or in `workers` forked processes, wave by
    wave: every row whose parent exists runs in a wave; the wave's successes release the next. Returns where
    the batch ends. `on_result(request_id, status)` is called as each request finishes (a progress bar)."""
    pool = (
        ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("fork"))
        if workers > 1
        else None
    )
    try:
        while ready := bulk.ready_requests(batch):
            if pool is not None:
                # The processes are forked at the first map, after this: they must not share the parent's
                # connections or pool (its threads do not survive a fork), so each opens its own.
                before_fork()
            results = pool.map(_execute_one, ready, chunksize=1) if pool else map(_execute_one, ready)
            for request_id, status in results:
                if on_result is not None:
                    on_result(request_id, status)
    finally:
        if pool is not None:
            pool.shutdown()
    return bulk.batch_progress(batch)
