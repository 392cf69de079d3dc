"""The public answer page: link tokens, saving progress, submission, closed links, throttling."""

from __future__ import annotations

import datetime as dt
import importlib.util
import os

import pytest
from django.urls import reverse
from django.utils import timezone

from insyn.surveys import link_throttle
from insyn.surveys.models import Answer, Invitation, InvitationToken, Response
from insyn.surveys.services import invitations as services
from tests.surveys.factories import placement, response_for

CHILD_ANSWERS = {
    "q_barn_halsa": "4",
    "q_barn_skola": "unknown",
    "q_barn_trygg": "5",
    "q_barn_tillit": "4",
    "q_barn_familj": "3",
    "q_barn_paverka": "2",
    "q_barn_helhet": "5",
    "q_barn_kommentar": "Bra personal",
}


@pytest.fixture
def child_link(surveys, tree, staff):
    occasion = placement(surveys.programme, tree.vux_unit)
    response = response_for(occasion, "child")
    invitation, token = services.invitation_create(
        actor=staff.case_worker, response=response, channel=Invitation.Channel.HANDED
    )
    return invitation, token, reverse("surveys:answer", args=[token])


def test_only_the_hash_of_the_token_is_stored(child_link):
    invitation, token, _url = child_link
    stored = InvitationToken.objects.get(invitation=invitation)
    assert stored.token_hash == services.hash_token(token) and token not in stored.token_hash
    assert len(token) >= 40


def test_page_shows_the_child_set_in_swedish_with_fieldsets(client, child_link):
    _inv, _token, url = child_link
    html = client.get(url).content.decode()
    assert "<fieldset" in html and "<legend>" in html
    assert "Kände du dig trygg där du bodde?" in html
    assert "Hur fungerade samarbetet med boendet?" not in html  # the case worker's set
    assert "<script>" not in html and 'style="' not in html


def test_language_switch_to_english(client, child_link):
    _inv, _token, url = child_link
    html = client.get(url + "?lang=en").content.decode()
    assert "Did you feel safe where you lived?" in html and 'lang="en"' in html


def test_save_progress_and_resume_with_the_same_link(client, child_link):
    invitation, _token, url = child_link
    response = client.post(url, {"q_barn_trygg": "4", "action": "save"})
    assert response.status_code == 200
    invitation.refresh_from_db()
    assert invitation.draft == {"barn_trygg": "4"} and invitation.used_at is None
    html = client.get(url).content.decode()
    assert 'value="4" checked' in html
    assert Response.objects.get(pk=invitation.response_id).status == "expected"


def test_submit_missing_required_shows_error_summary_and_stores_no_answers(client, child_link):
    invitation, _token, url = child_link
    response = client.post(url, {"q_barn_trygg": "4", "action": "submit"})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="error-summary"' in html and 'href="#q-barn_helhet"' in html
    assert Answer.objects.count() == 0
    invitation.refresh_from_db()
    assert invitation.used_at is None


def test_submit_then_receipt_only_and_reuse_stores_nothing(client, child_link):
    invitation, _token, url = child_link
    response = client.post(url, {**CHILD_ANSWERS, "action": "submit"})
    assert response.status_code == 302 and response["Location"] == reverse("surveys:receipt")
    receipt = client.get(response["Location"]).content.decode()
    assert "Tack" in receipt and "trygg" not in receipt and "Bra personal" not in receipt
    r = Response.objects.get(pk=invitation.response_id)
    assert (r.status, r.mode) == ("submitted", "self")
    assert Answer.objects.filter(response=r).count() == 8
    assert Answer.objects.get(response=r, question__key="barn_skola").unknown is True
    # reuse: a clear message, and nothing stored
    again = client.post(url, {**CHILD_ANSWERS, "q_barn_helhet": "1", "action": "submit"})
    assert again.status_code == 410
    assert "redan besvarats" in again.content.decode()
    assert Answer.objects.get(response=r, question__key="barn_helhet").number == 5
    assert client.get(url).status_code == 410


def test_revoked_and_expired_links_show_clear_messages(client, child_link, staff):
    invitation, _token, url = child_link
    services.invitation_revoke(actor=staff.case_worker, invitation=invitation)
    response = client.post(url, {**CHILD_ANSWERS, "action": "save"})
    assert response.status_code == 410 and "återkallats" in response.content.decode()
    invitation.refresh_from_db()
    assert invitation.draft == {}
    Invitation.objects.filter(pk=invitation.pk).update(
        revoked_at=None, expires_at=timezone.now() - dt.timedelta(minutes=1)
    )
    assert "gått ut" in client.get(url).content.decode()


def _bad(client, n: int = 1, **extra):
    """GET n unknown links (distinct tokens, distinct prefixes); the last response."""
    response = None
    for i in range(n):
        token = f"{i:08d}" + "x" * 35
        response = client.get(reverse("surveys:answer", args=[token]), **extra)
    return response


def test_unknown_links_are_throttled(client, db):
    for _ in range(link_throttle.BAD_TOKEN_LIMIT):
        assert client.get(reverse("surveys:answer", args=["x" * 43])).status_code == 404
    assert client.get(reverse("surveys:answer", args=["y" * 43])).status_code == 429


def test_a_valid_link_opens_from_a_throttled_address(client, child_link):
    _inv, _token, url = child_link
    assert _bad(client, link_throttle.BAD_TOKEN_LIMIT + 1).status_code == 429
    assert client.get(url).status_code == 200
    assert client.post(url, {**CHILD_ANSWERS, "action": "save"}).status_code == 200


def test_behind_the_proxy_each_client_address_counts_alone(client, db, settings):
    settings.INSYN_TRUSTED_PROXIES = ["10.0.0.1"]
    proxy = {"REMOTE_ADDR": "10.0.0.1"}
    noisy = {**proxy, "HTTP_X_FORWARDED_FOR": "203.0.113.7"}
    quiet = {**proxy, "HTTP_X_FORWARDED_FOR": "203.0.113.8"}
    assert _bad(client, link_throttle.BAD_TOKEN_LIMIT + 1, **noisy).status_code == 429
    assert _bad(client, 1, **quiet).status_code == 404
    # without the trusted proxy the header is not believed: everyone is the proxy's address
    settings.INSYN_TRUSTED_PROXIES = []
    assert _bad(client, link_throttle.BAD_TOKEN_LIMIT + 1, **noisy).status_code == 429
    assert _bad(client, 1, **quiet).status_code == 429


def test_one_token_prefix_tried_from_many_addresses_is_throttled(client, db):
    url = reverse("surveys:answer", args=["samepfx" + "z" * 36])
    for i in range(link_throttle.BAD_TOKEN_LIMIT):
        assert client.get(url, REMOTE_ADDR=f"198.51.100.{i + 1}").status_code == 404
    assert client.get(url, REMOTE_ADDR="198.51.100.200").status_code == 429
    other = reverse("surveys:answer", args=["otherpfx" + "z" * 35])
    assert client.get(other, REMOTE_ADDR="198.51.100.201").status_code == 404


def test_the_counters_live_in_the_shared_cache_not_in_the_worker(client, db):
    from django.core.cache import caches
    from django.core.cache.backends.db import DatabaseCache
    from django.core.cache.backends.redis import RedisCache
    from django.db import connection

    assert isinstance(caches["default"], DatabaseCache | RedisCache)
    _bad(client, 3)
    if isinstance(caches["default"], DatabaseCache):
        with connection.cursor() as cursor:
            cursor.execute("SELECT cache_key FROM insyn_cache")
            keys = [row[0] for row in cursor.fetchall()]
        assert any("surveys:bad-link:addr:127.0.0.1" in key for key in keys)


def test_the_answer_page_records_the_real_address_and_a_masked_path(client, child_link, settings):
    from insyn.core.models import AccessEntry
    from insyn.core.redaction import MASK

    settings.INSYN_TRUSTED_PROXIES = ["10.0.0.0/8"]
    invitation, _token, url = child_link
    response = client.get(
        url + "?q=19121212-1212",
        REMOTE_ADDR="10.1.2.3",
        HTTP_X_FORWARDED_FOR="198.51.100.9, 203.0.113.7, 10.0.0.2",
    )
    assert response.status_code == 200
    entry = AccessEntry.objects.filter(object_id=str(invitation.pk)).latest("id")
    assert entry.ip_address == "203.0.113.7"
    assert entry.path.endswith(f"?q={MASK}") and "1212-1212" not in entry.path


def test_bad_number_is_reported_and_not_saved(client, surveys, tree, staff):
    from insyn.surveys.models import SurveyRound

    round_ = SurveyRound.objects.create(
        questionnaire=surveys.ifo_q.__class__.objects.get(key="handlaggning-kvalitet"),
        unit=tree.vux_unit,
        name="Runda",
        opens_on=dt.date.today(),
        closes_on=dt.date.today() + dt.timedelta(days=10),
    )
    ((_inv, token),) = services.round_invite(
        actor=staff.case_worker, survey_round=round_, channel="handed", count=1
    )
    url = reverse("surveys:answer", args=[token])
    response = client.post(url, {"q_hk_kontakter": "många", "q_hk_respekt": "5", "action": "save"})
    assert response.status_code == 400 and "Skriv ett tal" in response.content.decode()
    assert _inv.__class__.objects.get(pk=_inv.pk).draft == {"hk_respekt": "5"}


def test_anonymous_answer_is_not_linked_to_the_invitation(client, surveys, tree, staff):
    from insyn.surveys.models import SurveyRound

    round_ = services.round_create(
        actor=staff.case_worker,
        questionnaire=surveys.ifo_q,
        unit=tree.vux_unit,
        name="IFO 2026",
        opens_on=dt.date.today(),
        closes_on=dt.date.today() + dt.timedelta(days=20),
    )
    issued = services.round_invite(
        actor=staff.case_worker, survey_round=round_, channel="handed", count=3
    )
    _inv, token = issued[0]
    response = client.post(
        reverse("surveys:answer", args=[token]), {"q_ifo_battre": "4", "action": "submit"}
    )
    assert response.status_code == 302
    answer = Response.objects.get(round=round_)
    assert (
        answer.occasion_id is None
        and answer.submitted_at is None
        and answer.invitations.count() == 0
    )
    assert (
        SurveyRound.objects.get(pk=round_.pk).invitations.filter(used_at__isnull=False).count() == 1
    )


def test_messages_and_receipt_follow_the_page_language_not_the_browser(client, child_link):
    _inv, _token, url = child_link
    english_browser = {"HTTP_ACCEPT_LANGUAGE": "en-US,en;q=0.9"}
    bad = client.post(url, {"q_barn_trygg": "4", "action": "submit"}, **english_browser)
    assert "Frågan behöver ett svar." in bad.content.decode()
    done = client.post(url, {**CHILD_ANSWERS, "action": "submit"}, **english_browser)
    receipt = client.get(done["Location"], **english_browser).content.decode()
    assert "Tack – dina svar har kommit fram" in receipt


def test_saved_draft_is_a_change_entry_without_the_answers(client, child_link):
    """The respondent's saved progress is a write to personal data: a change entry in the same
    transaction, naming the invitation, with neither the answers nor the comment in it."""
    from insyn.core.models import AccessEntry, ChangeEntry

    invitation, _token, url = child_link
    last_change = ChangeEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0
    last_access = AccessEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0
    response = client.post(
        url, {"q_barn_trygg": "4", "q_barn_kommentar": "Hemligt", "action": "save"}
    )
    assert response.status_code == 200
    entry = ChangeEntry.objects.get(id__gt=last_change)
    assert (entry.action, entry.object_type, entry.object_id, entry.actor) == (
        "save_draft",
        "surveys.invitation",
        str(invitation.pk),
        None,
    )
    assert entry.before["draft_answers"] == 0 and entry.after["draft_answers"] == 2
    assert "Hemligt" not in str(entry.after) and "barn_trygg" not in str(entry.after)
    # The page shown again with the saved answers is a read of them.
    shown = AccessEntry.objects.filter(id__gt=last_access)
    assert [(a.object_type, a.object_id) for a in shown] == [
        ("surveys.invitation", str(invitation.pk))
    ]


REDIS_URL = os.environ.get("INSYN_TEST_REDIS_URL", "")

COUNT_FROM_ANOTHER_PROCESS = """
import django
django.setup()
from django.test import Client
from django.urls import reverse
c = Client()
for i in range(3):
    print(c.get(reverse("surveys:answer", args=["q" * 43]), REMOTE_ADDR="203.0.113.50").status_code)
"""


@pytest.mark.skipif(
    not REDIS_URL or importlib.util.find_spec("redis") is None,
    reason="INSYN_TEST_REDIS_URL names a Redis database of its own (and needs redis-py)",
)
def test_with_redis_another_process_sees_the_same_counts(client, child_link, settings):
    """Two app processes share Redis: failures counted in one refuse bad links in the other,
    never a valid link."""
    import subprocess
    import sys

    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,  # a database of its own: the test clears it
            "KEY_PREFIX": "insyn",
        }
    }
    from django.core.cache import cache

    cache.clear()
    try:
        address = {"REMOTE_ADDR": "203.0.113.50"}
        assert _bad(client, link_throttle.BAD_TOKEN_LIMIT - 3, **address).status_code == 404
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "insyn.settings",
            "INSYN_REDIS_URL": REDIS_URL,
            "DATABASE_URL": "sqlite:///:memory:",  # a lookup of an unknown token finds nothing
        }
        probe = COUNT_FROM_ANOTHER_PROCESS.replace(
            "django.setup()",
            "django.setup()\n"
            "from django.core.management import call_command\n"
            "call_command('migrate', verbosity=0)",
        )
        result = subprocess.run(
            [sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=False
        )
        assert result.stdout.split() == ["404", "404", "404"], result.stderr[-2000:]
        assert _bad(client, 1, **address).status_code == 429
        _inv, _token, url = child_link
        assert client.get(url, **address).status_code == 200
    finally:
        cache.clear()
