"""Monthly HLT meetings: the schedule, each meeting, its agenda and minutes, and the feedback record.

The minutes are the team's coordination notes, not a journal: summaries are short and every form
reminds the user that documentation belongs in each organisation's own record system.
"""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from cases.models import SHORT_TEXT, Case, Deadline
from hlt.fields import user_field
from hlt.storage import private_storage
from teams.models import Team, Unit


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")


class WeekOfMonth(models.IntegerChoices):
    FIRST = 1, _("first")
    SECOND = 2, _("second")
    THIRD = 3, _("third")
    FOURTH = 4, _("fourth")
    LAST = -1, _("last")


class HolidayRule(models.TextChoices):
    MOVE = "move", _("Move to the next working day")
    SKIP = "skip", _("Skip that month")


def parse_month_numbers(text: str) -> frozenset[int]:
    """The month numbers in "7, 12" (commas or spaces between them); a clear error for anything else."""
    numbers = set()
    for part in text.replace(",", " ").split():
        if not part.isdigit() or not 1 <= int(part) <= 12:
            raise ValidationError(
                {
                    "paused_months": _(
                        "“%(part)s” is not a month number. Give numbers from 1 to 12 separated by commas, "
                        "for example 7 for July."
                    )
                    % {"part": part[:20]}
                }
            )
        numbers.add(int(part))
    return frozenset(numbers)


class MeetingSchedule(models.Model):
    """When a team meets, for example the second Tuesday of the month, 13:00-15:30."""

    team = models.OneToOneField(Team, models.CASCADE, related_name="schedule", verbose_name=_("HLT team"))
    week_of_month = models.SmallIntegerField(_("week of the month"), choices=WeekOfMonth.choices)
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    start_time = models.TimeField(_("starts"))
    end_time = models.TimeField(_("ends"))
    place = models.CharField(_("place"), max_length=150)
    agenda_cutoff_days = models.PositiveSmallIntegerField(
        _("agenda closes (days before)"),
        default=7,
        validators=[MaxValueValidator(28)],
        help_text=_("After this, only the coordinator may add a case, with a reason."),
    )
    holiday_rule = models.CharField(
        _("when the day is a holiday"), max_length=10, choices=HolidayRule.choices, default=HolidayRule.MOVE
    )
    paused_months = models.CharField(
        _("months without a meeting"),
        max_length=40,
        blank=True,
        help_text=_("Month numbers separated by commas, for example 7 for July."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("meeting schedule")
        verbose_name_plural = _("meeting schedules")
        constraints = [
            models.CheckConstraint(condition=Q(end_time__gt=F("start_time")), name="schedule_ends_after_start"),
        ]

    def __str__(self):
        return f"{self.team}: {self.get_week_of_month_display()} {self.get_weekday_display()}"

    def clean(self):
        errors = {}
        if self.start_time and self.end_time and self.end_time <= self.start_time:
            errors["end_time"] = _("The meeting must end after it starts.")
        try:
            months = parse_month_numbers(self.paused_months)
        except ValidationError as error:
            errors.update(error.message_dict)
        else:
            # Stored tidy ("7, 12") so that the list and the generator read the same thing.
            self.paused_months = ", ".join(str(number) for number in sorted(months))
        if errors:
            raise ValidationError(errors)

    @property
    def paused_month_numbers(self) -> frozenset[int]:
        return parse_month_numbers(self.paused_months)


class MeetingStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    CANCELLED = "cancelled", _("Cancelled")
    CLOSED = "closed", _("Minutes closed")


class Meeting(models.Model):
    """One HLT meeting. `month` is the schedule's month it belongs to, so generating the schedule
    again never creates a second meeting for a month, even after this one was moved or cancelled."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    team = models.ForeignKey(Team, models.PROTECT, related_name="meetings", verbose_name=_("HLT team"))
    month = models.DateField(_("month"))
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    place = models.CharField(_("place"), max_length=150)
    agenda_closes_at = models.DateTimeField(_("agenda closes"))
    status = models.CharField(_("status"), max_length=12, choices=MeetingStatus.choices, default=MeetingStatus.PLANNED)
    rescheduled = models.BooleanField(
        _("moved by hand"), default=False, help_text=_("A changed schedule no longer moves this meeting.")
    )
    cancel_reason = models.CharField(_("reason for cancelling"), max_length=300, blank=True)
    # RFC 5545 SEQUENCE: grows with every change of time, place or status, so that calendar
    # programs replace the copy they hold.
    sequence = models.PositiveIntegerField(_("calendar revision"), default=0, editable=False)
    agenda_locked_at = models.DateTimeField(_("agenda locked"), null=True, blank=True)
    present = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="meetings_attended", verbose_name=_("members present")
    )
    guests_present = models.CharField(
        _("guests present"), max_length=500, blank=True, help_text=_("Name and profession or organisation.")
    )
    closed_at = models.DateTimeField(_("minutes closed"), null=True, blank=True)
    closed_by = user_field(_("closed by"), optional=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("HLT meeting")
        verbose_name_plural = _("HLT meetings")
        ordering = ["starts_at"]
        constraints = [
            models.UniqueConstraint(fields=["team", "month"], name="meeting_once_per_month"),
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="meeting_ends_after_start"),
        ]
        indexes = [
            # A team's meetings in time order: upcoming lists, overlap checks, calendar feeds.
            models.Index(fields=["team", "starts_at"], name="meeting_team_time"),
            # The dashboards' summary refresh: the recent months' meetings, all teams (dashboards.services).
            models.Index(fields=["starts_at"], name="meeting_time"),
        ]

    def __str__(self):
        return f"{self.team} {self.starts_at:%Y-%m-%d}"

    @property
    def reference(self) -> str:
        return str(self.pk).split("-")[0].upper()


class InterventionType(models.Model):
    """The catalogue of agreed actions and interventions (insatser), kept by administrators."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("intervention type")
        verbose_name_plural = _("intervention types")
        ordering = ["position", "name"]

    def __str__(self):
        return self.name


class ItemState(models.TextChoices):
    PLANNED = "planned", _("On the agenda")
    DISCUSSED = "discussed", _("Discussed")
    NOT_DISCUSSED = "not_discussed", _("Not discussed")
    REMOVED = "removed", _("Removed from the agenda")


class RemovalReason(models.TextChoices):
    BY_USER = "by_user", _("Taken off the agenda")
    CONSENT = "consent", _("Consent is no longer in force")
    CASE_CLOSED = "case_closed", _("The case was closed")
    MEETING_CANCELLED = "cancelled", _("The meeting was cancelled and no later meeting is planned")


class FeedbackMethod(models.TextChoices):
    PHONE = "phone", _("Phone")
    MEETING = "meeting", _("Meeting")
    LETTER = "letter", _("Letter")
    DIGITAL = "digital", _("Digital")


class FamilyAnswer(models.TextChoices):
    ACCEPTED = "accepted", _("Accepted what was offered")
    PARTLY = "partly", _("Accepted part of it")
    DECLINED = "declined", _("Declined")
    THINKING = "thinking", _("Wants time to think")


class ItemPurpose(models.TextChoices):
    NEW = "new", _("New case")
    FOLLOW_UP = "follow_up", _("Follow-up")


class AgendaItem(models.Model):
    """One case on one meeting's agenda, with what the meeting decided about it and the feedback.

    A follow-up item (`purpose` follow_up) brings back a case the team has discussed before, for a
    follow-up planned in `support`: it does not move the case and owes the family no feedback.
    """

    meeting = models.ForeignKey(Meeting, models.PROTECT, related_name="items", verbose_name=_("HLT meeting"))
    case = models.ForeignKey(Case, models.PROTECT, related_name="agenda_items", verbose_name=_("HLT case"))
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    purpose = models.CharField(_("purpose"), max_length=10, choices=ItemPurpose.choices, default=ItemPurpose.NEW)
    state = models.CharField(_("state"), max_length=15, choices=ItemState.choices, default=ItemState.PLANNED)
    added_by = user_field(_("added by"))
    added_at = models.DateTimeField(_("added"), auto_now_add=True)
    late_reason = models.CharField(_("reason for a late addition"), max_length=300, blank=True)
    guests = models.CharField(
        _("invited guests"), max_length=300, blank=True, help_text=_("Other professions invited for this case.")
    )
    family_attends = models.BooleanField(_("the family takes part"), default=False)
    removed_at = models.DateTimeField(_("removed"), null=True, blank=True)
    removal_reason = models.CharField(_("why removed"), max_length=15, choices=RemovalReason.choices, blank=True)

    # The minutes for this case.
    summary = models.TextField(_("summary"), max_length=SHORT_TEXT, blank=True)
    proposal = models.TextField(
        _("what the team proposes, for the family"),
        max_length=SHORT_TEXT,
        blank=True,
        help_text=_("In plain words: this text is printed in the feedback letter."),
    )
    offer_joint_meeting = models.BooleanField(_("offer a joint meeting"), default=False)
    offer_sip = models.BooleanField(_("offer a SIP (coordinated individual plan)"), default=False)
    offer_other = models.CharField(_("other help offered"), max_length=300, blank=True)
    contact_person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="contact_items",
        verbose_name=_("contact person"),
        help_text=_("Gives the family the feedback within a week."),
    )

    # The feedback to the family, within a week of the meeting.
    deadline = models.OneToOneField(
        Deadline, models.PROTECT, null=True, blank=True, related_name="agenda_item", verbose_name=_("deadline")
    )
    feedback_on = models.DateField(_("feedback given on"), null=True, blank=True)
    feedback_method = models.CharField(_("how"), max_length=10, choices=FeedbackMethod.choices, blank=True)
    feedback_answer = models.CharField(
        _("the family's answer"), max_length=10, choices=FamilyAnswer.choices, blank=True
    )
    feedback_note = models.CharField(_("note"), max_length=500, blank=True)
    feedback_recorded_by = user_field(_("recorded by"), optional=True)
    letter = models.FileField(_("feedback letter"), storage=private_storage, blank=True)
    letter_digest = models.CharField(_("letter content digest"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        ordering = ["position", "pk"]
        constraints = [
            # A new case waits on one agenda at a time; follow-ups may be planned at several meetings.
            models.UniqueConstraint(
                fields=["case"], condition=Q(state="planned", purpose="new"), name="agenda_item_one_planned"
            ),
        ]
        indexes = [
            # A meeting's agenda in order.
            models.Index(fields=["meeting", "position"], name="agenda_item_order"),
        ]

    def __str__(self):
        return f"{self.meeting} – {self.case}"

    @property
    def is_follow_up(self) -> bool:
        return self.purpose == ItemPurpose.FOLLOW_UP

    @property
    def offers_anything(self) -> bool:
        return self.offer_joint_meeting or self.offer_sip or bool(self.offer_other)


class AgreedAction(models.Model):
    """One action the meeting agreed for a case: what, by which unit, and who."""

    item = models.ForeignKey(AgendaItem, models.CASCADE, related_name="actions", verbose_name=_("agenda item"))
    intervention_type = models.ForeignKey(InterventionType, models.PROTECT, verbose_name=_("type"))
    description = models.CharField(_("what"), max_length=300, blank=True)
    responsible_unit = models.ForeignKey(Unit, models.PROTECT, related_name="+", verbose_name=_("responsible unit"))
    responsible_person = user_field(_("responsible person"), optional=True)
    for_family = models.BooleanField(
        _("include in the letter to the family"),
        default=True,
        help_text=_("Untick what is not for the guardians."),
    )

    class Meta:
        verbose_name = _("agreed action")
        verbose_name_plural = _("agreed actions")
        ordering = ["pk"]

    def __str__(self):
        return str(self.intervention_type)


class MinutesAddendum(models.Model):
    """A correction to closed minutes: added, never edited, with who and when."""

    meeting = models.ForeignKey(Meeting, models.PROTECT, related_name="addenda", verbose_name=_("HLT meeting"))
    item = models.ForeignKey(
        AgendaItem, models.PROTECT, null=True, blank=True, related_name="addenda", verbose_name=_("agenda item")
    )
    text = models.TextField(_("addendum"), max_length=SHORT_TEXT)
    author = user_field(_("by"))
    created_at = models.DateTimeField(_("added"), auto_now_add=True)

    class Meta:
        verbose_name = _("addendum to the minutes")
        verbose_name_plural = _("addenda to the minutes")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.meeting} {self.created_at:%Y-%m-%d}"


class CalendarFeed(models.Model):
    """A user's secret calendar address. Revoking replaces the token; the old address stops working."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="calendar_feed", verbose_name=_("user")
    )
    token = models.CharField(_("token"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("created"), auto_now=True)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self):
        return str(self.user)
