"""The one business date of the platform."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone


def today() -> dt.date:
    """Today in the deployment's time zone (settings.TIME_ZONE), not the server's: deadlines, notice periods
    and report slots are counted in the county's days."""
    return timezone.localdate()
