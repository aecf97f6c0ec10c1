"""The Optuna study that records a run: its storage, its identity and its trials."""

from search.study.cancel import CancelWatch, cancelled, request_cancel
from search.study.heartbeat import Heartbeat
from search.study.identity import RunIdentity
from search.study.records import TrialRecord, read_records
from search.study.retries import duplicate_retry, retry, retry_once
from search.study.storage import close_storages, open_storage
from search.study.studies import create_study, delete_study, load_study
from search.study.urls import (
    default_storage_url,
    mask_url,
    resolve_storage,
    sqlite_file,
    sqlite_not_created,
)
from search.study.writing import TrialRecorder, TrialTakenOver

__all__ = [
    "CancelWatch",
    "Heartbeat",
    "RunIdentity",
    "TrialRecord",
    "TrialRecorder",
    "TrialTakenOver",
    "cancelled",
    "close_storages",
    "create_study",
    "default_storage_url",
    "delete_study",
    "duplicate_retry",
    "load_study",
    "mask_url",
    "open_storage",
    "read_records",
    "request_cancel",
    "resolve_storage",
    "retry",
    "retry_once",
    "sqlite_file",
    "sqlite_not_created",
]
