"""Errors: one family, carrying the service's stable error code, its message and its detail."""

__all__ = [
    "MeridianError",
    "InvalidInputError",
    "UnauthorizedError",
    "ForbiddenError",
    "NotFoundError",
    "ConflictError",
    "UnavailableError",
    "ServerError",
    "ConnectionFailedError",
]


class MeridianError(Exception):
    """Any failure talking to Meridian.

    ``code`` is the service's stable error code (``"invalid_coordinate"``, ``"unknown_refset"``, ...),
    ``message`` what went wrong for people, ``detail`` a dict of structured context (field, value, line,
    index, ...), ``status`` the HTTP status (``None`` for the TCP stream and for connection failures).
    """

    def __init__(self, code, message, detail=None, status=None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.detail = dict(detail or {})
        self.status = status

    def __str__(self):
        where = "" if self.status is None else " (HTTP %d)" % self.status
        return "%s: %s%s" % (self.code, self.message, where)

    def __repr__(self):
        return "%s(code=%r, message=%r, detail=%r, status=%r)" % (
            type(self).__name__, self.code, self.message, self.detail, self.status)


class InvalidInputError(MeridianError, ValueError):
    """The request or a record was rejected as bad input (HTTP 400 or 413, or an error line on the stream)."""


class UnauthorizedError(MeridianError):
    """No valid token (HTTP 401)."""


class ForbiddenError(MeridianError):
    """The token may not do this, or the request was refused by policy (HTTP 403)."""


class NotFoundError(MeridianError, LookupError):
    """No such user, reference set or endpoint (HTTP 404)."""


class ConflictError(MeridianError):
    """The request conflicts with the current state (HTTP 409)."""


class UnavailableError(MeridianError):
    """Saturated, starting, draining, or past the deadline (HTTP 503/504), after the client's retries."""


class ServerError(MeridianError):
    """The service failed (HTTP 500 and other unexpected statuses); ``detail`` has the request id."""


class ConnectionFailedError(MeridianError, ConnectionError):
    """The service could not be reached or the connection broke past the retry limit."""


_BY_STATUS = {
    400: InvalidInputError,
    413: InvalidInputError,
    415: InvalidInputError,
    401: UnauthorizedError,
    403: ForbiddenError,
    404: NotFoundError,
    409: ConflictError,
    499: UnavailableError,
    503: UnavailableError,
    504: UnavailableError,
}


def error_for(status, code, message, detail):
    """The exception for an HTTP error answer."""
    cls = _BY_STATUS.get(status)
    if cls is None:
        cls = ServerError if status >= 500 else MeridianError
    return cls(code, message, detail, status)
