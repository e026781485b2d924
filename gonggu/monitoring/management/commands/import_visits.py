from ._history_import import HistoryImportCommand


class Command(HistoryImportCommand):
    help = "导入走访记录历史（formats.md 监测历史）"
    kind = "visits"
