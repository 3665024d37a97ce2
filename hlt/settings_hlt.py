"""The portal's own settings (HLT_*): consent, meetings and the one-week feedback, dashboards, the access
log and its review. Read from the environment like the rest (README "Configuration"); hlt/settings.py
imports them all.
"""

from django.core.exceptions import ImproperlyConfigured

from hlt.env import env_int, env_list

# --- Cases and consent ----------------------------------------------------------------------
# A new consent is valid this many months unless the form says otherwise (a local policy choice).
HLT_CONSENT_VALID_MONTHS = env_int("HLT_CONSENT_VALID_MONTHS", 12)
# The initiator and the coordinator are reminded this many days before a case's consent ends.
HLT_CONSENT_REMINDER_DAYS = env_int("HLT_CONSENT_REMINDER_DAYS", 30)

# --- Meetings and the one-week feedback -----------------------------------------------------
# Meetings are generated from each team's schedule this many months ahead.
HLT_MEETING_MONTHS_AHEAD = env_int("HLT_MEETING_MONTHS_AHEAD", 6)
# The contact person is reminded these many days before the feedback is due (0 = on the day);
# when it is overdue, the coordinator and the local process leader are told.
try:
    HLT_FEEDBACK_REMINDER_DAYS = sorted({int(day) for day in env_list("HLT_FEEDBACK_REMINDER_DAYS", ["2", "0"])})
except ValueError:
    raise ImproperlyConfigured("HLT_FEEDBACK_REMINDER_DAYS must be whole numbers separated by commas.") from None
# Reminders go out at this hour (Stockholm time) on their day, not at midnight.
HLT_REMINDER_HOUR = env_int("HLT_REMINDER_HOUR", 7)

# --- Dashboards -----------------------------------------------------------------------------
# Perturbed counts below this are shown as "<k" (dashboards.perturbation); a deployment with very
# small municipalities may raise it. Below 5, a true count from 1 to 4 whose adjustment is 0 would
# be published as itself, so it is refused.
HLT_STATS_MIN_COUNT = env_int("HLT_STATS_MIN_COUNT", 5)
if HLT_STATS_MIN_COUNT < 5:
    raise ImproperlyConfigured("HLT_STATS_MIN_COUNT must be 5 or more.")
# Medians, percentiles and means are shown only over at least this many cases (or families): over
# fewer, a median is one case's own value.
HLT_DASHBOARD_MIN_UNITS = env_int("HLT_DASHBOARD_MIN_UNITS", 10)
if HLT_DASHBOARD_MIN_UNITS < 3:
    raise ImproperlyConfigured("HLT_DASHBOARD_MIN_UNITS must be 3 or more.")
# The 7-day promise is "kept" from this share of families and "at risk" from the second.
HLT_FEEDBACK_TARGET_PERCENT = env_int("HLT_FEEDBACK_TARGET_PERCENT", 90)
HLT_FEEDBACK_WARNING_PERCENT = env_int("HLT_FEEDBACK_WARNING_PERCENT", 75)
# The summary's recent months are recomputed every few minutes; older months nightly.
HLT_STATS_REFRESH_MONTHS = env_int("HLT_STATS_REFRESH_MONTHS", 3)
# A computed dashboard is kept this long, at most until the next refresh changes the figures.
HLT_STATS_CACHE_SECONDS = env_int("HLT_STATS_CACHE_SECONDS", 600)
# After each refresh, the dashboards opened in this many last days are computed again for their
# default period, so that their first visitor after the refresh is served from the cache.
HLT_STATS_PREPARE_DAYS = env_int("HLT_STATS_PREPARE_DAYS", 7)

# --- Lawful operation: the access log and its review (issue 16) -----------------------------
# Whole months of the access log are dropped after this many years; at least five (HSLF-FS 2016:40),
# and the database refuses a younger month whatever this says.
HLT_ACCESS_LOG_RETENTION_YEARS = env_int("HLT_ACCESS_LOG_RETENTION_YEARS", 5)
if HLT_ACCESS_LOG_RETENTION_YEARS < 5:
    raise ImproperlyConfigured("HLT_ACCESS_LOG_RETENTION_YEARS must be 5 or more.")
# The beat keeps this many months of access-log partitions ready ahead of the current one.
HLT_ACCESS_LOG_PARTITIONS_AHEAD = env_int("HLT_ACCESS_LOG_PARTITIONS_AHEAD", 3)
# Accesses drawn at random for each monthly log review, besides the flagged ones.
HLT_LOG_REVIEW_SAMPLE_SIZE = env_int("HLT_LOG_REVIEW_SAMPLE_SIZE", 20)
# Flagged accesses shown per kind (denied, protected child, outside working hours, no meeting or task).
HLT_LOG_REVIEW_FLAGGED_PER_KIND = env_int("HLT_LOG_REVIEW_FLAGGED_PER_KIND", 20)
# Working hours (Stockholm time, weekdays): a read outside them is flagged for the review.
HLT_WORKING_HOURS_START = env_int("HLT_WORKING_HOURS_START", 7)
HLT_WORKING_HOURS_END = env_int("HLT_WORKING_HOURS_END", 18)
