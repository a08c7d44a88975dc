"""Roles are Django groups with fixed names; code refers to them by key."""

from django.utils.translation import gettext_lazy as _

WORKER = "worker"
TRAINER = "trainer"
REVIEWER = "reviewer"
HR = "hr"
ADMIN = "admin"

# key -> group name as stored. The names are what admins see in the admin UIs.
GROUP_NAMES = {
    WORKER: "学员",
    TRAINER: "培训师",
    REVIEWER: "课程审核员",
    HR: "组织人事",
    ADMIN: "系统管理员",
}
LABELS = {
    WORKER: _("Worker"),
    TRAINER: _("Trainer"),
    REVIEWER: _("Course reviewer"),
    HR: _("HR reviewer"),
    ADMIN: _("Administrator"),
}
_KEY_BY_NAME = {name: key for key, name in GROUP_NAMES.items()}

# Permissions each role's group holds ("app_label.codename"). Page-level
# permissions for trainers (the course section only) are granted where the
# course section is created.
_BANK_EDIT = [
    f"assessments.{action}_{model}"
    for model in (
        "questionbank",
        "questioncategory",
        "question",
        "quiz",
        "quizquestion",
        "quizdrawrule",
        "coursecompetency",
        "questioncompetency",
    )
    for action in ("view", "add", "change", "delete")
]
_FRAMEWORK_VIEW = [
    "assessments.view_competencyframework",
    "assessments.view_competency",
]
_FRAMEWORK_EDIT = [
    f"assessments.{action}_{model}"
    for model in ("competencyframework", "competency")
    for action in ("add", "change")
]

PERMISSIONS = {
    WORKER: [],
    TRAINER: ["wagtailadmin.access_admin", *_BANK_EDIT, *_FRAMEWORK_VIEW],
    REVIEWER: [
        "wagtailadmin.access_admin",
        "assessments.view_questionbank",
        "assessments.view_question",
        "assessments.view_quiz",
        *_FRAMEWORK_VIEW,
    ],
    HR: [],
    ADMIN: [
        "wagtailadmin.access_admin",
        "people.view_user",
        "people.add_user",
        "people.change_user",
        "people.view_orgunit",
        "people.add_orgunit",
        "people.change_orgunit",
        "people.view_position",
        "people.add_position",
        "people.change_position",
        "people.view_workerprofile",
        "people.add_workerprofile",
        "people.change_workerprofile",
        "people.view_hrscope",
        "people.add_hrscope",
        "people.change_hrscope",
        "people.delete_hrscope",
        "people.view_auditentry",
        "people.view_rosterimport",
        "people.add_rosterimport",
        "courses.view_trainingrecord",
        "courses.view_hourstarget",
        "courses.add_hourstarget",
        "courses.change_hourstarget",
        "courses.view_offlinesession",
        "courses.add_offlinesession",
        "courses.change_offlinesession",
        "courses.view_sessionregistration",
        "courses.view_category",
        *_BANK_EDIT,
        *_FRAMEWORK_VIEW,
        *_FRAMEWORK_EDIT,
        "assessments.view_issuersettings",
        "assessments.add_issuersettings",
        "assessments.change_issuersettings",
        "assessments.view_certificate",
        "records.view_apitoken",
        "records.add_apitoken",
        "records.change_apitoken",
        "records.view_exportjob",
    ],
}


def user_roles(user) -> frozenset[str]:
    """The role keys a user holds, read once per request object."""
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    cached = getattr(user, "_lianxin_roles", None)
    if cached is None:
        names = user.groups.values_list("name", flat=True)
        cached = frozenset(_KEY_BY_NAME[n] for n in names if n in _KEY_BY_NAME)
        if user.is_superuser:
            cached |= {ADMIN}
        user._lianxin_roles = cached
    return cached


def has_role(user, *roles: str) -> bool:
    return bool(user_roles(user) & set(roles))
