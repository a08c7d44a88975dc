"""The Django admin for people, as the admin persona sees it."""

import re

import pytest
from django.contrib import admin as django_admin
from django.test import Client, RequestFactory

from people.audit import audit_record
from people.models import AuditEntry, OrgUnit, Position, RosterImport, WorkerProfile
from people.roster import roster_import_create
from tests.factories.people import PositionFactory, UserFactory


@pytest.fixture
def known_rows(org, worker, hr_street, admin):
    """One recognisable row for every model the admin shows."""
    worker.mobile = "13712345678"
    worker.save(update_fields=["mobile"])
    PositionFactory(name="网格员")
    audit_record(action="grade_changed", actor=admin, obj=worker)
    roster_import_create(
        uploaded_by=admin,
        filename="东湖花名册.xlsx",
        content=b"PK-secret-bytes",
        create_orgs=False,
    )


@pytest.mark.parametrize(
    ("url", "text"),
    [
        ("/django-admin/people/user/", "张晓明"),
        ("/django-admin/people/orgunit/", "朝阳社区"),
        ("/django-admin/people/position/", "网格员"),
        ("/django-admin/people/workerprofile/", "W10001"),
        ("/django-admin/people/hrscope/", "周人事"),
        ("/django-admin/people/auditentry/", "grade_changed"),
        ("/django-admin/people/rosterimport/", "东湖花名册.xlsx"),
    ],
)
def test_each_people_changelist_loads_for_the_admin_and_shows_a_known_row(
    client_for, known_rows, url, text
):
    response = client_for("admin").get(url)

    assert response.status_code == 200
    assert text in response.content.decode()


@pytest.mark.parametrize(
    ("url", "found", "not_found"),
    [
        ("/django-admin/people/user/?q=13712345678", "张晓明", "周人事"),
        ("/django-admin/people/user/?q=周人事", "hr_street", "13712345678"),
        ("/django-admin/people/workerprofile/?q=W10001", "张晓明", "W20001"),
        ("/django-admin/people/workerprofile/?q=13712345678", "W10001", "W20001"),
    ],
)
def test_admin_search_finds_people_by_name_number_or_phone(
    client_for, known_rows, other_worker, url, found, not_found
):
    page = client_for("admin").get(url).content.decode()

    assert found in page
    assert not_found not in page


def test_the_worker_list_filters_by_position(client_for, known_rows, other_worker):
    position = Position.objects.get(name="网格员")
    WorkerProfile.objects.filter(user=other_worker).update(position=position)

    page = (
        client_for("admin")
        .get(f"/django-admin/people/workerprofile/?position__id__exact={position.pk}")
        .content.decode()
    )

    assert "W20001" in page
    assert "W10001" not in page


def test_the_worker_form_uses_autocomplete_for_user_and_org_unit(
    client_for, known_rows, worker
):
    profile = worker.profile

    page = (
        client_for("admin")
        .get(f"/django-admin/people/workerprofile/{profile.pk}/change/")
        .content.decode()
    )

    assert re.search(r'<select[^>]*name="user"[^>]*admin-autocomplete', page)
    assert re.search(r'<select[^>]*name="org_unit"[^>]*admin-autocomplete', page)


def test_the_org_unit_form_places_a_node_in_the_tree(client_for, org, admin):
    page = client_for("admin").get("/django-admin/people/orgunit/add/").content.decode()

    assert 'name="treebeard_position"' in page
    assert re.search(r'<select[^>]*name="treebeard_ref_node"', page)
    assert "朝阳社区" in page


def test_the_user_form_edits_name_and_mobile(client_for, known_rows, worker):
    page = (
        client_for("admin")
        .get(f"/django-admin/people/user/{worker.pk}/change/")
        .content.decode()
    )

    assert re.search(r'<input[^>]*name="name"[^>]*value="张晓明"', page)
    assert re.search(r'<input[^>]*name="mobile"[^>]*value="13712345678"', page)


def test_the_audit_log_offers_no_add_change_or_delete(client_for, known_rows):
    entry = AuditEntry.objects.get(action="grade_changed")
    client = client_for("admin")

    changelist = client.get("/django-admin/people/auditentry/").content.decode()
    detail = client.get(f"/django-admin/people/auditentry/{entry.pk}/change/")
    add = client.get("/django-admin/people/auditentry/add/")
    delete = client.post(
        f"/django-admin/people/auditentry/{entry.pk}/delete/", {"post": "yes"}
    )
    edit = client.post(
        f"/django-admin/people/auditentry/{entry.pk}/change/",
        {"action": "rewritten", "actor_label": "someone else"},
    )

    assert "/django-admin/people/auditentry/add/" not in changelist
    assert 'name="action"' not in changelist  # no bulk "delete selected"
    assert detail.status_code == 200
    assert 'name="_save"' not in detail.content.decode()
    assert "/delete/" not in detail.content.decode()
    assert add.status_code == 403
    assert delete.status_code == 403
    assert edit.status_code == 403
    entry.refresh_from_db()
    assert entry.action == "grade_changed"
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_the_audit_admin_permissions_are_all_false_even_for_a_superuser(admin):
    model_admin = django_admin.site._registry[AuditEntry]
    request = RequestFactory().get("/django-admin/")
    request.user = admin

    assert model_admin.has_add_permission(request) is False
    assert model_admin.has_change_permission(request) is False
    assert model_admin.has_delete_permission(request) is False
    assert model_admin.has_view_permission(request) is True


def test_the_audit_log_filters_by_action(client_for, known_rows, admin):
    audit_record(action="roster_import", actor=admin, details={"created": 1})

    page = (
        client_for("admin")
        .get("/django-admin/people/auditentry/?action=roster_import")
        .content.decode()
    )

    results = page.split('id="result_list"')[1].split("</table>")[0]
    assert "roster_import" in results
    assert "grade_changed" not in results


def test_roster_imports_link_to_the_upload_page_and_hide_the_file_bytes(
    client_for, known_rows
):
    job = RosterImport.objects.get()
    client = client_for("admin")

    changelist = client.get("/django-admin/people/rosterimport/").content.decode()
    detail = client.get(f"/django-admin/people/rosterimport/{job.pk}/change/")

    assert 'href="/people/roster/"' in changelist
    assert "/django-admin/people/rosterimport/add/" not in changelist
    assert detail.status_code == 200
    assert "PK-secret-bytes" not in detail.content.decode()
    assert 'name="_save"' not in detail.content.decode()
    assert "东湖花名册.xlsx" in detail.content.decode()


def test_a_user_can_be_added_with_name_and_mobile(client_for, admin):
    response = client_for("admin").post(
        "/django-admin/people/user/add/",
        {
            "username": "new_hr",
            "name": "新人事",
            "mobile": "13698765432",
            "usable_password": "true",
            "password1": "a-long-pass-phrase-2024",
            "password2": "a-long-pass-phrase-2024",
        },
    )

    assert response.status_code == 302
    user = type(admin).objects.get(username="new_hr")
    assert (user.name, user.mobile) == ("新人事", "13698765432")


@pytest.mark.parametrize("persona", ["worker", "hr_street"])
def test_people_without_staff_status_cannot_open_the_django_admin(client_for, persona):
    response = client_for(persona).get("/django-admin/people/auditentry/")

    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_org_units_list_in_tree_order(client_for, org, admin):
    page = client_for("admin").get("/django-admin/people/orgunit/").content.decode()

    names = [unit.name for unit in OrgUnit.get_tree()]
    positions = [page.index(name) for name in names]
    assert positions == sorted(positions)


def test_a_staff_member_without_the_right_permission_cannot_see_the_audit_log(db):
    staff = UserFactory(username="staff_only", is_staff=True)
    client = Client()
    client.force_login(staff)

    assert client.get("/django-admin/people/auditentry/").status_code == 403
