from django.http import Http404, HttpResponseServerError
from django.shortcuts import render
from django.template import loader

from .models import Job


def _job_for(request, pk: int) -> Job:
    job = Job.objects.filter(pk=pk).first()
    # A job is visible to whoever started it (and system administrators); anyone else sees "not found".
    if job is None or not (request.user.is_superuser or job.created_by_id == request.user.pk):
        raise Http404("任务不存在。")
    return job


def job_detail(request, pk: int):
    return render(request, "core/job_detail.html", {"job": _job_for(request, pk)})


def job_progress(request, pk: int):
    return render(request, "core/job_progress.html", {"job": _job_for(request, pk)})


def server_error(request):
    """The 500 page: no details, only the request id that the error log carries too."""
    template = loader.get_template("500.html")
    return HttpResponseServerError(template.render({"request_id": getattr(request, "id", "")}))
