from ._history_import import HistoryImportCommand


class Command(HistoryImportCommand):
    help = "导入帮扶措施历史（formats.md 监测历史）"
    kind = "measures"
