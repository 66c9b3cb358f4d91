"""Run queued procrastinate jobs inside the test's transaction, as the worker would."""

import json

from django.db import connection
from procrastinate.contrib.django import app


def queued_jobs(task_name: str | None = None) -> list[tuple[int, str, dict]]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, task_name, args FROM public.procrastinate_jobs WHERE status = 'todo' ORDER BY id")
        rows = cursor.fetchall()
    # Django's psycopg loader hands jsonb back as text.
    return [
        (pk, name, json.loads(args) if isinstance(args, str) else args)
        for pk, name, args in rows
        if task_name is None or name == task_name
    ]


def run_queued_jobs(task_name: str | None = None) -> int:
    """Run every queued job (optionally of one task); returns how many ran."""
    ran = 0
    while jobs := queued_jobs(task_name):
        for pk, name, args in jobs:
            with connection.cursor() as cursor:
                cursor.execute("UPDATE public.procrastinate_jobs SET status = 'doing' WHERE id = %s", [pk])
            app.tasks[name](**args)
            with connection.cursor() as cursor:
                cursor.execute("UPDATE public.procrastinate_jobs SET status = 'succeeded' WHERE id = %s", [pk])
            ran += 1
    return ran
