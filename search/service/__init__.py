"""The search service: a queue of searches in a database (``submit``), workers on any machine
(``worker``), their state (``status``, ``cancel``), and results read from the database
alone."""

from search.service.enqueue import submit as submit_searches
from search.service.queue import QueuedSearch, list_searches, next_search
from search.service.results import bring_run
from search.service.submission import Submission, queue_url
from search.service.worker import ServiceOptions, plan_from_study, serve

__all__ = [
    "QueuedSearch",
    "ServiceOptions",
    "Submission",
    "bring_run",
    "list_searches",
    "next_search",
    "plan_from_study",
    "queue_url",
    "serve",
    "submit_searches",
]
