"""Logging filters the settings' LOGGING names (a module of its own: logging is configured before
the apps are ready, so it must import nothing of Django's that needs them)."""

import logging


class OneWarningLine(logging.Filter):
    """Log the record as one WARNING line, without its traceback: for what a stranger sends (a
    request for another site's name), which says nothing about the code and arrives by the
    thousand from robots. Django logs it at ERROR with the traceback of where it was noticed."""

    def filter(self, record):
        record.levelno, record.levelname = logging.WARNING, logging.getLevelName(logging.WARNING)
        record.exc_info = record.exc_text = record.stack_info = None
        return True
