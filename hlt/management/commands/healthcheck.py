from django.core.management.base import BaseCommand, CommandError

from hlt.health import CHECKS, run_checks


class Command(BaseCommand):
    help = "Run readiness checks (all, or those named) and exit non-zero when one fails: compose's health checks."

    def add_arguments(self, parser):
        parser.add_argument("checks", nargs="*", choices=sorted(CHECKS), help="the checks to run; default all")

    def handle(self, *args, checks, **options):
        results = run_checks(checks)
        for name, passed in results.items():
            self.stdout.write(f"{name}: {'ok' if passed else 'fail'}")
        if not all(results.values()):
            raise CommandError("not ready")
