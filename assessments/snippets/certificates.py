"""Wagtail admin for certificates: the issuing organisation (admins) and, on a
course's edit page, links that preview both designs (trainers)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.panels import FieldPanel
from wagtail.admin.widgets import Button
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from ..models import IssuerSettings
from ..pdf.certificate import DESIGNS

DESIGN_LABELS = {
    "classic": _("Preview certificate: classic"),
    "modern": _("Preview certificate: modern"),
}


class IssuerSettingsViewSet(SnippetViewSet):
    """One row: the organisation and seal printed on new certificates."""

    model = IssuerSettings
    icon = "doc-full"
    menu_label = _("Certificate issuer")
    menu_name = "certificate_issuer"
    add_to_admin_menu = True
    menu_order = 420
    list_display = ["name", "updated_at"]
    panels = [FieldPanel("name"), FieldPanel("seal")]


register_snippet(IssuerSettingsViewSet)


@hooks.register("register_page_header_buttons")
def certificate_preview_buttons(page, user, view_name=None, next_url=None):
    """On a course that gives a certificate: preview each design as PDF."""
    from courses.models import CoursePage
    from people import roles

    if not isinstance(page.specific_deferred, CoursePage) or not page.pk:
        return
    if not roles.has_role(user, roles.TRAINER, roles.ADMIN):
        return
    for priority, design in enumerate(DESIGNS, start=100):
        yield Button(
            DESIGN_LABELS[design],
            reverse("assessments:certificate_preview", args=[page.pk, design]),
            icon_name="doc-full",
            priority=priority,
            attrs={"target": "_blank", "rel": "noopener"},
        )
