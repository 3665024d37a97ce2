"""The national dataset for `make bench`: the options; `scale.generate` builds it."""

from django.core.management.base import BaseCommand

from scale.generate import generate


class Command(BaseCommand):
    help = "Build a synthetic national dataset on PostgreSQL for the dashboards' benchmark (make bench)."

    def add_arguments(self, parser):
        parser.add_argument("--children", type=int, default=1_000_000)
        parser.add_argument("--years", type=int, default=5)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--force", action="store_true", help="Empty the generated tables first (refused if anything is not ours)."
        )
        parser.add_argument(
            "--unless-generated", action="store_true", help="Do nothing when the database holds generated data."
        )

    def handle(self, *args, **options):
        names = ("children", "years", "seed", "force", "unless_generated")
        generate(stdout=self.stdout, **{name: options[name] for name in names})
