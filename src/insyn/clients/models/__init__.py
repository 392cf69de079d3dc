"""Clients and their journey (journey.py), plus investigations and appeals (appeals.py)."""

from insyn.clients.models.appeals import Appeal, Investigation
from insyn.clients.models.journey import (
    Case,
    CaseSource,
    Client,
    ClientQuerySet,
    Decision,
    EndReason,
    ExtentUnit,
    IntakeReason,
    Intervention,
    InterventionGroup,
    InterventionType,
    LegalBasis,
    Provider,
    Sex,
)

__all__ = [
    "Appeal",
    "Case",
    "CaseSource",
    "Client",
    "ClientQuerySet",
    "Decision",
    "EndReason",
    "ExtentUnit",
    "IntakeReason",
    "Intervention",
    "InterventionGroup",
    "InterventionType",
    "Investigation",
    "LegalBasis",
    "Provider",
    "Sex",
]
