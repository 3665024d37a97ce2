"""Check a database against the services' rules (`scale.invariants`), for example the bench's after
`generate_scale_data`: one line per rule with how many rows break it and the first keys."""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from scale.invariants import BY_NAME, violations

LIMIT = 1000  # keys fetched per rule: enough to tell a slip from a rule the generator lost


class Command(BaseCommand):
    help = f"Count the rows (up to {LIMIT}) that break each rule the services guarantee; fails when one is broken."

    def add_arguments(self, parser):
        parser.add_argument("names", nargs="*", help=f"Only these rules: {', '.join(sorted(BY_NAME))}.")

    def handle(self, *args, names, **options):
        unknown = sorted(set(names) - set(BY_NAME))
        if unknown:
            raise CommandError(f"No such rule: {', '.join(unknown)}.")
        found = violations(today=timezone.localdate(), now=timezone.now(), names=names or None, limit=LIMIT)
        for name, keys in found.items():
            self.stdout.write(f"{name:<45} {len(keys):>6} {', '.join(str(key) for key in keys[:3])}")
        broken = [name for name, keys in found.items() if keys]
        if broken:
            raise CommandError(f"{len(broken)} rules broken: {', '.join(broken)}.")
