"""The job function the RQ test enqueues. RQ stores a job as the dotted path of its function
("rq_jobs.multiply"), so the worker process must be able to import this module: the test
runs it with this directory on PYTHONPATH."""


def multiply(x, y):
    return x * y
