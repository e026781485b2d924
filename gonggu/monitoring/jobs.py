"""Background work of monitoring: the nightly compliance check that the compliance page and the assessment
figures read (the history imports run as the intake pipeline's jobs)."""

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task


@db_periodic_task(crontab(hour="2", minute="30"), name="gonggu_nightly_compliance")
def nightly_compliance_job() -> None:
    """The page no longer checks on every view: the worker checks every region each night (the page's button
    checks a region at once)."""
    from .compliance import compliance_run

    compliance_run(as_of=timezone.localdate(), prefix=None)
