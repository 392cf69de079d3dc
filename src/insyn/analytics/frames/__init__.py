"""Analysis frames: one row per enrolment, every variable at every stage side by side.

Public API: `frame_files()` (the Parquet partitions of a programme for a scope, built or
refreshed as needed), `register_frame_source()` (other apps add columns).
"""

from insyn.analytics.frames.sources import (
    VALUES_SCHEMA,
    FrameSource,
    frame_sources,
    register_frame_source,
    unregister_frame_source,
)

__all__ = [
    "VALUES_SCHEMA",
    "FrameSource",
    "frame_sources",
    "register_frame_source",
    "unregister_frame_source",
]
