import argparse

from django.core.management.base import BaseCommand

from tenants.worker import run_worker


class Command(BaseCommand):
    help = (
        "Run the background worker (procrastinate's, with its options and PROCRASTINATE_WORKER_* variables); "
        "it rides out database restarts and outages instead of exiting."
    )

    def add_arguments(self, parser):
        parser.add_argument("worker_options", nargs=argparse.REMAINDER, help="options of `procrastinate worker`")

    def handle(self, *args, **options):
        run_worker(options["worker_options"])
