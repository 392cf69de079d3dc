"""Step 1 pages: programmes, their stages and variables, option sets, YAML in and out.

Everyone with VIEW_ORG reads the programmes that apply to their units; designers (DESIGN in
the owner's subtree) edit drafts, publish, and make new versions of published programmes.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from insyn.core.forms import add_service_errors
from insyn.core.roles import Action
from insyn.core.scoping import has_action
from insyn.core.viewmixins import InsynView
from insyn.followup import selectors
from insyn.followup.forms.design import (
    ImportForm,
    OptionSetForm,
    ProgrammeForm,
    StageForm,
    StageVariablesForm,
    VariableForm,
)
from insyn.followup.models import OptionSet, Programme, Stage, Variable
from insyn.followup.services import design, design_items
from insyn.followup.services.exchange import programme_export, programme_import
from insyn.followup.spec import publish_problems, spec_from_programme


def _form_page(
    request: HttpRequest, *, title: str, form: Any, back: str, status: int = 200, **extra: Any
) -> HttpResponse:
    return render(
        request,
        "followup/design/form.html",
        {"title": title, "form": form, "back": back, **extra},
        status=status,
    )


class ProgrammeListView(InsynView):
    personal_data = False  # programme design: no one's data
    required_action = Action.VIEW_ORG

    def get(self, request: HttpRequest) -> HttpResponse:
        programmes = list(selectors.programmes_visible(request.user).order_by("key", "-version"))
        newest: dict[str, Programme] = {}
        versions: dict[str, int] = {}
        for p in programmes:
            newest.setdefault(p.key, p)
            versions[p.key] = versions.get(p.key, 0) + 1
        rows = [(p, versions[p.key]) for p in sorted(newest.values(), key=lambda p: p.name)]
        return render(
            request,
            "followup/design/programme_list.html",
            {"rows": rows, "can_design": has_action(request.user, Action.DESIGN)},
        )


class ProgrammeCreateView(InsynView):
    personal_data = False  # programme design: no one's data
    required_action = Action.DESIGN

    def get(self, request: HttpRequest) -> HttpResponse:
        form = ProgrammeForm(user=request.user)
        return _form_page(request, title=_("New programme"), form=form, back="followup:programmes")

    def post(self, request: HttpRequest) -> HttpResponse:
        form = ProgrammeForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                programme = design.programme_create(actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("The programme was created as a draft."))
                return redirect("followup:programme", pk=programme.pk)
        return _form_page(
            request, title=_("New programme"), form=form, back="followup:programmes", status=400
        )


class ProgrammeMixin(InsynView):
    """A programme the user may read; `designable` when they may change it."""

    personal_data = False  # programme design: no one's data

    required_action = Action.VIEW_ORG

    def programme(self, request: HttpRequest, pk: int) -> Programme:
        return get_object_or_404(selectors.programmes_visible(request.user), pk=pk)

    def designable(self, request: HttpRequest, pk: int) -> Programme:
        return get_object_or_404(selectors.programmes_designable(request.user), pk=pk)

    def draft(self, request: HttpRequest, pk: int) -> Programme:
        programme = self.designable(request, pk)
        if programme.status != Programme.Status.DRAFT:
            raise Http404
        return programme


class ProgrammeDetailView(ProgrammeMixin):
    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        programme = self.programme(request, pk)
        editable = selectors.can_design(request.user, programme)
        stages = list(
            programme.stages.prefetch_related("stage_variables__variable").order_by(
                "sort_order", "id"
            )
        )
        versions = selectors.programmes_visible(request.user).filter(key=programme.key)
        draft = versions.filter(status=Programme.Status.DRAFT).exclude(pk=programme.pk).first()
        problems = []
        if editable and programme.status == Programme.Status.DRAFT:
            problems = publish_problems(spec_from_programme(programme))
        return render(
            request,
            "followup/design/programme_detail.html",
            {
                "programme": programme,
                "editable": editable,
                "is_draft": programme.status == Programme.Status.DRAFT,
                "stages": stages,
                "variables": programme.variables.select_related("option_set", "instrument"),
                "versions": versions.order_by("-version"),
                "other_draft": draft,
                "publish_problems": problems,
                "enrolled": programme.enrollments.count() if editable else None,
            },
        )


class ProgrammeEditView(ProgrammeMixin):
    required_action = Action.DESIGN

    def get(self, request: HttpRequest, pk: int) -> HttpResponseBase:
        programme = self.designable(request, pk)
        if programme.status != Programme.Status.DRAFT:
            messages.info(request, _("A published programme is changed through a new version."))
            return redirect("followup:programme", pk=pk)
        form = ProgrammeForm(initial=ProgrammeForm.initial_for(programme), user=request.user)
        return self._page(request, programme, form)

    def _page(
        self, request: HttpRequest, p: Programme, form: Any, status: int = 200
    ) -> HttpResponse:
        return _form_page(
            request,
            title=_("Edit %(name)s") % {"name": p.name},
            form=form,
            back="followup:programme",
            back_pk=p.pk,
            status=status,
        )

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        programme = self.draft(request, pk)
        form = ProgrammeForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                design.programme_update(
                    actor=request.user, programme=programme, **form.cleaned_data
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Saved."))
                return redirect("followup:programme", pk=pk)
        return self._page(request, programme, form, status=400)


class ProgrammeActionView(ProgrammeMixin):
    """Publish, new version, retire or delete (POST only)."""

    required_action = Action.DESIGN
    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        programme = self.designable(request, pk)
        op = request.POST.get("op")
        try:
            if op == "publish":
                design.programme_publish(actor=request.user, programme=programme)
                messages.success(request, _("The programme is published."))
            elif op == "new_version":
                draft = design.programme_new_version(actor=request.user, programme=programme)
                messages.success(
                    request,
                    _("Version %(v)s is a draft: change it, then publish it.")
                    % {"v": draft.version},
                )
                return redirect("followup:programme", pk=draft.pk)
            elif op == "retire":
                design.programme_retire(actor=request.user, programme=programme)
                messages.success(request, _("The programme no longer enrols new clients."))
            elif op == "delete":
                design.programme_delete(actor=request.user, programme=programme)
                messages.success(request, _("The draft was deleted."))
                return redirect("followup:programmes")
            else:
                raise Http404
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        return redirect("followup:programme", pk=pk)


class ProgrammeExportView(ProgrammeMixin):
    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        programme = self.programme(request, pk)
        response = HttpResponse(
            programme_export(programme), content_type="application/yaml; charset=utf-8"
        )
        name = f"{programme.key}-v{programme.version}.yaml"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response


class ProgrammeImportView(InsynView):
    personal_data = False  # programme design: no one's data
    required_action = Action.DESIGN

    def get(self, request: HttpRequest) -> HttpResponse:
        return self._page(request, ImportForm(user=request.user))

    def _page(self, request: HttpRequest, form: ImportForm, status: int = 200) -> HttpResponse:
        return _form_page(
            request,
            title=_("Import a programme"),
            form=form,
            back="followup:programmes",
            multipart=True,
            intro=_("A YAML file in the format described in docs/programme-format.md."),
            status=status,
        )

    def post(self, request: HttpRequest) -> HttpResponse:
        form = ImportForm(request.POST, request.FILES, user=request.user)
        if form.is_valid():
            try:
                result = programme_import(
                    actor=request.user,
                    text=form.cleaned_data["file"],
                    owner=form.cleaned_data["owner"],
                    new_version=form.cleaned_data["new_version"],
                    publish=form.cleaned_data["publish"],
                )
            except ValidationError as exc:
                form.add_error(None, exc.messages)
            else:
                text = {
                    "created": _("The programme was imported."),
                    "unchanged": _(
                        "This version was already here and is identical; nothing changed."
                    ),
                    "new_version": _("The file was imported as a new version."),
                }[result.action]
                messages.success(request, text)
                return redirect("followup:programme", pk=result.programme.pk)
        return self._page(request, form, status=400)


# --- stages and variables ----------------------------------------------------------------------


class StageEditView(ProgrammeMixin):
    required_action = Action.DESIGN

    def _stage(self, programme: Programme, stage_pk: int | None) -> Stage | None:
        if stage_pk is None:
            return None
        return get_object_or_404(Stage, programme=programme, pk=stage_pk)

    def _page(
        self, request: HttpRequest, p: Programme, s: Stage | None, form: Any, status: int = 200
    ) -> HttpResponse:
        title = _("Edit stage %(name)s") % {"name": s.name} if s else _("New stage")
        return _form_page(
            request,
            title=title,
            form=form,
            back="followup:programme",
            back_pk=p.pk,
            delete=s is not None,
            status=status,
        )

    def get(self, request: HttpRequest, pk: int, stage_pk: int | None = None) -> HttpResponse:
        programme = self.draft(request, pk)
        stage = self._stage(programme, stage_pk)
        form = StageForm(initial=StageForm.initial_for(stage) if stage else None)
        return self._page(request, programme, stage, form)

    def post(self, request: HttpRequest, pk: int, stage_pk: int | None = None) -> HttpResponse:
        programme = self.draft(request, pk)
        stage = self._stage(programme, stage_pk)
        if stage is not None and request.POST.get("op") == "delete":
            design_items.stage_delete(actor=request.user, stage=stage)
            messages.success(request, _("The stage was deleted."))
            return redirect("followup:programme", pk=pk)
        form = StageForm(request.POST)
        if form.is_valid():
            try:
                saved = design_items.stage_save(
                    actor=request.user,
                    programme=programme,
                    spec=form.spec(),
                    stage=stage,
                    sort_order=form.cleaned_data["sort_order"],
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Saved."))
                if stage is None:
                    return redirect("followup:stage_variables", pk=pk, stage_pk=saved.pk)
                return redirect("followup:programme", pk=pk)
        return self._page(request, programme, stage, form, status=400)


class StageVariablesView(ProgrammeMixin):
    required_action = Action.DESIGN

    def _page(
        self, request: HttpRequest, stage: Stage, form: StageVariablesForm, status: int = 200
    ) -> HttpResponse:
        return render(
            request,
            "followup/design/stage_variables.html",
            {"stage": stage, "programme": stage.programme, "form": form},
            status=status,
        )

    def get(self, request: HttpRequest, pk: int, stage_pk: int) -> HttpResponse:
        programme = self.draft(request, pk)
        stage = get_object_or_404(Stage, programme=programme, pk=stage_pk)
        return self._page(request, stage, StageVariablesForm(stage=stage))

    def post(self, request: HttpRequest, pk: int, stage_pk: int) -> HttpResponse:
        programme = self.draft(request, pk)
        stage = get_object_or_404(Stage, programme=programme, pk=stage_pk)
        form = StageVariablesForm(request.POST, stage=stage)
        if form.is_valid():
            try:
                design_items.stage_variables_set(
                    actor=request.user, stage=stage, links=form.links()
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Saved."))
                return redirect("followup:programme", pk=pk)
        return self._page(request, stage, form, status=400)


class VariableEditView(ProgrammeMixin):
    required_action = Action.DESIGN

    def _page(
        self, request: HttpRequest, p: Programme, v: Variable | None, form: Any, status: int = 200
    ) -> HttpResponse:
        title = _("Edit variable %(label)s") % {"label": v.label} if v else _("New variable")
        return _form_page(
            request,
            title=title,
            form=form,
            back="followup:programme",
            back_pk=p.pk,
            delete=v is not None,
            status=status,
        )

    def _variable(self, programme: Programme, variable_pk: int | None) -> Variable | None:
        if variable_pk is None:
            return None
        return get_object_or_404(Variable, programme=programme, pk=variable_pk)

    def get(self, request: HttpRequest, pk: int, variable_pk: int | None = None) -> HttpResponse:
        programme = self.draft(request, pk)
        variable = self._variable(programme, variable_pk)
        form = VariableForm(initial=VariableForm.initial_for(variable) if variable else None)
        return self._page(request, programme, variable, form)

    def post(self, request: HttpRequest, pk: int, variable_pk: int | None = None) -> HttpResponse:
        programme = self.draft(request, pk)
        variable = self._variable(programme, variable_pk)
        if variable is not None and request.POST.get("op") == "delete":
            design_items.variable_delete(actor=request.user, variable=variable)
            messages.success(request, _("The variable was deleted."))
            return redirect("followup:programme", pk=pk)
        form = VariableForm(request.POST)
        if form.is_valid():
            try:
                design_items.variable_save(
                    actor=request.user,
                    programme=programme,
                    spec=form.spec(),
                    variable=variable,
                    sort_order=form.cleaned_data["sort_order"],
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Saved."))
                return redirect("followup:programme", pk=pk)
        return self._page(request, programme, variable, form, status=400)


# --- option sets --------------------------------------------------------------------------------


class OptionSetListView(InsynView):
    personal_data = False  # programme design: no one's data
    required_action = Action.DESIGN

    def get(self, request: HttpRequest) -> HttpResponse:
        sets = list(selectors.option_sets().order_by("name"))
        editable = {o.pk for o in sets if design_items.option_set_editable(request.user, o)}
        return render(
            request,
            "followup/design/option_sets.html",
            {"option_sets": sets, "editable": editable},
        )


class OptionSetEditView(InsynView):
    personal_data = False  # programme design: no one's data
    required_action = Action.DESIGN

    def _set(self, request: HttpRequest, pk: int | None) -> OptionSet | None:
        if pk is None:
            return None
        option_set = get_object_or_404(OptionSet, pk=pk)
        if not design_items.option_set_editable(request.user, option_set):
            raise Http404
        return option_set

    def _page(
        self, request: HttpRequest, o: OptionSet | None, form: Any, status: int = 200
    ) -> HttpResponse:
        title = _("Edit option set %(name)s") % {"name": o.name} if o else _("New option set")
        intro = ""
        if o is not None and design_items.option_set_locked(o):
            intro = _("In use: options can be added and relabelled, not removed or re-scored.")
        return _form_page(
            request, title=title, form=form, back="followup:option_sets", intro=intro, status=status
        )

    def get(self, request: HttpRequest, pk: int | None = None) -> HttpResponse:
        option_set = self._set(request, pk)
        initial = OptionSetForm.initial_for(option_set) if option_set else None
        form = OptionSetForm(initial=initial, user=request.user, with_owner=option_set is None)
        return self._page(request, option_set, form)

    def post(self, request: HttpRequest, pk: int | None = None) -> HttpResponse:
        option_set = self._set(request, pk)
        form = OptionSetForm(request.POST, user=request.user, with_owner=option_set is None)
        if form.is_valid():
            try:
                design_items.option_set_save(
                    actor=request.user,
                    spec=form.spec(),
                    owner=form.cleaned_data.get("owner")
                    or (option_set.owner if option_set else None),
                    option_set=option_set,
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Saved."))
                return redirect("followup:option_sets")
        return self._page(request, option_set, form, status=400)
