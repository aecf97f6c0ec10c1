"""What a study may hold besides its trials so that any machine can work on it or read it
back with nothing but the database: the space file's text and the series itself.

A queued search keeps both (``search submit``); a run started with ``search run`` keeps
neither, and is read back from its files.
"""

from __future__ import annotations

import hashlib

import optuna

from search.data import Series
from search.data.stored import series_from_text, series_to_text

# Study user attributes.
SPACE_TEXT = "space_text"
SPACE_HASH = "space_hash"
# Study system attributes: the series, apart from the user attributes, which every worker
# reads often (the run's identity, a cancel mark) and should not bring megabytes with them.
SERIES_CHUNKS = "series_chunks"  # how many parts the series' text is kept in
_SERIES_PART = "series_{}"

# One attribute holds at most this much text: MySQL's TEXT column, which Optuna uses for
# attribute values, stops at 64 KB (PostgreSQL and SQLite have no such limit).
_CHUNK = 60_000


def text_hash(text: str) -> str:
    """The SHA-256 of a space file's text, as a worker checks it."""
    return hashlib.sha256(text.encode()).hexdigest()


def keep_space(study: optuna.Study, text: str) -> None:
    study.set_user_attr(SPACE_TEXT, text)
    study.set_user_attr(SPACE_HASH, text_hash(text))


def kept_space(study: optuna.Study) -> str | None:
    """The space file's text the study keeps, checked against its hash; None if it keeps
    none."""
    attrs = study.user_attrs
    text = attrs.get(SPACE_TEXT)
    if text is None:
        return None
    if text_hash(text) != attrs.get(SPACE_HASH):
        raise ValueError(f"study {study.study_name!r}: its space text does not match its hash")
    return text


def keep_series(study: optuna.Study, series: Series) -> None:
    """Keep ``series`` in the study, in parts small enough for any Optuna database."""
    text = series_to_text(series)
    parts = [text[i : i + _CHUNK] for i in range(0, len(text), _CHUNK)] or [""]
    storage, study_id = study._storage, study._study_id  # Optuna keeps system attributes private
    for index, part in enumerate(parts):
        storage.set_study_system_attr(study_id, _SERIES_PART.format(index), part)
    storage.set_study_system_attr(study_id, SERIES_CHUNKS, len(parts))  # last: never half read


def kept_series(study: optuna.Study) -> Series | None:
    """The series the study keeps; None if it keeps none."""
    attrs = study._storage.get_study_system_attrs(study._study_id)
    count = attrs.get(SERIES_CHUNKS)
    if not count:
        return None
    return series_from_text("".join(attrs[_SERIES_PART.format(i)] for i in range(count)))
