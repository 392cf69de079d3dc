"""Log records carry the request id, so a log line can be matched to audit entries."""

import logging

from insyn.core import context


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = context.current().request_id[:12]
        return True
