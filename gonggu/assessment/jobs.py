"""Background jobs of the assessment, found by the worker (gonggu.core autodiscovers each app's `jobs`)."""

from .risk_jobs import risk_run_job
from .runs.jobs import run_freeze_job

__all__ = ["risk_run_job", "run_freeze_job"]
