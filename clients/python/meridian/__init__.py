"""Meridian's Python client: nearest places with distances, k and radius, over HTTP and TCP.

Standard library only (Python >= 3.9). Start with :class:`Client`.
"""

from . import errors
from .client import Client
from .errors import (
    ConflictError,
    ConnectionFailedError,
    ForbiddenError,
    InvalidInputError,
    MeridianError,
    NotFoundError,
    ServerError,
    UnauthorizedError,
    UnavailableError,
)

__version__ = "0.1.0"

__all__ = ["Client", *errors.__all__]
