"""digitnet serve under load: concurrent clients on loopback, beside digitnet predict.

Starts `digitnet serve` as a user would, then CLIENTS threads each keep one connection and
POST pictures to /api/predict, for --count requests or --seconds, whichever ends first. Prints
requests per second, p50 and p99 latency, errors and the server's peak RSS, for 28x28 PNGs
(MNIST test digits) and for photos; then `digitnet predict` on the same files, in the same
run; then the server's RSS every 1,000 requests over --soak requests.

Targets: the API serves at least a quarter of predict's images per second with 8 clients;
no errors below the in-flight limit; memory flat over 10,000 requests.

    python benchmarks/serve_load.py [--clients 8] [--count 4000] [--photos 100] [--soak 10000]
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from predict_throughput import write_mnist_pngs, write_photos


def rss_mb(pid: int, field: str = "VmRSS") -> float:
    """The server's memory: its first process's and the others' together."""
    from digitnet.serve.workers import pids

    total = 0.0
    for p in [pid, *pids(pid)]:
        with open(f"/proc/{p}/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    total += int(line.split()[1]) / 1024
    return total


def start_server(digitnet: str, in_flight: int, workers: int) -> tuple[subprocess.Popen, str, int]:
    proc = subprocess.Popen(
        [digitnet, "serve", "--port", "0", "--quiet", "--max-in-flight", str(in_flight)]
        + ["--workers", str(workers)],
        stderr=subprocess.PIPE,
        text=True,
    )
    for line in proc.stderr:
        if m := re.search(r"http://([\d.]+):(\d+)/", line):
            return proc, m.group(1), int(m.group(2))
    sys.exit("digitnet serve did not start")


def load(host, port, bodies: list[bytes], clients: int, count: int, seconds: float):
    """Latencies (s) and error statuses of ``count`` requests spread over ``clients``."""
    latencies: list[float] = []
    errors: list[int] = []
    lock = threading.Lock()
    next_index = iter(range(count))
    deadline = time.monotonic() + seconds

    def client() -> None:
        conn = http.client.HTTPConnection(host, port, timeout=60)
        while time.monotonic() < deadline:
            with lock:
                i = next(next_index, None)
            if i is None:
                break
            started = time.perf_counter()
            conn.request("POST", "/api/predict", body=bodies[i % len(bodies)])
            r = conn.getresponse()
            r.read()
            took = time.perf_counter() - started
            with lock:
                latencies.append(took)
                if r.status != 200:
                    errors.append(r.status)
        conn.close()

    started = time.perf_counter()
    threads = [threading.Thread(target=client) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return latencies, errors, time.perf_counter() - started


def percentile(values: list[float], q: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, int(q * len(s)))]


def predict_rate(digitnet: str, paths: list[Path]) -> float:
    listing = paths[0].parent / "list.txt"
    listing.write_text("".join(f"{p}\n" for p in paths))
    started = time.perf_counter()
    subprocess.run(
        [digitnet, "predict", "-T", str(listing), "--format", "json"],
        stdout=subprocess.DEVNULL,
        check=True,
    )
    return len(paths) / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--count", type=int, default=4000, help="requests of 28x28 PNGs")
    parser.add_argument("--photos", type=int, default=100, help="requests of photos")
    parser.add_argument("--seconds", type=float, default=60, help="at most, a phase")
    parser.add_argument("--soak", type=int, default=10_000, help="requests watched for memory")
    parser.add_argument("--in-flight", type=int, default=None, help="the server's limit")
    parser.add_argument("--workers", type=int, default=None, help="[default: one per core]")
    args = parser.parse_args()
    digitnet = shutil.which("digitnet") or sys.exit("digitnet is not installed on PATH")
    from digitnet.limits import MAX_IN_FLIGHT

    in_flight = args.in_flight or MAX_IN_FLIGHT
    with tempfile.TemporaryDirectory() as tmp:
        small = Path(tmp, "small")
        small.mkdir()
        big = Path(tmp, "photos")
        big.mkdir()
        sets = {
            "28x28 PNG": write_mnist_pngs(small, min(args.count, 2000)),
            "photo": write_photos(big, min(args.photos, 40)),
        }
        workers = args.workers or os.cpu_count() or 1
        proc, host, port = start_server(digitnet, in_flight, workers)
        time.sleep(2)  # the other processes load their models
        try:
            print(f"{args.clients} clients; serve --workers {workers} --max-in-flight {in_flight}")
            header = f"{'pictures':<10} {'requests':>8} {'req/s':>7} {'p50 ms':>7} {'p99 ms':>7} "
            print(header + f"{'errors':>6} {'peak RSS':>9} {'predict img/s':>14} ratio")
            for name, paths in sets.items():
                bodies = [p.read_bytes() for p in paths]
                count = args.count if name == "28x28 PNG" else args.photos
                load(host, port, bodies[:50], args.clients, 100, 30)  # warm up
                lat, errors, took = load(host, port, bodies, args.clients, count, args.seconds)
                rate = len(lat) / took
                ours = predict_rate(digitnet, paths)
                print(
                    f"{name:<10} {len(lat):>8} {rate:>7.0f} {percentile(lat, 0.5) * 1e3:>7.1f} "
                    f"{percentile(lat, 0.99) * 1e3:>7.1f} {len(errors):>6} "
                    f"{rss_mb(proc.pid, 'VmHWM'):>6.0f} MB {ours:>14.0f} {rate / ours:.2f}"
                )
            if args.soak:
                bodies = [p.read_bytes() for p in sets["28x28 PNG"]]
                series = []
                for _ in range(args.soak // 1000):
                    _, errors, _ = load(host, port, bodies, args.clients, 1000, args.seconds)
                    series.append(rss_mb(proc.pid))
                grown = series[-1] - series[0]
                print(
                    f"RSS every 1,000 of {args.soak:,} requests (MB): "
                    + " ".join(f"{v:.0f}" for v in series)
                    + f"   grew {grown:+.1f} MB after the first 1,000"
                )
        finally:
            proc.terminate()
            proc.wait(10)


if __name__ == "__main__":
    main()
