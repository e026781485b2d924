"""Running a `gonggu` command in a test as an operator would: exit status, stdout and stderr."""

from io import StringIO

from django.core.management import call_command


def run_command(*args) -> tuple[int, str, str]:
    """`call_command(*args)`; a command that exits (GongguCommand on bad input: status 1) is not an error here."""
    out, err = StringIO(), StringIO()
    code = 0
    try:
        call_command(*args, stdout=out, stderr=err)
    except SystemExit as exc:
        code = exc.code
    return code, out.getvalue(), err.getvalue()
