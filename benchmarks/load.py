"""Load a server for a few seconds and report pages per second, the median and the 99th
percentile, non-2xx answers and socket errors.

Two shapes of load:

- ``load(url, cookie=…)``: one URL, re-read by one client identity;
- ``load_list(base_url, entries)``: each request a random ``(path, cookie)`` entry of a
  list, so many members ask for many pages.

``wrk`` when it is installed (``apt-get install wrk``; a Lua script picks the entry of each
request), else a Python client with the same shape: a fixed number of keep-alive
connections, each sending one request at a time."""

import http.client
import random
import re
import shutil
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

CONNECTIONS = 8
THREADS = 2


@dataclass
class Load:
    rps: float
    p50_ms: float
    p99_ms: float
    requests: int
    non_2xx: int  # answers outside 200-299 (a redirect to sign in counts)
    socket_errors: int  # connect, read, write errors and timeouts

    @property
    def errors(self) -> int:
        return self.non_2xx + self.socket_errors


# Each request: a random line of the entries file ("path<TAB>cookie"). Answers outside
# 200-299 are counted here, since wrk counts only 4xx and 5xx.
LUA = r"""
local threads = {}
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("id", counter)
  table.insert(threads, thread)
end

function init(args)
  paths, cookies = {}, {}
  for line in io.lines(args[1]) do
    local path, cookie = line:match("^([^\t]+)\t(.*)$")
    if path then
      paths[#paths + 1] = path
      cookies[#cookies + 1] = cookie
    end
  end
  math.randomseed(os.time() * 100 + id)
  not_2xx = 0
end

function request()
  local i = math.random(#paths)
  local headers = {}
  if cookies[i] ~= "" then
    headers["Cookie"] = cookies[i]
  end
  return wrk.format("GET", paths[i], headers)
end

function response(status, headers, body)
  if status < 200 or status > 299 then
    not_2xx = not_2xx + 1
  end
end

function done(summary, latency, requests)
  local total = 0
  for _, thread in ipairs(threads) do
    total = total + (thread:get("not_2xx") or 0)
  end
  io.write(string.format("bench-not-2xx: %d\n", total))
end
"""


def _wrk_ms(value: str) -> float:
    number, unit = re.match(r"([\d.]+)(us|ms|s|m)", value).groups()
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]


def _parse_wrk(out: str) -> Load:
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p50 = _wrk_ms(re.search(r"^\s+50%\s+(\S+)", out, re.M).group(1))
    p99 = _wrk_ms(re.search(r"^\s+99%\s+(\S+)", out, re.M).group(1))
    requests = int(re.search(r"(\d+) requests in", out).group(1))
    # The Lua script's count (any answer outside 200-299), else wrk's own (4xx and 5xx).
    m = re.search(r"bench-not-2xx: (\d+)", out) or re.search(
        r"Non-2xx or 3xx responses: (\d+)", out
    )
    non_2xx = int(m.group(1)) if m else 0
    socket = 0
    if m := re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out):
        socket = sum(int(g) for g in m.groups())
    return Load(rps, p50, p99, requests, non_2xx, socket)


def _run_wrk(args: list[str]) -> Load:
    done = subprocess.run(args, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"wrk failed ({done.returncode}): {done.stderr.strip()}")
    return _parse_wrk(done.stdout)


def _wrk_base(seconds: float) -> list[str]:
    return [
        "wrk",
        f"-t{THREADS}",
        f"-c{CONNECTIONS}",
        f"-d{max(1, round(seconds))}s",
        "--latency",
        "--timeout",
        "10s",
    ]


def _percentile(ordered: list[float], q: float) -> float:
    if not ordered:
        return 0.0
    return ordered[min(len(ordered) - 1, int(len(ordered) * q))]


def _with_python(base_url, entries, *, seconds, connections) -> Load:
    parts = urlsplit(base_url)
    latencies: list[float] = []
    counts = {"non_2xx": 0, "socket": 0}
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds

    def client(seed: int):
        rng = random.Random(seed)
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
        mine, non_2xx, socket = [], 0, 0
        while time.perf_counter() < deadline:
            path, cookie = entries[rng.randrange(len(entries))]
            start = time.perf_counter()
            try:
                conn.request("GET", path, headers={"Cookie": cookie} if cookie else {})
                response = conn.getresponse()
                response.read()
            except (OSError, http.client.HTTPException):
                socket += 1
                conn.close()
                conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
                continue
            if not 200 <= response.status <= 299:
                non_2xx += 1
            mine.append(time.perf_counter() - start)
        conn.close()
        with lock:
            latencies.extend(mine)
            counts["non_2xx"] += non_2xx
            counts["socket"] += socket

    threads = [
        threading.Thread(target=client, args=(time.time_ns() + n,)) for n in range(connections)
    ]
    begin = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - begin
    latencies.sort()
    return Load(
        rps=len(latencies) / elapsed,
        p50_ms=_percentile(latencies, 0.50) * 1000,
        p99_ms=_percentile(latencies, 0.99) * 1000,
        requests=len(latencies),
        non_2xx=counts["non_2xx"],
        socket_errors=counts["socket"],
    )


def client_name() -> str:
    return "wrk" if shutil.which("wrk") else "python"


def load(url: str, *, seconds: float, cookie: str = "") -> Load:
    """One URL, every request with the same cookie."""
    if shutil.which("wrk"):
        args = _wrk_base(seconds)
        if cookie:
            args += ["-H", f"Cookie: {cookie}"]
        return _run_wrk([*args, url])
    parts = urlsplit(url)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    return _with_python(url, [(path, cookie)], seconds=seconds, connections=CONNECTIONS)


def load_list(
    base_url: str, entries: list[tuple[str, str]], *, seconds: float, work_dir: Path
) -> Load:
    """Each request a random ``(path, cookie)`` of ``entries``."""
    if not entries:
        raise ValueError("no entries to load")
    if not shutil.which("wrk"):
        return _with_python(base_url, entries, seconds=seconds, connections=CONNECTIONS)
    work_dir.mkdir(parents=True, exist_ok=True)
    script = work_dir / "bench-list.lua"
    script.write_text(LUA)
    for path, cookie in entries:
        if "\t" in path or "\n" in path or "\t" in cookie or "\n" in cookie:
            raise ValueError(f"an entry wrk cannot read: {path!r}")
    with tempfile.NamedTemporaryFile(
        "w", dir=work_dir, prefix="bench-entries-", suffix=".tsv", delete=False
    ) as listed:
        listed.write("".join(f"{path}\t{cookie}\n" for path, cookie in entries))
    try:
        return _run_wrk([*_wrk_base(seconds), "-s", str(script), base_url, "--", listed.name])
    finally:
        Path(listed.name).unlink(missing_ok=True)
