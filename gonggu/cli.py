"""The `gonggu` console script: Django's manage.py with the settings chosen from the environment."""

import os
import sys


def main() -> None:
    default = "config.settings.production" if os.environ.get("GONGGU_ENV") == "production" else "config.settings.base"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", default)
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
