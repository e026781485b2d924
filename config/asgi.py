"""ASGI entry (`uvicorn config.asgi:application`): settings chosen exactly as the `gonggu` command chooses them."""

from gonggu.cli import use_settings

use_settings()

from django.core.asgi import get_asgi_application  # noqa: E402

application = get_asgi_application()
