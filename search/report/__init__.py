"""The morning report: ``report.md`` and its figures, read from the study."""

from search.report.batch import write_batch_report
from search.report.reporting import report_batch, report_run
from search.report.run_report import FIGURES_DIR, REPORT_FILE, write_report

__all__ = [
    "FIGURES_DIR",
    "REPORT_FILE",
    "report_batch",
    "report_run",
    "write_batch_report",
    "write_report",
]
