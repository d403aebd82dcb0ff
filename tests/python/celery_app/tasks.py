"""The Celery application the Celery test runs: one task, broker and results on the server
named by STRATA_CELERY_URL."""

import os

from celery import Celery

URL = os.environ["STRATA_CELERY_URL"]
app = Celery("tasks", broker=URL, backend=URL)
app.conf.broker_connection_retry_on_startup = False


@app.task
def add(x, y):
    return x + y
