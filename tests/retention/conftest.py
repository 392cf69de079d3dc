"""The surveys fixture (shipped questionnaires and a placement programme) for responses."""

from tests.surveys.conftest import surveys  # noqa: F401
