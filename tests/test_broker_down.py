"""Redis (the broker) down: publishing gives up at once, so a page that queues work costs
next to nothing more than with Redis up; the worker reconnects by itself when Redis is back.

Both run the school's real settings in other processes: the enqueue in a Python process
pointed at a closed port, the worker against a Redis server of the test's own, which it
stops and starts again.
"""

import os
import shutil
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.core.cache import cache

from school.celery import app, ping

ROOT = Path(__file__).resolve().parents[1]

ENQUEUE_WITH_THE_BROKER_DOWN = """
import json, time
import django
django.setup()
from school.enqueue import task_enqueue_safely
from school.celery import ping
seconds, published = [], []
for _ in range(6):
    start = time.monotonic()
    published.append(task_enqueue_safely(ping.name, "token"))
    seconds.append(time.monotonic() - start)
print(json.dumps({"seconds": seconds, "published": published}))
"""


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # nothing listens there once the socket is closed


def test_queueing_work_with_the_broker_unreachable_gives_up_within_100_ms(tmp_path):
    import json

    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "school.settings",
        "CELERY_BROKER_URL": f"redis://127.0.0.1:{closed_port()}/0",
        "SECRET_KEY": "insecure-key-for-tests-only",
        "VAR_DIR": str(tmp_path),
    }
    done = subprocess.run(
        [sys.executable, "-c", ENQUEUE_WITH_THE_BROKER_DOWN],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["published"] == [False] * 6  # left to the periodic sweep
    assert "the periodic sweep will do it" in done.stderr  # and said so in the log
    first, *rest = result["seconds"]
    assert first < 0.5, result  # the first one also loads the Redis transport
    assert max(rest) < 0.1, result


@pytest.fixture
def own_redis(tmp_path):
    """A Redis server of this test's own on a free port, which the test may stop and start."""
    if not shutil.which("redis-server"):
        pytest.skip("needs redis-server: apt-get install redis-server")
    port = closed_port()
    servers = []

    def start():
        process = subprocess.Popen(
            ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(tmp_path)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        servers.append(process)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                return process
            except OSError:
                time.sleep(0.1)
        raise AssertionError("redis-server did not start")

    start()
    yield f"redis://127.0.0.1:{port}/0", start, servers
    for process in servers:
        if process.poll() is None:
            process.terminate()
            process.wait(timeout=10)


def pinged(url, worker, log_path, timeout=60) -> bool:
    token = uuid.uuid4().hex
    with app.connection_for_write(url) as conn:
        ping.apply_async(args=[token], connection=conn)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if cache.get(f"ping:{token}") == "pong":
            return True
        assert worker.poll() is None, log_path.read_text()
        time.sleep(0.25)
    return False


def test_the_worker_reconnects_by_itself_when_the_broker_comes_back(own_redis, tmp_path):
    url, start_redis, servers = own_redis
    log_path = tmp_path / "worker.log"
    log = log_path.open("w")
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "school", "worker", "--pool", "solo",
         "-Q", "celery", "-l", "info", "--without-heartbeat", "--without-gossip",
         "--without-mingle"],
        cwd=ROOT, env={**os.environ, "CELERY_BROKER_URL": url},
        stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        assert pinged(url, worker, log_path), log_path.read_text()

        servers[-1].terminate()  # Redis goes down
        servers[-1].wait(timeout=10)
        deadline = time.monotonic() + 30
        while "Connection to broker lost" not in log_path.read_text():
            assert time.monotonic() < deadline, log_path.read_text()
            time.sleep(0.25)
        time.sleep(3)  # down for a while: the worker is retrying
        start_redis()  # and back

        assert pinged(url, worker, log_path), log_path.read_text()
    finally:
        worker.terminate()
        worker.wait(timeout=30)
        log.close()
