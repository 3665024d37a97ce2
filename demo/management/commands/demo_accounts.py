from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value, yield_hotp_counters_from_time
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from demo.seed import DEMO_ACCOUNTS, DEMO_PASSWORD, DEMO_TOTP_SECRET


def current_demo_code() -> str:
    """The demo accounts' TOTP code right now (the middle counter of allauth's tolerance window)."""
    counters = list(yield_hotp_counters_from_time())
    return format_hotp_value(hotp_value(DEMO_TOTP_SECRET, counters[len(counters) // 2]))


class Command(BaseCommand):
    help = "Print the demo accounts, their password and the current two-factor code (demo mode only)."

    def handle(self, *args, **options):
        if not settings.HLT_DEMO:
            raise CommandError("demo_accounts runs only in demo mode (HLT_DEMO).")
        self.stdout.write(f"Demo accounts (password for all: {DEMO_PASSWORD})")
        for email, _name, role in DEMO_ACCOUNTS:
            self.stdout.write(f"  {email:<38} {role}")
        self.stdout.write(f"TOTP secret for an authenticator app: {DEMO_TOTP_SECRET}")
        self.stdout.write(
            f"Current two-factor code: {current_demo_code()} (run `manage.py demo_accounts` for a new one)"
        )
