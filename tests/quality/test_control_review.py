"""Templates (YAML in and out, versions, duplicates refused), data rules, reviews, compliance
and agreement checked against an independent computation (pandas), findings."""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd
import pytest
import yaml
from django.core.exceptions import ValidationError

from insyn.quality.models import ActionPlan, ReviewAnswer, ReviewCriterion, ReviewTemplate
from insyn.quality.selectors import control as selectors
from insyn.quality.selectors import control_rules as rules
from insyn.quality.services import control as services
from insyn.quality.services import control_findings as findings
from insyn.quality.services import control_templates as templates
from tests.quality import control_factories as f

pytestmark = pytest.mark.django_db
A = ReviewAnswer.Answer


def test_shipped_templates_load_idempotently():
    assert templates.ensure_shipped_templates() == 2
    assert templates.ensure_shipped_templates() == 0
    t = ReviewTemplate.objects.get(code="journalgranskning-ifo")
    texts = list(t.criteria.values_list("text", flat=True))
    assert "Barnsamtal dokumenterat" in texts
    rules_ = set(t.criteria.exclude(data_rule="").values_list("data_rule", flat=True))
    assert rules_ == {"four_month_rule", "executed_3m", "followup_done"}


def test_yaml_round_trip_and_new_version_on_change(tree):
    t = f.template()
    text = templates.template_yaml(t)
    same, created = templates.template_import_yaml(actor=None, text=text, municipality=None)
    assert same == t and not created
    data = yaml.safe_load(text)
    data["criteria"].append({"key": "ny", "text": "Ny fråga"})
    t2, created = templates.template_import(actor=None, data=data, municipality=None)
    assert created and t2.version == 2 and t2.criteria.count() == t.criteria.count() + 1
    t.refresh_from_db()
    assert not t.active and t.criteria.count() == 6  # the old version keeps its criteria


@pytest.mark.parametrize("dup", ["key", "text"])
def test_duplicate_criteria_refused(tree, dup, english):
    data = {
        "code": "x",
        "title": "X",
        "criteria": [
            {"key": "a", "text": "Fråga ett"},
            {"key": "a" if dup == "key" else "b", "text": "Fråga ett" if dup == "text" else "Två"},
        ],
    }
    with pytest.raises(ValidationError) as exc:
        templates.template_import(actor=None, data=data, municipality=tree.vaxjo)
    assert "more than once" in " ".join(exc.value.message_dict["file"])
    assert not ReviewTemplate.objects.filter(code="x").exists()


def test_bad_yaml_and_unknown_rule_refused(tree):
    with pytest.raises(ValidationError):
        templates.template_import_yaml(actor=None, text="a: [", municipality=tree.vaxjo)
    with pytest.raises(ValidationError):
        templates.template_import(
            actor=None,
            data={"code": "y", "title": "Y", "criteria": [{"text": "Z", "data_rule": "magic"}]},
            municipality=tree.vaxjo,
        )


def test_add_months():
    assert rules.add_months(dt.date(2026, 1, 31), 1) == dt.date(2026, 2, 28)
    assert rules.add_months(dt.date(2026, 11, 15), 4) == dt.date(2027, 3, 15)


def test_four_month_rule(tree, staff, catalogues):
    today = dt.date(2026, 9, 1)
    c = f.case(tree.vux_unit)
    assert rules.four_month_rule(c, today).answer == A.NOT_APPLICABLE
    f.investigation(c, dt.date(2026, 1, 10), completed_on=dt.date(2026, 5, 10))  # exactly 4 m
    assert rules.four_month_rule(c, today).answer == A.NOT_APPLICABLE
    inv = f.investigation(c, dt.date(2026, 1, 10), completed_on=dt.date(2026, 5, 11))
    assert rules.four_month_rule(c, today).answer == A.NO
    inv.extended_on = dt.date(2026, 5, 1)
    inv.save()
    assert rules.four_month_rule(c, today).answer == A.YES
    f.investigation(c, dt.date(2026, 4, 1))  # still open today: over four months
    assert rules.four_month_rule(c, today).answer == A.NO


def test_executed_in_three_months(tree, staff, catalogues):
    today = dt.date(2026, 9, 1)
    c = f.case(tree.vux_unit)
    assert rules.executed_3m(c, today).answer == A.NOT_APPLICABLE
    f.decision(c, dt.date(2026, 8, 1))  # not executed, still inside three months: not judged
    assert rules.executed_3m(c, today).answer == A.NOT_APPLICABLE
    f.decision(c, dt.date(2026, 2, 1), executed_on=dt.date(2026, 5, 1))  # boundary: in time
    assert rules.executed_3m(c, today).answer == A.YES
    f.decision(c, dt.date(2026, 2, 1), executed_on=dt.date(2026, 5, 2))
    assert rules.executed_3m(c, today).answer == A.PARTLY
    crit = ReviewCriterion(data_rule="executed_3m", allow_partly=False)
    assert rules.apply(crit, c, today).answer == A.NO


def _reviewed_round(tree, staff, answers_by_case, second=None):
    """A round of len(answers_by_case) cases in review; answers as lists per criterion."""
    for _ in answers_by_case:
        f.case(tree.vux_unit)
    r = f.round_(
        tree.vux_unit,
        staff.quality_lead,
        sample_size=len(answers_by_case),
        second_review_share=100 if second else 0,
    )
    services.control_round_draw(actor=staff.quality_lead, round_=r)
    services.control_round_assign(
        actor=staff.quality_lead,
        round_=r,
        reviewers=[staff.unit_manager, staff.quality_lead],
    )
    services.control_round_transition(actor=staff.quality_lead, round_=r, action="start_review")
    criteria = list(r.template.criteria.order_by("order"))
    rows = []
    for n, cc in enumerate(r.cases.order_by("draw_order")):
        for who, table in ((cc.reviewer, answers_by_case), (cc.second_reviewer, second)):
            if who is None or table is None:
                continue
            given = {c.pk: (table[n][i], "") for i, c in enumerate(criteria)}
            services.control_review_save(actor=who, control_case=cc, answers=given)
            for i, c in enumerate(criteria):
                rows.append(
                    {
                        "case": n,
                        "crit": c.pk,
                        "who": "first" if who == cc.reviewer else "second",
                        "answer": table[n][i],
                    }
                )
    return r, criteria, pd.DataFrame(rows)


FIRST = [
    ["yes", "yes", "no", "yes", "na", "partly"],
    ["na", "no", "yes", "yes", "yes", "yes"],
    ["yes", "yes", "yes", "no", "yes", "no"],
    ["no", "yes", "partly", "yes", "na", "yes"],
]
SECOND = [
    ["yes", "yes", "no", "yes", "na", "partly"],
    ["na", "yes", "yes", "yes", "yes", "no"],
    ["yes", "yes", "yes", "no", "no", "no"],
    ["no", "yes", "partly", "yes", "na", "yes"],
]


def test_compliance_and_agreement_match_pandas(tree, staff, catalogues):
    r, _criteria, df = _reviewed_round(tree, staff, FIRST, SECOND)
    overall, per_unit = selectors.compliance(r)
    first = df[df.who == "first"]
    for row in overall:
        sub = first[first.crit == row.criterion.pk].answer
        judged = sub.isin(["yes", "no", "partly"]).sum()
        yes = (sub == "yes").sum()
        assert row.judged == judged and row.yes == yes
        if judged:
            assert math.isclose(row.share, yes / judged)
            lo, hi = row.interval
            p, n, z = yes / judged, judged, 1.959963984540054
            centre = (p + z * z / (2 * n)) / (1 + z * z / n)
            half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
            assert math.isclose(lo, max(0, centre - half), abs_tol=1e-9)
            assert math.isclose(hi, min(1, centre + half), abs_tol=1e-9)
    assert {row.unit for row in per_unit} == {tree.vux_unit.name}
    wide = df.pivot_table(index=["case", "crit"], columns="who", values="answer", aggfunc="first")
    agreement = selectors.agreement(r)
    assert agreement.cases == 4 and agreement.pairs == len(wide)
    assert agreement.same == (wide["first"] == wide["second"]).sum()
    # Cohen's kappa, independently
    po = (wide["first"] == wide["second"]).mean()
    p1 = wide["first"].value_counts(normalize=True)
    p2 = wide["second"].value_counts(normalize=True)
    pe = sum(p1.get(k, 0) * p2.get(k, 0) for k in set(p1.index) | set(p2.index))
    assert math.isclose(agreement.kappa, (po - pe) / (1 - pe))


def test_review_validation_and_completion(tree, staff, catalogues, english):
    r, criteria, _ = _reviewed_round(tree, staff, [["yes"] * 6])
    cc = r.cases.get()
    with pytest.raises(ValidationError):  # not a reviewer
        services.control_review_save(
            actor=staff.case_worker, control_case=cc, answers={c.pk: ("yes", "") for c in criteria}
        )
    no_partly = next(c for c in criteria if not c.allow_partly)
    bad = {c.pk: ("partly" if c == no_partly else "yes", "") for c in criteria}
    with pytest.raises(ValidationError) as exc:
        services.control_review_save(actor=cc.reviewer, control_case=cc, answers=bad)
    assert f"c{no_partly.pk}" in exc.value.message_dict
    done = services.control_round_transition(
        actor=staff.quality_lead, round_=r, action="complete", summary="Bra"
    )
    assert done.state == "completed" and done.completed_on is not None


def test_complete_refused_while_unreviewed(tree, staff, catalogues):
    f.case(tree.vux_unit)
    r = f.round_(tree.vux_unit, staff.quality_lead)
    services.control_round_draw(actor=staff.quality_lead, round_=r)
    services.control_round_assign(
        actor=staff.quality_lead, round_=r, reviewers=[staff.unit_manager]
    )
    services.control_round_transition(actor=staff.quality_lead, round_=r, action="start_review")
    with pytest.raises(ValidationError):
        services.control_round_transition(actor=staff.quality_lead, round_=r, action="complete")


def test_prefilled_answers(tree, staff, catalogues):
    c = f.case(tree.vux_unit)
    f.investigation(c, dt.date(2025, 1, 10), completed_on=dt.date(2026, 3, 1))
    r = f.round_(tree.vux_unit, staff.quality_lead)
    services.control_round_draw(actor=staff.quality_lead, round_=r)
    cc = r.cases.get()
    pre = services.prefilled(cc)
    four = r.template.criteria.get(data_rule="four_month_rule")
    assert pre[four.pk].answer == A.NO


def test_failure_to_action_item_and_deviation(tree, staff, catalogues):
    r, criteria, _ = _reviewed_round(tree, staff, [["yes", "no", "yes", "yes", "yes", "yes"]])
    failed = selectors.failures(staff.quality_lead, r)
    assert len(failed) == 1 and failed[0].criterion == criteria[1]
    item = findings.finding_to_action_item(actor=staff.quality_lead, answer=failed[0])
    assert item.plan.control_round == r and criteria[1].text in item.activity
    again = findings.finding_to_action_item(actor=staff.quality_lead, answer=failed[0])
    assert again.plan == item.plan and ActionPlan.objects.count() == 1
    deviation = findings.finding_to_deviation(actor=staff.quality_lead, answer=failed[0])
    assert deviation.case == failed[0].control_case.case
    ok = ReviewAnswer.objects.filter(control_case__round=r, answer="yes").first()
    with pytest.raises(ValidationError):
        findings.finding_to_action_item(actor=staff.quality_lead, answer=ok)


def test_failures_only_on_readable_cases(tree, staff, catalogues):
    r, _, _ = _reviewed_round(tree, staff, [["no"] * 6])
    assert selectors.failures(staff.other_case_worker, r) == []
