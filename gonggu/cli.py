"""The `gonggu` console script: Django's manage.py with the settings chosen from the environment.

`config.wsgi`, `config.asgi` and the job worker (`gonggu run_huey`) choose settings through
`use_settings()` too, so that `GONGGU_ENV=production` means the same thing for every entry point.
"""

import os
import sys


def settings_module() -> str:
    """The settings module for this environment: production with `GONGGU_ENV=production`, else base."""
    return "config.settings.production" if os.environ.get("GONGGU_ENV") == "production" else "config.settings.base"


def use_settings() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", settings_module())


def main() -> None:
    use_settings()
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
