from ._history_import import HistoryImportCommand


class Command(HistoryImportCommand):
    help = "导入监测记录历史（formats.md 监测历史）"
    kind = "cases"
