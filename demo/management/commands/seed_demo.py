from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from cases.models import Case
from dashboards.services import summary_rebuild
from demo.seed import seed_demo
from demo.statistics import seed_statistics


class Command(BaseCommand):
    help = (
        "Create the demo data (Region Västerbotten, HLT teams, demo accounts and cases, and invented closed cases "
        "behind the statistics). Safe to run again."
    )

    def handle(self, *args, **options):
        if not settings.HLT_DEMO:
            raise CommandError("seed_demo runs only in demo mode (HLT_DEMO); it would put demo accounts in production.")
        counts = seed_demo()
        counts["backdrop"] = seed_statistics(today=timezone.localdate())
        counts["cases"] = Case.objects.count()
        # The dashboards read only the summary: fill it now rather than at beat's next refresh.
        summary_rebuild()
        self.stdout.write(
            "Demo data ready: {municipalities} municipalities, {areas} HLT areas, {teams} teams, {users} users, "
            "{cases} HLT cases ({backdrop} of them invented and closed, behind the statistics).".format(**counts)
        )
