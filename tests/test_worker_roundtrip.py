"""The set-up promise: a task sent from the web process is executed by a real worker.

Runs against whatever broker the settings pick: kombu's filesystem transport under
``var/`` with nothing set, Redis when ``REDIS_URL`` is set.
"""

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

from django.core.cache import cache

from school.celery import ping

ROOT = Path(__file__).resolve().parents[1]


def test_task_sent_by_web_is_executed_by_a_real_worker(tmp_path):
    log = (tmp_path / "worker.log").open("w")
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "school",
            "worker",
            "--pool",
            "solo",
            "-Q",
            "celery",
            "-l",
            "info",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
        ],
        cwd=ROOT,
        env=os.environ.copy(),
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        token = uuid.uuid4().hex
        ping.delay(token)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and cache.get(f"ping:{token}") != "pong":
            assert worker.poll() is None, (tmp_path / "worker.log").read_text()
            time.sleep(0.25)
        assert cache.get(f"ping:{token}") == "pong", (tmp_path / "worker.log").read_text()
    finally:
        worker.terminate()
        worker.wait(timeout=30)
        log.close()
