"""Build a synthetic national dataset on PostgreSQL for the dashboards' benchmark (`make bench`).

21 regions and 290 municipalities of Zipf-like size, one HLT team per area (about 2,000), and by
default 1,000,000 children with 1,500,000 cases over five years ending today, each with its
meeting, agenda item, feedback deadline, interventions, follow-up and SIP as the services would
have written them. Python plans only the structure (a few thousand rows); the database makes every
other row (INSERT ... SELECT over generate_series), all in one transaction, so a failure leaves
nothing behind. Chance is a hash of a row's number and --seed: a seed gives the same data (as seen
from today).

Identity numbers are reserve numbers of the made-up issuer SCALE, never a personnummer, real or
from Skatteverket's test series. Each case has one guardian, whose consent (from the day the case
is ready, as long as `default_valid_until` says) sets `consent_in_force_until`, as the consent
services would.

Modules: `plan` (the country, in Python), `functions` (the SQL helpers), `structure` (teams and
users), `story` (each case's story in a temporary table), then one module per app's rows
(`cases`, `consent`, `meetings`, `support`, `sip`), `database` (keys, indexes, identities) and `run` (the
order of it all). `scale.invariants` checks the result against the services' rules.
"""

from scale.generate.plan import ISSUER, MIN_CHILDREN
from scale.generate.run import generate
from scale.generate.structure import BENCH_MUNICIPALITY_EMAIL, BENCH_REGION_EMAIL

__all__ = ["BENCH_MUNICIPALITY_EMAIL", "BENCH_REGION_EMAIL", "ISSUER", "MIN_CHILDREN", "generate"]
