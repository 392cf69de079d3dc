"""The internal-control demo: a completed round with answers (some not met, one turned into an
action item) and a round in review in Växjö; nothing more the second time."""

from __future__ import annotations

from io import StringIO

from django.core.management import call_command

from insyn.quality import demo_control
from insyn.quality.models import ActionItem, ControlRound, ReviewAnswer


def test_demo_control_rounds(db):
    call_command("demo", "--only", "organisations", "--only", "followup", stdout=StringIO())
    out = StringIO()
    demo_control.load(out)
    states = dict(ControlRound.objects.values_list("state", "municipality__code"))
    assert set(states) == {"completed", "in_review"}, out.getvalue()
    assert set(states.values()) == {"0780"}, states
    done = ControlRound.objects.get(state="completed")
    assert ReviewAnswer.objects.filter(control_case__round=done, answer="no").exists()
    assert ActionItem.objects.filter(plan__control_round=done).count() == 1
    assert done.cases.filter(second_reviewer__isnull=False).exists()
    demo_control.load(StringIO())
    assert ControlRound.objects.count() == 2
