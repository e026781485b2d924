"""A sweep of the site's URLs as every demo role: server errors and reads outside the user's region.

    .venv/bin/python bench/url_sweep.py                    # SQLite, a demo county of 300 households
    .venv/bin/python bench/url_sweep.py --households 1000 --database-url postgres://postgres@127.0.0.1:5432/gonggu_bench_sweep

A fresh database gets the demo county (`gonggu demo`). Then, logged in as each demo role (and anonymous),
it sends GET to every URL pattern without parameters, and to every object URL whose only parameter is an
object id, with up to --objects objects inside the user's region and as many outside it. The model
behind an object URL is the first model class its view names (`Model.objects`, `get_object_or_404(Model`);
an object's region is its region_code, region, village or household's region. Prints one JSON document:
requests, status counts, the 5xx (URL and role), and the out-of-scope reads: a 200 for an object outside
the user's region (403/404 expected). GET has no side effects here (issue #22), so every URL is safe to hit.
"""

from __future__ import annotations

import argparse
import inspect
import json
import os
import re
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from benchdb import fresh_database

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

ROLES = ("admin", "lingdao", "xiangzhen", "cunyuan", "gongzuodui", "bangfu", "bumen_mz", "bumen_yb")
_MODEL_NAMES = re.compile(r"(?:get_object_or_404|scoped_get|get_scoped|_get)\(\s*([A-Z]\w+)|\b([A-Z]\w+)\.objects\b")


def _setup(database_url: str | None, folder: Path) -> None:
    fresh_database(database_url, folder, "sweep.sqlite3")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    call_command("migrate", verbosity=0)


def _patterns():
    from django.urls import get_resolver
    from django.urls.resolvers import URLResolver

    def walk(patterns, prefix, converters):
        for p in patterns:
            conv = {**converters, **getattr(p.pattern, "converters", {})}
            if isinstance(p, URLResolver):
                yield from walk(p.url_patterns, prefix + str(p.pattern), conv)
            else:
                yield prefix + str(p.pattern), p, conv

    yield from walk(get_resolver().url_patterns, "", {})


def _model_in(func):
    from django.db import models

    func = inspect.unwrap(func)
    try:
        source = inspect.getsource(func)
    except (OSError, TypeError):
        return None, ""
    names = getattr(func, "__globals__", None) or vars(sys.modules[func.__module__])
    for match in _MODEL_NAMES.finditer(source):
        candidate = names.get(match.group(1) or match.group(2))
        if isinstance(candidate, type) and issubclass(candidate, models.Model):
            return candidate, source
    return None, source


def _model_of(callback):
    """The model behind an object URL: the one its `…_get_for_user` selector reads, else the first the view names."""
    func = inspect.unwrap(getattr(callback, "view_class", None) or callback)
    try:
        source = inspect.getsource(func)
    except (OSError, TypeError):
        return None
    names = getattr(func, "__globals__", None) or vars(sys.modules[func.__module__])
    selector = re.search(r"([\w.]*_get_for_user)\(", source)
    if selector:
        target = None
        for i, part in enumerate(selector.group(1).split(".")):
            target = names.get(part) if i == 0 else getattr(target, part, None)
        if callable(target):
            from django.db import models

            # The selector's return annotation names the model (`-> MonitoringCase`), else its body does.
            hint = getattr(target, "__annotations__", {}).get("return")
            hint = target.__globals__.get(hint) if isinstance(hint, str) else hint
            if isinstance(hint, type) and issubclass(hint, models.Model):
                return hint
            model, _ = _model_in(target)
            if model is not None:
                return model
    model, _ = _model_in(func)
    return model


def _region_of(obj) -> str | None:
    for path in ("region_code", "region.code", "village.code", "household.region_code", "case.household.region_code",
                 "person.region_code", "person.household.region_code", "project.region_code"):
        value = obj
        try:
            for part in path.split("."):
                value = getattr(value, part)
        except Exception:  # noqa: BLE001 - an attribute path the model does not have
            continue
        if isinstance(value, str) and value:
            return value
    return None


def _objects(model, prefix: str | None, count: int):
    """Up to `count` objects inside the prefix and `count` outside it (by region), as (pk, inside)."""
    inside, outside = [], []
    for obj in model.objects.order_by("pk")[:2000]:
        region = _region_of(obj)
        if region is None:
            continue
        mine = prefix is None or region.startswith(prefix)
        bucket = inside if mine else outside
        if len(bucket) < count:
            bucket.append((obj.pk, mine))
        if len(inside) >= count and len(outside) >= count:
            break
    return inside + outside


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url")
    parser.add_argument("--households", type=int, default=300)
    parser.add_argument("--objects", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="gonggu-sweep-") as tmp:
        _setup(args.database_url, Path(tmp))
        from django.test import Client

        from gonggu.accounts.models import User
        from gonggu.web.demo import demo_build

        t0 = time.perf_counter()
        demo_build(households=args.households, seed=1)
        built = time.perf_counter() - t0
        plain, objects = [], []
        for path, pattern, conv in _patterns():
            if not conv:
                objects_only = False
                plain.append("/" + path)
            else:
                objects_only = list(conv) == ["pk"] and type(conv["pk"]).__name__ == "IntConverter"
                if objects_only and (model := _model_of(pattern.callback)) is not None:
                    objects.append((path, model))
        statuses: Counter = Counter()
        errors, leaks, checked_outside = [], [], 0
        requests = 0
        t0 = time.perf_counter()
        for role in (None, *ROLES):
            client = Client(raise_request_exception=False)
            user = None
            if role:
                user = User.objects.get(username=role)
                client.force_login(user)
            prefix = None if user is None else user.scope_prefix
            for url in plain:
                response = client.get(url)
                requests += 1
                statuses[response.status_code] += 1
                if response.status_code >= 500:
                    errors.append({"role": role or "anonymous", "url": url, "status": response.status_code})
            for path, model in objects:
                for pk, inside in _objects(model, prefix if user is not None else "", args.objects):
                    url = "/" + path.replace("<int:pk>", str(pk))
                    response = client.get(url)
                    requests += 1
                    statuses[response.status_code] += 1
                    if response.status_code >= 500:
                        errors.append({"role": role or "anonymous", "url": url, "status": response.status_code})
                    if not inside and user is not None:
                        checked_outside += 1
                        if response.status_code == 200:
                            leaks.append({"role": role, "url": url, "model": model.__name__})
        print(json.dumps({
            "database": "postgresql" if args.database_url else "sqlite", "households": args.households,
            "demo_build_s": round(built, 1), "sweep_s": round(time.perf_counter() - t0, 1),
            "roles": len(ROLES) + 1, "plain_urls": len(plain), "object_urls": len(objects),
            "object_models": sorted({m.__name__ for _, m in objects}),
            "requests": requests, "status": dict(sorted(statuses.items())), "server_errors": len(errors),
            "errors": errors[:20], "outside_scope_requests": checked_outside, "outside_scope_reads": len(leaks),
            "leaks": leaks[:20], "load": os.getloadavg()[0],
        }, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
