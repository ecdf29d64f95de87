"""Settings for the worker and scheduler processes the tests start: short leases and polls, so a crash is
noticed in a second or two, and the test jobs' module is known to the scheduler."""

from platen.settings import *  # noqa: F403

PLATEN_JOB_LEASE_SECONDS = 1.5
PLATEN_JOB_HEARTBEAT_SECONDS = 0.25
PLATEN_JOB_POLL_SECONDS = 0.1
PLATEN_SCHEDULER_TICK_SECONDS = 0.1
PLATEN_JOB_MODULES = ["tests.jobs.sample_jobs"]
PLATEN_POSTBACK_LEASE_SECONDS = 2.0  # a killed worker's postback is sent again within seconds
