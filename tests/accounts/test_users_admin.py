"""Admins create users and roles; a new user sets a password through a one-time e-mailed link."""

from __future__ import annotations

import re

from django.core import mail
from django.urls import reverse

from insyn.accounts.models import User
from insyn.core.models import ChangeEntry
from insyn.organisations.models import Membership


def _link(message) -> str:
    return re.search(r"https?://\S+", message.body).group(0)


def test_admin_creates_user_who_sets_password_through_link(
    login, client, tree, staff, django_capture_on_commit_callbacks
):
    c = login(staff.admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = c.post(
            reverse("accounts:user_create"),
            {
                "username": "nyanstalld",
                "first_name": "Nora",
                "last_name": "Nyanställd",
                "email": "nora@vaxjo.se",
                "organisation": tree.vaxjo.pk,
            },
        )
    assert response.status_code == 302
    user = User.objects.get(username="nyanstalld")
    assert not user.has_usable_password()
    assert ChangeEntry.objects.filter(
        object_type="accounts.user", object_id=str(user.pk), action="create"
    ).exists()
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["nora@vaxjo.se"]

    path = _link(mail.outbox[0]).split("8000", 1)[-1]
    anon = client.__class__()
    form_page = anon.get(path, follow=True)
    assert form_page.status_code == 200 and form_page.context["validlink"]
    set_url = form_page.redirect_chain[-1][0] if form_page.redirect_chain else path
    done = anon.post(
        set_url,
        {"new_password1": "Ett-langt-losenord-42", "new_password2": "Ett-langt-losenord-42"},
    )
    assert done.status_code == 302
    user.refresh_from_db()
    assert user.check_password("Ett-langt-losenord-42")
    # the link is single use
    again = client.__class__().get(path, follow=True)
    assert again.context["validlink"] is False


def test_bad_input_changes_nothing(login, tree, staff):
    c = login(staff.admin)
    count = User.objects.count()
    response = c.post(
        reverse("accounts:user_create"),
        {
            "username": "cw",
            "first_name": "A",
            "last_name": "B",
            "email": "not-an-email",
            "organisation": tree.vaxjo.pk,
        },
    )
    assert response.status_code == 400
    assert response.context["form"].errors
    assert User.objects.count() == count


def test_duplicate_username_gets_a_clear_message(login, tree, staff):
    response = login(staff.admin).post(
        reverse("accounts:user_create"),
        {
            "username": "CW",
            "first_name": "A",
            "last_name": "B",
            "email": "a@b.se",
            "organisation": tree.vaxjo.pk,
        },
    )
    assert response.status_code == 400
    assert "username" in response.context["form"].errors


def test_admin_cannot_create_users_in_another_municipality(login, tree, staff):
    response = login(staff.admin).post(
        reverse("accounts:user_create"),
        {
            "username": "x1",
            "first_name": "A",
            "last_name": "B",
            "email": "x1@b.se",
            "organisation": tree.kalmar.pk,
        },
    )
    assert response.status_code == 400  # Kalmar is not a choice for Växjö's admin
    assert not User.objects.filter(username="x1").exists()


def test_admin_grants_and_revokes_roles(login, tree, staff):
    c = login(staff.admin)
    url = reverse("accounts:user_detail", args=[staff.case_worker.pk])
    c.post(url, {"op": "grant", "org_unit": tree.bof_unit.pk, "role": "unit_manager"})
    m = Membership.objects.get(user=staff.case_worker, org_unit=tree.bof_unit, role="unit_manager")
    c.post(url, {"op": "revoke", "membership": m.pk})
    assert not Membership.objects.filter(pk=m.pk).exists()
    actions = list(
        ChangeEntry.objects.filter(object_type="organisations.membership", object_id=str(m.pk))
        .order_by("at", "pk")
        .values_list("action", "actor")
    )
    assert actions == [("create", staff.admin.pk), ("delete", staff.admin.pk)]


def test_analyst_role_only_at_reference_level(login, tree, staff):
    c = login(staff.admin)
    response = c.post(
        reverse("accounts:user_detail", args=[staff.case_worker.pk]),
        {"op": "grant", "org_unit": tree.vux_unit.pk, "role": "analyst"},
    )
    assert response.status_code == 400
    assert not Membership.objects.filter(user=staff.case_worker, role="analyst").exists()


def test_admin_gets_404_for_a_user_of_another_municipality(login, staff):
    c = login(staff.admin)
    outside = c.get(reverse("accounts:user_detail", args=[staff.kalmar_case_worker.pk]))
    missing = c.get(reverse("accounts:user_detail", args=[999999]))
    assert outside.status_code == missing.status_code == 404


def test_admin_cannot_deactivate_self(login, staff):
    c = login(staff.admin)
    c.post(
        reverse("accounts:user_detail", args=[staff.admin.pk]),
        {"op": "update", "first_name": "A", "last_name": "B", "email": "admin@example.se"},
    )
    staff.admin.refresh_from_db()
    assert staff.admin.is_active


def test_password_reset_does_not_reveal_accounts(client, staff):
    known = client.post(reverse("accounts:password_reset"), {"email": staff.case_worker.email})
    unknown = client.post(reverse("accounts:password_reset"), {"email": "nobody@example.se"})
    assert known.status_code == unknown.status_code == 200
    pages = [[t.name for t in r.templates if "/email/" not in t.name] for r in (known, unknown)]
    assert pages[0] == pages[1]
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [staff.case_worker.email]


def test_non_admins_cannot_reach_user_admin(login, staff):
    for user in (staff.case_worker, staff.unit_manager, staff.quality_lead, staff.analyst):
        assert login(user).get(reverse("accounts:users")).status_code == 404
