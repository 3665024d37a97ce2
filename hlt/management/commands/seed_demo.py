from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from hlt.demo import seed_demo


class Command(BaseCommand):
    help = "Create the demo data (Region Västerbotten, HLT teams, demo accounts and cases). Safe to run again."

    def handle(self, *args, **options):
        if not settings.HLT_DEMO:
            raise CommandError("seed_demo runs only in demo mode (HLT_DEMO); it would put demo accounts in production.")
        counts = seed_demo()
        self.stdout.write(
            "Demo data ready: {municipalities} municipalities, {areas} HLT areas, {teams} teams, {users} users, "
            "{cases} HLT cases.".format(**counts)
        )
