"""The morning report: ``report.md`` and its figures, read from the study."""

from search.report.batch import write_batch_report
from search.report.reporting import report_batch, report_run
from search.report.run_page import write_report

__all__ = [
    "report_batch",
    "report_run",
    "write_batch_report",
    "write_report",
]
