"""WSGI entry (`gunicorn config.wsgi`): settings chosen exactly as the `gonggu` command chooses them."""

from gonggu.cli import use_settings

use_settings()

from django.core.wsgi import get_wsgi_application  # noqa: E402

application = get_wsgi_application()
