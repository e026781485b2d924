from django.http import HttpResponse
from django.shortcuts import redirect, render

from gonggu.core.access import Perm, require_perm
from gonggu.core.jobs import job_start
from gonggu.core.web import on_refusal
from gonggu.dataio.intake import intake_upload
from gonggu.dataio.jobs import intake_job
from gonggu.dataio.writers import blank_template

from .intake_formats import REGION_FORMAT, REGION_SPEC
from .models import Region
from .selectors import region_children, region_get_in_scope, region_search, regions_in_scope


@require_perm(Perm.VIEW_REGISTRY, Perm.MANAGE_REGIONS)
def region_home(request):
    user = request.user
    if user.region is not None:
        return redirect("region_detail", code=user.region.code)
    roots = Region.objects.filter(parent__isnull=True).order_by("code")
    return render(request, "regions/region_roots.html", {"roots": roots})


@require_perm(Perm.VIEW_REGISTRY, Perm.MANAGE_REGIONS)
def region_detail(request, code: str):
    prefix = request.user.scope_prefix
    region = region_get_in_scope(code, prefix)
    # Ancestors above the user's own region are shown as plain names, not links.
    crumbs = [(r, regions_in_scope(prefix).filter(pk=r.pk).exists()) for r in region.ancestors()]
    q = request.GET.get("q", "")
    return render(request, "regions/region_detail.html", {
        "region": region, "crumbs": crumbs, "children": region_children(region),
        "q": q, "found": region_search(prefix, q) if q else None,
    })


@require_perm(Perm.MANAGE_REGIONS)
@on_refusal("region_upload")
def region_upload(request):
    """The upload keeps the file as a pending batch of the `regions` format; the pipeline's job loads it."""
    if request.method == "POST":
        batch = intake_upload(format_key=REGION_FORMAT.key, user=request.user, uploaded=request.FILES.get("file"))
        job = job_start(kind="intake", title=f"导入行政区划：{batch.file_name}", user=request.user,
                        region_code=batch.region_code, task=intake_job, batch_id=batch.pk)
        return redirect("job_detail", pk=job.pk)
    return render(request, "regions/region_upload.html", {"spec": REGION_SPEC, "fmt": REGION_FORMAT})


@require_perm(Perm.MANAGE_REGIONS)
def region_template(request):
    response = HttpResponse(blank_template(REGION_SPEC),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = "attachment; filename*=UTF-8''%E8%A1%8C%E6%94%BF%E5%8C%BA%E5%88%92%E6%A8%A1%E6%9D%BF.xlsx"
    return response
