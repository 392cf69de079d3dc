"""Questionnaire versions: list, read, export/import YAML, publish, retire, new version."""

from __future__ import annotations

import yaml
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from insyn.core.roles import Action
from insyn.core.scoping import has_action, path_in_scope
from insyn.core.viewmixins import InsynView
from insyn.surveys import selectors
from insyn.surveys.forms import ImportForm
from insyn.surveys.models import Questionnaire
from insyn.surveys.services import questionnaires as services


class QuestionnaireListView(InsynView):
    personal_data = False
    required_action = Action.VIEW_ORG

    def get(
        self, request: HttpRequest, form: ImportForm | None = None, status: int = 200
    ) -> HttpResponse:
        return render(
            request,
            "surveys/questionnaires.html",
            {
                "questionnaires": selectors.questionnaires(request.user),
                "can_design": has_action(request.user, Action.DESIGN),
                "form": form or ImportForm(),
            },
            status=status,
        )

    def post(self, request: HttpRequest) -> HttpResponseBase:
        owner = selectors.design_owner(request.user)
        if owner is None:
            return self.get(request, status=404)
        form = ImportForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                text = form.cleaned_data["file"].read().decode("utf-8")
                questionnaire, what = services.questionnaire_import(
                    actor=request.user, text=text, owner=owner
                )
            except UnicodeDecodeError:
                form.add_error("file", _("The file must be UTF-8 text."))
            except ValidationError as exc:
                form.add_error("file", exc.messages)
            else:
                messages.success(
                    request,
                    _("%(name)s version %(version)s: %(what)s.")
                    % {"name": questionnaire.label, "version": questionnaire.version, "what": what},
                )
                return redirect("surveys:questionnaire", pk=questionnaire.pk)
        return self.get(request, form=form, status=400)


class QuestionnaireDetailView(InsynView):
    personal_data = False
    required_action = Action.VIEW_ORG

    def _get(self, request: HttpRequest, pk: int) -> Questionnaire:
        return get_object_or_404(selectors.questionnaires(request.user), pk=pk)

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        questionnaire = self._get(request, pk)
        sections = questionnaire.sections.prefetch_related(
            "questions__options", "questions__quality_criterion"
        )
        return render(
            request,
            "surveys/questionnaire.html",
            {
                "questionnaire": questionnaire,
                "sections": sections,
                "versions": selectors.questionnaires(request.user).filter(key=questionnaire.key),
                "can_design": path_in_scope(request.user, Action.DESIGN, questionnaire.owner.path),
            },
        )

    def post(self, request: HttpRequest, pk: int) -> HttpResponseBase:
        questionnaire = self._get(request, pk)
        op = request.POST.get("op")
        actions = {
            "publish": services.questionnaire_publish,
            "retire": services.questionnaire_retire,
            "new_version": services.questionnaire_new_version,
        }
        if op not in actions:
            messages.error(request, _("Unknown action."))
            return redirect("surveys:questionnaire", pk=pk)
        try:
            result = actions[op](actor=request.user, questionnaire=questionnaire)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("surveys:questionnaire", pk=pk)
        messages.success(request, _("Saved."))
        return redirect("surveys:questionnaire", pk=result.pk)


class QuestionnaireExportView(QuestionnaireDetailView):
    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        questionnaire = self._get(request, pk)
        response = HttpResponse(
            services.questionnaire_export(questionnaire),
            content_type="application/yaml; charset=utf-8",
        )
        response["Content-Disposition"] = (
            f'attachment; filename="{questionnaire.key}-v{questionnaire.version}.yaml"'
        )
        return response

    def post(self, request: HttpRequest, pk: int) -> HttpResponseBase:
        return HttpResponse(status=405)


class QuestionnaireEditView(QuestionnaireDetailView):
    """Edit a draft as YAML in the browser (a published version is never edited)."""

    def _draft(self, request: HttpRequest, pk: int) -> Questionnaire:
        questionnaire = self._get(request, pk)
        if questionnaire.status != Questionnaire.Status.DRAFT or not path_in_scope(
            request.user, Action.DESIGN, questionnaire.owner.path
        ):
            raise Http404
        return questionnaire

    def _form(
        self, request: HttpRequest, questionnaire: Questionnaire, text: str, error: str = ""
    ) -> HttpResponse:
        return render(
            request,
            "surveys/questionnaire_edit.html",
            {"questionnaire": questionnaire, "text": text, "error": error},
            status=400 if error else 200,
        )

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        questionnaire = self._draft(request, pk)
        return self._form(request, questionnaire, services.questionnaire_export(questionnaire))

    def post(self, request: HttpRequest, pk: int) -> HttpResponseBase:
        questionnaire = self._draft(request, pk)
        text = request.POST.get("definition", "")
        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError:
            data = None
        if not isinstance(data, dict) or (data.get("key"), data.get("version")) != (
            questionnaire.key,
            questionnaire.version,
        ):
            return self._form(
                request,
                questionnaire,
                text,
                _("Keep the key %(key)s and version %(version)s; import other versions instead.")
                % {"key": questionnaire.key, "version": questionnaire.version},
            )
        try:
            services.questionnaire_import(actor=request.user, text=text, owner=questionnaire.owner)
        except ValidationError as exc:
            return self._form(request, questionnaire, text, " ".join(exc.messages))
        messages.success(request, _("Saved."))
        return redirect("surveys:questionnaire", pk=questionnaire.pk)
