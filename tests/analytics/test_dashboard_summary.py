"""The unit overview's figures are read in a selector module (issue 14, item 9): the views in
analytics/dashboard.py choose and render, `dashboard_summary` reads through `aggregate()` with
the user's scope."""

from __future__ import annotations

import ast
from pathlib import Path

from insyn.analytics.dashboard_summary import home_lines, summary
from insyn.analytics.specs import load_spec

SRC = Path(__file__).resolve().parents[2] / "src" / "insyn"


def test_the_dashboard_views_do_not_aggregate_themselves():
    tree = ast.parse((SRC / "analytics" / "dashboard.py").read_text(encoding="utf-8"))
    imported = {
        node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module
    }
    assert "insyn.analytics.aggregate" not in imported
    assert not any(
        isinstance(node, ast.FunctionDef) and node.name in {"summary", "_run", "_total"}
        for node in ast.walk(tree)
    )


def test_summary_and_start_page_lines_read_within_the_users_scope(generated, staff, tree):
    spec = load_spec("vux")
    assert spec is not None
    figures = summary(spec, staff.unit_manager, (tree.vux_unit.pk,))
    assert [line.name for line in figures["stages"]][:2] == ["Före", "Efter"]
    assert any(change.label == "Dagar med problem" for change in figures["changes"])
    assert figures["trend"], "quarters of the trend"
    assert [line["key"] for line in home_lines(staff.unit_manager)] == ["vux"]
    assert home_lines(staff.admin) == []  # no aggregates for an administrator
