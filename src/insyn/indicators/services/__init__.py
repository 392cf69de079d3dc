"""Writes of the indicators app. The Kolada import's writes live in insyn.indicators.kolada
(importer, reference); manual values and computations will live here."""
