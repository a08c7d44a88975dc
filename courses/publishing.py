"""The course section and how trainers publish into it.

Trainers write courses and lessons in the Wagtail admin, under the course
catalog only; a course reviewer approves each change before workers see it:

    trainer saves a draft → submits it to 课程审核 → a reviewer approves
    (Wagtail publishes the approved revision) or asks for changes with a comment.

Everything is granted through Wagtail's own page permissions and moderation
workflow, so the admin enforces it: a trainer has no publish permission and
no permission at all outside the catalog. course_section_ensure() runs after
every migrate (and so on every fresh database and test database).
"""

from __future__ import annotations

import logging

from django.apps import apps
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from wagtail.models import (
    Collection,
    GroupApprovalTask,
    GroupCollectionPermission,
    GroupPagePermission,
    Page,
    Workflow,
    WorkflowPage,
    WorkflowTask,
)

from courses.models import Category, CourseIndexPage
from people import roles

logger = logging.getLogger(__name__)

SECTION_TITLE = "课程中心"
SECTION_SLUG = "courses"
WORKFLOW_NAME = "课程审核"
TASK_NAME = "课程审核员审核"

# (name, slug): the seven course areas of community work training.
CATEGORIES = [
    ("法律法规", "law"),
    ("政策解读", "policy"),
    ("计算机与办公技能", "computer-skills"),
    ("心理健康与压力管理", "mental-health"),
    ("公文写作", "official-writing"),
    ("矛盾纠纷调解", "mediation"),
    ("应急处置", "emergency"),
]

# Page permissions on the catalog (and so on every course and lesson under it).
# Trainers add and edit but never publish: their changes go through the workflow.
PAGE_PERMISSIONS = {
    roles.TRAINER: ["add", "change"],
    roles.REVIEWER: ["publish"],
}
# Collection permissions on the root collection, so that trainers can upload
# cover images, videos and handouts and choose them in lessons.
COLLECTION_PERMISSIONS = {
    roles.TRAINER: [
        "wagtailimages.add_image",
        "wagtailimages.choose_image",
        "wagtaildocs.add_document",
        "wagtaildocs.choose_document",
    ],
    roles.REVIEWER: ["wagtailimages.choose_image", "wagtaildocs.choose_document"],
}


def categories_ensure() -> list[Category]:
    """The seven course categories, created if missing; admins may add more."""
    result = []
    for order, (name, slug) in enumerate(CATEGORIES):
        category, _created = Category.objects.get_or_create(
            name=name, defaults={"slug": slug, "sort_order": order}
        )
        result.append(category)
    return result


def _permission(dotted: str) -> Permission:
    app_label, codename = dotted.split(".")
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


def _grant(groups: dict[str, Group], section: Page) -> None:
    for key, actions in PAGE_PERMISSIONS.items():
        for action in actions:
            GroupPagePermission.objects.get_or_create(
                group=groups[key],
                page=section,
                permission=_permission(f"wagtailcore.{action}_page"),
            )
    root_collection = Collection.get_first_root_node()
    if root_collection is None:
        return
    for key, dotted_names in COLLECTION_PERMISSIONS.items():
        for dotted in dotted_names:
            GroupCollectionPermission.objects.get_or_create(
                group=groups[key],
                collection=root_collection,
                permission=_permission(dotted),
            )


def _workflow_ensure(*, section: Page, reviewers: Group) -> Workflow:
    task = GroupApprovalTask.objects.filter(name=TASK_NAME).first()
    if task is None:
        task = GroupApprovalTask.objects.create(name=TASK_NAME)
    task.groups.add(reviewers)
    workflow = Workflow.objects.filter(name=WORKFLOW_NAME).first()
    if workflow is None:
        workflow = Workflow.objects.create(name=WORKFLOW_NAME)
    if not WorkflowTask.objects.filter(workflow=workflow, task=task).exists():
        WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    WorkflowPage.objects.update_or_create(page=section, defaults={"workflow": workflow})
    return workflow


def course_section_ensure() -> CourseIndexPage | None:
    """The catalog page, its permissions, its workflow and the categories (idempotent).

    Returns None when there is no home page to hold the catalog yet (a database
    that was just flushed); the next migrate or seed_demo makes it.
    """
    for app_config in apps.get_app_configs():
        create_permissions(app_config, verbosity=0)
    with transaction.atomic():
        categories_ensure()
        section = CourseIndexPage.objects.order_by("path").first()
        if section is None:
            home = apps.get_model("cms", "HomePage").objects.order_by("path").first()
            if home is None:
                logger.info("No home page yet: the course section is made later.")
                return None
            section = CourseIndexPage(title=SECTION_TITLE, slug=SECTION_SLUG)
            home.add_child(instance=section)
            section.save_revision().publish()
        groups = {
            key: Group.objects.get_or_create(name=roles.GROUP_NAMES[key])[0]
            for key in (roles.TRAINER, roles.REVIEWER)
        }
        _grant(groups, section)
        _workflow_ensure(section=section, reviewers=groups[roles.REVIEWER])
        return section
