from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from hlt.database_roles import RuntimeRoleError, runtime_role_grant


class Command(BaseCommand):
    help = (
        "Give the runtime role (the user in DATABASE_URL unless named) what web, worker and beat need and no "
        "more: it may not alter, empty or rewrite the access log. Run as the owner (MIGRATION_DATABASE_URL) "
        "after every migrate."
    )

    def add_arguments(self, parser):
        parser.add_argument("role", nargs="?", help="the runtime role (default: the user in DATABASE_URL)")

    def handle(self, *args, role=None, **options):
        role = role or settings.HLT_DB_RUNTIME_ROLE
        if not role:
            raise CommandError("Name the runtime role, or set DATABASE_URL to its URL.")
        try:
            runtime_role_grant(role=role)
        except RuntimeRoleError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"{role} may read and write the tables; it may not alter, empty or rewrite the access log.")
