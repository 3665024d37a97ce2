"""Which models hold the personal data of children and families.

The rule goes by app, not by field: every model of an app that keeps case data counts, including
models added later and the tables Django creates for many-to-many fields, unless it is listed below as
part of the structure. Whatever points at a unit, a team or a user today may point at it from another
model tomorrow; the answer stays the same.
"""

# Apps whose rows are about a child, the child's family or their case.
CASE_DATA_APPS = frozenset({"cases", "consent", "meetings", "support", "sip", "notifications"})

# Rows in those apps that describe the structure, not a family: shown by name like any other.
STRUCTURE_MODELS = frozenset(
    {
        "meetings.meeting",
        "meetings.meetingschedule",
        "meetings.interventiontype",
        "sip.legalreference",
    }
)

# Rows of other apps that are about one child.
OTHER_CASE_DATA_MODELS = frozenset({"dashboards.discussedchild"})


def holds_case_data(model) -> bool:
    """True when rows of `model` (or of the model it proxies) are about a child or a family."""
    for opts in {model._meta, model._meta.concrete_model._meta}:
        label = opts.label_lower
        if label in OTHER_CASE_DATA_MODELS:
            return True
        if opts.app_label in CASE_DATA_APPS and label not in STRUCTURE_MODELS:
            return True
    return False
