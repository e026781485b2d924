"""Sections of the household page (一户一档) contributed by the apps above the registry (`core.panels`).

The registry owns the page (members, incomes, changes); warnings, monitoring, ledgers and meetings register
their panels here from their AppConfig.ready().
"""

from __future__ import annotations

from gonggu.core.panels import Panels

HOUSEHOLD_PANELS = Panels()
