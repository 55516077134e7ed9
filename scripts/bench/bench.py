#!/usr/bin/env python3
"""The measurements behind scripts/bench.sh (which installs wrk and builds both servers first).

    bench.py --mock BIN --ceiling BIN --work DIR [--smoke] [--markdown FILE]

Every server is started here on 127.0.0.1 port 0 and stopped here; every load run is bounded
by wrk's -d. Prints the table (figure, harbor-mock, ceiling or reference, ratio, target,
pass/fail); --markdown also writes it as a Markdown table. Smoke mode runs each step briefly on
small stores and never fails on a missed target, only on a broken step.
"""

import argparse
import base64
import http.client
import itertools
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
GEN = os.path.join(ROOT, "scripts", "gen-fixtures.py")
DEFAULT_FIXTURES = os.path.join(ROOT, "fixtures", "default.json")


def basic(user, password):
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


ADMIN = basic("admin", "Harbor12345")
ROBOT = basic("robot$bench", "Bench-Secret-1")
LIST_PATH = "/api/v2.0/robots?q=name%3D~ci&sort=-creation_time"
LISTENING = re.compile(r"listening on http://([0-9.]+:[0-9]+)")


class Server:
    """A server process whose log goes to a file; `addr` once it printed its listening line."""

    def __init__(self, argv, log_path, timeout=60.0):
        self.log_path = log_path
        self.log = open(log_path, "wb")
        self.t0 = time.perf_counter()
        self.proc = subprocess.Popen(argv, stdout=self.log, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL, cwd=ROOT)
        self.addr = None
        deadline = self.t0 + timeout
        with open(log_path, "rb") as f:
            buf = b""
            while self.addr is None:
                chunk = f.read()
                if chunk:
                    buf += chunk
                    m = LISTENING.search(buf.decode("utf-8", "replace"))
                    if m:
                        self.addr = m.group(1)
                        break
                if self.proc.poll() is not None:
                    raise RuntimeError(f"{argv[0]} exited: {buf.decode('utf-8', 'replace')}")
                if time.perf_counter() > deadline:
                    self.stop()
                    raise RuntimeError(f"{argv[0]} did not start within {timeout}s")
                time.sleep(0.0005)
        self.ready_s = time.perf_counter() - self.t0

    def url(self, path=""):
        return f"http://{self.addr}{path}"

    def rss_kib(self):
        with open(f"/proc/{self.proc.pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        raise RuntimeError("no VmRSS")

    def request(self, method, path, auth=ADMIN, body=None, timeout=30):
        host, port = self.addr.split(":")
        conn = http.client.HTTPConnection(host, int(port), timeout=timeout)
        headers = {"Authorization": auth}
        if body is not None:
            headers["Content-Type"] = "application/json"
        conn.request(method, path, body=body, headers=headers)
        resp = conn.getresponse()
        data = resp.read()
        conn.close()
        return resp.status, dict(resp.getheaders()), data

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()
        try:
            os.remove(self.log_path)
        except OSError:
            pass


def mock_argv(args, fixtures):
    return [args.mock, "--listen", "127.0.0.1:0", "--fixtures", fixtures, "--seed", "1"]


def ceiling_argv(args):
    return [args.ceiling, "--listen", "127.0.0.1:0"]


def parse_duration_ms(text):
    m = re.fullmatch(r"([0-9.]+)(us|ms|s|m)", text)
    if not m:
        raise ValueError(text)
    value, unit = float(m.group(1)), m.group(2)
    return value * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]


def wrk(url, conns, secs, auth=ADMIN, script=None, script_args=(), threads=None):
    """Runs wrk; returns requests/s, latency percentiles (ms) and the non-2xx/3xx count."""
    threads = threads or min(2, conns)
    argv = ["wrk", f"-t{threads}", f"-c{conns}", f"-d{secs}s", "--latency", "--timeout", "5s"]
    if auth:
        argv += ["-H", f"Authorization: {auth}"]
    if script:
        argv += ["-s", script]
    argv.append(url)
    if script_args:
        argv += ["--", *script_args]
    out = subprocess.run(argv, capture_output=True, text=True, timeout=secs + 60)
    if out.returncode != 0:
        raise RuntimeError(f"wrk failed: {out.stderr}{out.stdout}")
    text = out.stdout
    rps = float(re.search(r"Requests/sec:\s+([0-9.]+)", text).group(1))
    total = int(re.search(r"(\d+) requests in", text).group(1))
    lat = {}
    for pct, value in re.findall(r"^\s+(50|75|90|99)%\s+(\S+)", text, re.M):
        lat[int(pct)] = parse_duration_ms(value)
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    errors = re.search(r"Socket errors: (.*)", text)
    return {
        "rps": rps,
        "total": total,
        "lat": lat,
        "non2xx": int(bad.group(1)) if bad else 0,
        "socket_errors": errors.group(1) if errors else "",
    }


class Table:
    def __init__(self, smoke):
        self.rows = []
        self.smoke = smoke

    def add(self, figure, mock, reference, ratio, target, ok, fmt="{:.0f}"):
        def show(v):
            if v is None:
                return "-"
            return fmt.format(v) if isinstance(v, (int, float)) else str(v)

        self.rows.append([figure, show(mock), show(reference),
                          "-" if ratio is None else f"{ratio:.2f}", target,
                          "PASS" if ok else "FAIL"])
        print(f"  {figure}: {self.rows[-1][1:]}", flush=True)

    HEAD = ["figure", "harbor-mock", "ceiling / reference", "ratio", "target", "result"]

    def text(self):
        rows = [self.HEAD] + self.rows
        widths = [max(len(r[i]) for r in rows) for i in range(len(self.HEAD))]
        lines = []
        for n, r in enumerate(rows):
            lines.append("  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip())
            if n == 0:
                lines.append("  ".join("-" * w for w in widths))
        return "\n".join(lines)

    def markdown(self):
        out = ["| " + " | ".join(self.HEAD) + " |",
               "|" + "|".join("---" for _ in self.HEAD) + "|"]
        for r in self.rows:
            out.append("| " + " | ".join(c.replace("|", "\\|") for c in r) + " |")
        return "\n".join(out)

    def failures(self):
        return [r[0] for r in self.rows if r[5] == "FAIL"]


def fixtures(args, n, hashed):
    """A generated fixtures file with n robots, made once and kept under the work dir."""
    name = f"robots-{n}{'-hashed' if hashed else ''}.json"
    path = os.path.join(args.work, name)
    if not os.path.exists(path) or os.path.getmtime(path) < os.path.getmtime(GEN):
        t0 = time.perf_counter()
        tmp = path + ".tmp"
        subprocess.run([sys.executable, GEN, str(n), tmp] + (["--hashed"] if hashed else []),
                       check=True)
        os.replace(tmp, path)
        print(f"  generated {name} in {time.perf_counter() - t0:.1f}s", flush=True)
    return path


def log_path(args, name):
    return os.path.join(args.work, f"{name}.log")


def check(cond, message):
    if not cond:
        raise RuntimeError(message)


def startup(args, table):
    """Exec → first 200 on GET /api/v2.0/robots with the default fixtures, and VmRSS then."""
    times, rss = [], []
    for _ in range(args.startup_runs):
        server = Server(mock_argv(args, DEFAULT_FIXTURES), log_path(args, "startup"))
        try:
            host, port = server.addr.split(":")
            while True:
                try:
                    conn = http.client.HTTPConnection(host, int(port), timeout=5)
                    conn.request("GET", "/api/v2.0/robots", headers={"Authorization": ADMIN})
                    status = conn.getresponse().status
                    conn.close()
                    if status == 200:
                        break
                except OSError:
                    pass
                time.sleep(0.0005)
            times.append((time.perf_counter() - server.t0) * 1000)
            rss.append(server.rss_kib() / 1024)
        finally:
            server.stop()
    t, r = statistics.median(times), statistics.median(rss)
    table.add("startup: exec to first 200, median ms", t, None, None, "< 20 ms", t < 20,
              fmt="{:.1f}")
    table.add("startup: RSS at first 200, MiB", r, None, None, "< 10 MiB", r < 10, fmt="{:.1f}")
    return r


def paired(first, second, rounds):
    """Runs two loads alternately, `rounds` times each, swapping which goes first every round:
    the machine is shared, and whatever it is doing then weighs on both sides of a ratio."""
    a, b = [], []
    for i in range(rounds):
        if i % 2 == 0:
            a.append(first())
            b.append(second())
        else:
            b.append(second())
            a.append(first())
    return a, b


def median_rps(runs):
    return statistics.median(r["rps"] for r in runs)


def median_ratio(runs, refs):
    return statistics.median(r["rps"] / f["rps"] for r, f in zip(runs, refs))


def no_errors(name, runs):
    bad = sum(r["non2xx"] for r in runs)
    check(bad == 0, f"{name}: {bad} non-2xx answers")


def throughput(args, table, mock_1k, store_10k):
    """Each figure is the median of `rounds` paired runs against its reference, run alternately
    with it (see `paired`); the ratio is the median of the per-round ratios."""
    secs, c, rounds = args.secs, 4, args.rounds
    post_script = os.path.join(HERE, "post-unique.lua")
    servers = []
    try:
        ceiling = Server(ceiling_argv(args), log_path(args, "ceiling"))
        servers.append(ceiling)
        mock_10k = Server(mock_argv(args, store_10k), log_path(args, "mock-10k"))
        servers.append(mock_10k)
        mock_post = Server(mock_argv(args, DEFAULT_FIXTURES), log_path(args, "mock-post"))
        servers.append(mock_post)
        check(mock_1k.request("GET", "/api/v2.0/robots/1")[0] == 200, "GET /robots/1 as admin")
        check(mock_1k.request("GET", "/api/v2.0/robots/1", auth=ROBOT)[0] == 200,
              "GET /robots/1 as robot")
        check(mock_10k.request("GET", LIST_PATH)[0] == 200, "list")

        ceiling_get = lambda conns=c: wrk(ceiling.url("/api/v2.0/robots/1"), conns, secs)
        mock_get = lambda conns=c: wrk(mock_1k.url(f"/api/v2.0/robots/{args.n_small // 2}"),
                                       conns, secs)
        get, cg = paired(mock_get, ceiling_get, rounds)
        lst, cl = paired(lambda: wrk(mock_10k.url(LIST_PATH), c, secs), ceiling_get, rounds)
        # Each run gets its own name tag: a name used before would answer 409.
        tags = itertools.count()
        post, cp = paired(
            lambda: wrk(mock_post.url("/api/v2.0/robots"), c, secs, script=post_script,
                        script_args=(f"run{next(tags)}",)),
            lambda: wrk(ceiling.url("/api/v2.0/robots"), c, secs, script=post_script,
                        script_args=("ceiling",)),
            rounds)
        robot, admin = paired(
            lambda: wrk(mock_1k.url("/api/v2.0/robots/1"), c, secs, auth=ROBOT),
            lambda: wrk(mock_1k.url("/api/v2.0/robots/1"), c, secs), rounds)
        p99, cp99 = paired(lambda: mock_get(64), lambda: ceiling_get(64), rounds)
    finally:
        for server in servers:
            server.stop()
    for name, runs in [("ceiling", cg + cl + cp + cp99), ("GET", get), ("list", lst),
                       ("POST", post), ("GET as robot", robot), ("GET as admin", admin),
                       ("GET at 64 connections", p99)]:
        no_errors(name, runs)

    def row(name, runs, refs, target):
        ratio = median_ratio(runs, refs)
        table.add(name, median_rps(runs), median_rps(refs), ratio, f">= {target}",
                  ratio >= target)

    row("GET /robots/{id}, req/s (1k store)", get, cg, 0.7)
    row("GET /robots (10k store, q=name=~ci, sort=-creation_time), req/s", lst, cl, 0.4)
    row("POST /robots (unique names), req/s", post, cp, 0.4)
    row("GET /robots/{id} as robot / as admin, req/s", robot, admin, 0.9)
    lat = statistics.median(r["lat"][99] for r in p99)
    clat = statistics.median(r["lat"][99] for r in cp99)
    table.add("GET /robots/{id} p99 at 64 connections, ms", lat, clat, None, "< 5 ms", lat < 5,
              fmt="{:.2f}")
    if args.before:
        throughput_before(args, table, mock_1k, store_10k)


def throughput_before(args, table, mock_1k, store_10k):
    """The same three loads on `--before`, paired directly with this build (both up at once,
    alternating): (info) rows of this build's req/s over the earlier one's."""
    secs, c, rounds = args.secs, 4, args.rounds
    post_script = os.path.join(HERE, "post-unique.lua")
    servers = []
    try:
        def start(binary, fixtures, name):
            servers.append(Server([binary] + mock_argv(args, fixtures)[1:], log_path(args, name)))
            return servers[-1]
        b1k = start(args.before, args.store_1k, "before-1k")
        b10k = start(args.before, store_10k, "before-10k")
        bpost = start(args.before, DEFAULT_FIXTURES, "before-post")
        m10k = start(args.mock, store_10k, "mock-10k")
        mpost = start(args.mock, DEFAULT_FIXTURES, "mock-post")
        tags = itertools.count()
        post = lambda server: wrk(server.url("/api/v2.0/robots"), c, secs, script=post_script,
                                  script_args=(f"run{next(tags)}",))
        get_path = f"/api/v2.0/robots/{args.n_small // 2}"
        pairs = [
            ("GET /robots/{id} (1k store)",
             lambda: wrk(mock_1k.url(get_path), c, secs), lambda: wrk(b1k.url(get_path), c, secs)),
            ("GET /robots (10k store, filtered, sorted)",
             lambda: wrk(m10k.url(LIST_PATH), c, secs), lambda: wrk(b10k.url(LIST_PATH), c, secs)),
            ("POST /robots (unique names)", lambda: post(mpost), lambda: post(bpost)),
        ]
        for name, now, earlier in pairs:
            runs, refs = paired(now, earlier, rounds)
            no_errors(f"{name}, this build", runs)
            no_errors(f"{name}, before", refs)
            table.add(f"  {name}: this build / before, req/s", median_rps(runs),
                      median_rps(refs), median_ratio(runs, refs), "(info)", True)
    finally:
        for server in servers:
            server.stop()


def settled_rss_mib(server, limit_s=20.0):
    """VmRSS once it stops moving (a large load frees its parsed fixtures in the background)."""
    last = server.rss_kib()
    deadline = time.perf_counter() + limit_s
    while time.perf_counter() < deadline:
        time.sleep(0.5)
        now = server.rss_kib()
        if abs(now - last) < 1024:
            return now / 1024
        last = now
    return last / 1024


POST_ONE = ('{"name":"cold-%d","duration":30,"level":"project","permissions":[{"kind":"project",'
            '"namespace":"library","access":[{"resource":"repository","action":"pull"}]}]}')


def cold_list_ms(server, runs):
    """Median time of the list when every run follows a change (no cached result to reuse)."""
    times = []
    for i in range(runs):
        status = server.request("POST", "/api/v2.0/robots", body=POST_ONE % i)[0]
        check(status == 201, f"POST before a cold list answered {status}")
        t0 = time.perf_counter()
        status = server.request("GET", LIST_PATH)[0]
        times.append((time.perf_counter() - t0) * 1000)
        check(status == 200, f"cold list answered {status}")
    return statistics.median(times)


def pause_between_loads(args):
    """Lets the kernel take back the memory of the server just stopped: in the benchmark's VM,
    touching memory another process has just freed is slow and varies by seconds, which would
    otherwise be counted in the next load time."""
    time.sleep(0 if args.smoke else 3)


def scale(args, table, mock_1k, rss_empty_mib):
    n = args.n_large
    hashed = fixtures(args, n, True)
    plain = fixtures(args, n, False)
    label = f"{n // 1000}k" if n < 1_000_000 else f"{n // 1_000_000}M"

    def load_s(argv, name, runs=None):
        """Median exec-to-ready time over `runs` starts (`load_runs` unless given)."""
        times = []
        for _ in range(runs or args.load_runs):
            pause_between_loads(args)
            server = Server(argv, log_path(args, name), timeout=120)
            times.append(server.ready_s)
            server.stop()
        return statistics.median(times)

    plain_s = load_s(mock_argv(args, plain), "scale-plain")
    table.add(f"load {label} robots from fixtures, plaintext secrets (exec to ready), median s",
              plain_s, None, None, "< 5 s", plain_s < 5, fmt="{:.2f}")

    # The state store, created once from the hashed fixtures and kept under the work dir;
    # loading it writes nothing, so every load reads the same file.
    store = state_store(args, n, hashed)
    store_argv = mock_argv(args, DEFAULT_FIXTURES) + ["--state-file", store]
    if args.before:
        # Today's figure, in the same minutes: the JSON state file loaded by the binary before
        # the store, started alternately with the store (see `paired`). A symlink, so that a
        # write could never replace the generated file.
        json_state = os.path.join(args.work, f"state-{n}.json")
        if not os.path.islink(json_state):
            if os.path.lexists(json_state):
                os.remove(json_state)
            os.symlink(os.path.basename(hashed), json_state)
        before_argv = ([args.before] + mock_argv(args, DEFAULT_FIXTURES)[1:]
                       + ["--state-file", json_state])
        runs = max(args.load_runs, 5)
        states, befores = paired(lambda: load_s(store_argv, "scale-state", 1),
                                 lambda: load_s(before_argv, "scale-before", 1), runs)
        state_s, before_s = statistics.median(states), statistics.median(befores)
        table.add(f"load {label} robots from the state store (exec to ready), median s of "
                  f"{runs}, alternating with the JSON state file", state_s, before_s,
                  state_s / before_s, "< 5 s, <= JSON", state_s < 5 and state_s <= before_s,
                  fmt="{:.2f}")
        table.add(f"  before: load {label} robots from the JSON state file, median s of {runs} "
                  f"({', '.join(f'{t:.2f}' for t in befores)}; store: "
                  f"{', '.join(f'{t:.2f}' for t in states)})", before_s, None, None, "(info)",
                  True, fmt="{:.2f}")
    else:
        state_s = load_s(store_argv, "scale-state")
        table.add(f"load {label} robots from the state store (exec to ready), median s",
                  state_s, None, None, "< 5 s", state_s < 5, fmt="{:.2f}")

    hashed_s = load_s(mock_argv(args, hashed), "scale-hashed")
    table.add(f"load {label} robots from fixtures, secret_hash + salt (exec to ready), median s",
              hashed_s, None, None, "< 5 s", hashed_s < 5, fmt="{:.2f}")
    pause_between_loads(args)
    server = Server(mock_argv(args, hashed), log_path(args, "scale-hashed"), timeout=120)
    try:
        check(server.request("GET", "/api/v2.0/robots/1")[0] == 200, "GET at scale")
        rss_mib = settled_rss_mib(server)
        per_robot = (rss_mib - rss_empty_mib) * 1024 * 1024 / n
        table.add(f"memory per robot at {label}: (settled RSS {rss_mib:.0f} MiB - empty) / n, B",
                  per_robot, None, None, "< 2048 B", per_robot < 2048)
        large, small = paired(
            lambda: wrk(server.url(f"/api/v2.0/robots/{n // 2}"), 4, args.secs),
            lambda: wrk(mock_1k.url(f"/api/v2.0/robots/{args.n_small // 2}"), 4, args.secs),
            args.rounds)
        no_errors(f"GET at {label}", large)
        ratio = median_ratio(large, small)
        table.add(f"GET /robots/{{id}} at {label} / at 1k, req/s", median_rps(large),
                  median_rps(small), ratio, ">= 0.9", ratio >= 0.9)
        create = session_create_ms(server, args.session_runs)
        table.add(f"session creation over {label} robots, median ms", create, None, None,
                  "<= 5 ms", create <= 5, fmt="{:.2f}")
        cold = cold_list_ms(server, args.cold_runs)
        table.add(f"GET /robots filtered+sorted page at {label}, after a change, median ms",
                  cold, None, None, "< 150 ms", cold < 150, fmt="{:.1f}")
        warm = wrk(server.url(LIST_PATH), 1, max(args.secs // 2, 1), threads=1)["lat"][50]
        table.add(f"  same page repeated (cached result), median ms", warm, None, None,
                  "(info)", True, fmt="{:.2f}")
    finally:
        server.stop()
    return per_robot


def state_store(args, n, fixtures_path):
    """A state store holding the robots of `fixtures_path`, created once by starting the mock
    with both (the creation time is printed) and kept under the work dir."""
    path = os.path.join(args.work, f"store-{n}.db")
    if not os.path.exists(path) or os.path.getmtime(path) < os.path.getmtime(fixtures_path):
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(path + suffix):
                os.remove(path + suffix)
        pause_between_loads(args)
        server = Server(mock_argv(args, fixtures_path) + ["--state-file", path],
                        log_path(args, "store-create"), timeout=600)
        print(f"  created {os.path.basename(path)} in {server.ready_s:.1f}s (exec to ready)",
              flush=True)
        server.stop()
    return path


POST_NEW = ('{"name":"%s-%d","duration":30,"level":"project","permissions":[{"kind":"project",'
            '"namespace":"library","access":[{"resource":"repository","action":"pull"}]}]}')


def post_latencies_ms(server, runs, tag):
    """POSTs `runs` new project robots one after the other on one keep-alive connection;
    returns each one's time from request to the whole response, ms."""
    host, port = server.addr.split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=60)
    headers = {"Authorization": ADMIN, "Content-Type": "application/json"}
    times = []
    for i in range(runs):
        t0 = time.perf_counter()
        conn.request("POST", "/api/v2.0/robots", body=POST_NEW % (tag, i), headers=headers)
        resp = conn.getresponse()
        resp.read()
        times.append((time.perf_counter() - t0) * 1000)
        check(resp.status == 201, f"POST {tag}-{i} answered {resp.status}")
    conn.close()
    return times


def percentile(values, q):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def get_during_burst_ms(server, secs, n, tag):
    """GET /robots/{id} one after the other while wrk POSTs new robots on 4 connections for
    `secs` s; returns the GET times (ms) and the POSTs wrk completed."""
    post_script = os.path.join(HERE, "post-unique.lua")
    argv = ["wrk", "-t2", "-c4", f"-d{secs}s", "--timeout", "10s", "-H",
            f"Authorization: {ADMIN}", "-s", post_script, server.url("/api/v2.0/robots"),
            "--", tag]
    burst = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    host, port = server.addr.split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=30)
    times = []
    time.sleep(0.2)  # the burst is under way
    i = 0
    while burst.poll() is None:
        i += 1
        t0 = time.perf_counter()
        conn.request("GET", f"/api/v2.0/robots/{1 + (i * 7919) % n}",
                     headers={"Authorization": ADMIN})
        resp = conn.getresponse()
        resp.read()
        elapsed = (time.perf_counter() - t0) * 1000
        if burst.poll() is None:
            times.append(elapsed)
        check(resp.status == 200, f"GET during the burst answered {resp.status}")
    conn.close()
    out = burst.stdout.read()
    check(burst.returncode == 0, f"wrk failed: {out}")
    posts = int(re.search(r"(\d+) requests in", out).group(1))
    return times, posts


def persistence(args, table):
    """The state store's cost. POST latency, one POST at a time (so each POST's commit and
    fsync is its own), on the in-memory server at 1k and on the state store at each size: all
    servers up at once and measured in turn, `persist_rounds` times, because the disk's fsync
    latency here moves between about 0.3 and 4 ms from one minute to the next; each figure is
    the median of its rounds' medians, each ratio the median of the rounds' ratios. Then GET by
    id during a burst of POSTs, in memory and on the store. With --before, the same on the
    binary before the store, with its JSON state file."""
    rounds, per_round = args.persist_rounds, args.post_runs // args.persist_rounds
    small, mid = args.n_small, args.n_mid
    store_small = fixtures(args, small, True)
    store_mid = fixtures(args, mid, True)
    tags = itertools.count()

    def fresh(name):
        path = os.path.join(args.work, name)
        for suffix in ("", "-wal", "-shm", ".imported"):
            if os.path.lexists(path + suffix):
                os.remove(path + suffix)
        return path

    def label_of(n):
        return f"{n // 1000}k" if n < 1_000_000 else f"{n // 1_000_000}M"

    # name -> (label, argv, store size)
    setups = [("memory", "in memory (1k store)", mock_argv(args, store_small), small)]
    for n, source in [(small, store_small), (mid, store_mid), (args.n_large_persist, None)]:
        if not n:
            continue
        label = label_of(n)
        if source is None:
            # The large store is made once (see `state_store`); a copy takes the writes.
            kept = state_store(args, n, fixtures(args, n, True))
            path = fresh(f"persist-{label}.db")
            shutil.copyfile(kept, path)
            argv = mock_argv(args, DEFAULT_FIXTURES) + ["--state-file", path]
        else:
            argv = mock_argv(args, source) + ["--state-file", fresh(f"persist-{label}.db")]
        setups.append((label, f"state store ({label} store)", argv, n))
    if shutil.which("eatmydata"):
        # The state store's own cost: the same 1k store with fsync made a no-op (Debian's
        # eatmydata), so the difference to the store's figure is the disk's flush.
        argv = ["eatmydata"] + mock_argv(args, store_small) + [
            "--state-file", fresh("persist-nosync.db")]
        setups.append(("nosync", "state store (1k store), fsync a no-op (eatmydata)", argv,
                       small))
    servers = {}
    try:
        for name, _, argv, _ in setups:
            pause_between_loads(args)
            servers[name] = Server(argv, log_path(args, f"persist-{name}"), timeout=600)
        medians = {name: [] for name, _, _, _ in setups}
        p99s = {name: [] for name, _, _, _ in setups}
        for _ in range(rounds):
            for name, _, _, _ in setups:
                times = post_latencies_ms(servers[name], per_round, f"p{name.lower()}{next(tags)}")
                medians[name].append(statistics.median(times))
                p99s[name].append(percentile(times, 0.99))
        reference = statistics.median(medians["memory"])
        for name, what, _, _ in setups:
            median = statistics.median(medians[name])
            spread = ", ".join(f"{m:.2f}" for m in medians[name])
            p99 = statistics.median(p99s[name])
            if name == "memory":
                table.add(f"POST one at a time, {what}, median ms (rounds: {spread}; p99 "
                          f"{p99:.2f})", reference, None, None, "reference", True, fmt="{:.2f}")
                continue
            ratio = statistics.median(m / r for m, r in zip(medians[name], medians["memory"]))
            target = "(info)" if name == "nosync" else "<= 10 ms, <= 3 x in memory"
            ok = name == "nosync" or (median <= 10 and ratio <= 3)
            table.add(f"POST one at a time, {what}, median ms (rounds: {spread}; p99 {p99:.2f})",
                      median, reference, ratio, target, ok, fmt="{:.2f}")
        for name, what, _, n in setups:
            if n != mid and name != "memory":
                continue
            size = mid if name == "memory" else n
            if name == "memory":
                # The in-memory reference of the burst holds as many robots as the store's.
                servers[name].stop()
                pause_between_loads(args)
                servers[name] = Server(mock_argv(args, store_mid), log_path(args, "persist-mb"))
                what = f"in memory ({label_of(mid)} store)"
            gets, posts = get_during_burst_ms(servers[name], args.secs, size, f"b{next(tags)}")
            worst = max(gets)
            ok = True if name == "memory" else worst < 20
            table.add(f"GET by id during a burst of POSTs ({posts} POSTs in {args.secs}s, "
                      f"{len(gets)} GETs; p99 {percentile(gets, 0.99):.2f}), {what}, worst ms",
                      worst, None, None, "reference" if name == "memory" else "< 20 ms", ok,
                      fmt="{:.2f}")
    finally:
        for server in servers.values():
            server.stop()
    if args.before:
        # The binary before the store: the JSON state file, rewritten whole by each change.
        # Few POSTs at the large size: each takes seconds.
        for n, runs_before in [(mid, 20), (args.n_large_persist, 3)]:
            if not n:
                continue
            label = f"{n // 1000}k" if n < 1_000_000 else f"{n // 1_000_000}M"
            path = fresh(f"before-{label}.json")
            shutil.copyfile(fixtures(args, n, True), path)
            argv = [args.before] + mock_argv(args, DEFAULT_FIXTURES)[1:] + ["--state-file", path]
            pause_between_loads(args)
            server = Server(argv, log_path(args, f"before-{label}"), timeout=600)
            try:
                post = post_latencies_ms(server, runs_before, f"before{next(tags)}")
                gets = posts = None
                if n == mid:
                    gets, posts = get_during_burst_ms(server, args.secs, n, f"b{next(tags)}")
            finally:
                server.stop()
            table.add(f"  before: POST one at a time, JSON state file ({label} store), median "
                      f"ms ({len(post)} POSTs)", statistics.median(post), None, None, "(info)",
                      True, fmt="{:.1f}")
            if gets:
                table.add(f"  before: GET by id during a burst of POSTs ({posts} POSTs, "
                          f"{len(gets)} GETs), JSON state file ({label} store), worst ms",
                          max(gets), None, None, "(info)", True, fmt="{:.1f}")


def new_session(server):
    status, _, body = server.request("POST", "/_mock/sessions")
    check(status == 201, f"session not created: {status} {body[:200]!r}")
    return json.loads(body)["id"]


def session_create_ms(server, runs):
    """Median time of POST /_mock/sessions (no body: the main instance's fixtures), each session
    deleted before the next is made."""
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        session = new_session(server)
        times.append((time.perf_counter() - t0) * 1000)
        server.request("DELETE", f"/_mock/sessions/{session}")
    return statistics.median(times)


def sessions(args, table, store_10k):
    """Session creation and memory over the 10k store, the memory of a robot written into a
    session against the main instance, then a create-and-write loop under a TTL whose memory
    must level off."""
    server = Server(mock_argv(args, store_10k), log_path(args, "sessions"))
    try:
        check(server.request("GET", "/api/v2.0/robots/1")[0] == 200, "GET before sessions")
        create = session_create_ms(server, args.session_runs)
        table.add("session creation over 10k robots, median ms", create, None, None,
                  "<= 2 ms", create <= 2, fmt="{:.2f}")
        before = settled_rss_mib(server, limit_s=5)
        ids = [new_session(server) for _ in range(100)]
        idle = settled_rss_mib(server, limit_s=5) - before
        table.add("100 sessions over 10k robots, before any write: RSS added, MiB", idle, None,
                  None, "<= 20 MiB", idle <= 20, fmt="{:.1f}")
        for session in ids:
            server.request("DELETE", f"/_mock/sessions/{session}")
    finally:
        server.stop()

    # A robot written into a session against one written into the main instance, each on a
    # fresh server (the first writes of a process grow its heap, so one process would favour
    # whichever side went second), with the journal off: each instance keeps its own journal,
    # which would weigh 100 sessions' entries against the main instance's one ring.
    writes = args.session_writes
    body = json.dumps({"name": "w", "duration": 30, "level": "project",
                       "permissions": [{"kind": "project", "namespace": "library",
                                        "access": [{"resource": "repository",
                                                    "action": "pull"}]}]})

    def per_robot_written(in_sessions):
        server = Server(mock_argv(args, store_10k) + ["--journal-size", "0"],
                        log_path(args, "sessions-writes"))
        try:
            paths = ["/api/v2.0/robots"]
            if in_sessions:
                paths = [f"/sessions/{new_session(server)}/api/v2.0/robots" for _ in range(100)]
            before = settled_rss_mib(server, limit_s=5)
            for i in range(writes):
                status, _, _ = server.request("POST", paths[i % len(paths)],
                                              body=body.replace('"w"', f'"w{i}"'))
                check(status == 201, f"write {i}: {status}")
            return (settled_rss_mib(server, limit_s=5) - before) * 1024 * 1024 / writes
        finally:
            server.stop()

    in_sessions, in_main = per_robot_written(True), per_robot_written(False)
    table.add(f"memory per robot written: {writes} robots over 100 sessions / into the main "
              "instance (journal off), B", in_sessions, in_main, in_sessions / in_main,
              "(info)", True)

    # Clients that never delete their sessions: a TTL bounds what they keep. The loop is paced
    # (200 sessions a second, each with 5 robots) so that the sessions alive within one TTL stay
    # under the 1,024 cap, which would otherwise refuse creations before any expired.
    ttl_s = 2
    pace_s = 0.005
    server = Server(mock_argv(args, store_10k) + ["--session-ttl", f"{ttl_s}s"],
                    log_path(args, "sessions-ttl"))
    try:
        samples = []
        start = time.perf_counter()
        end = start + args.plateau_secs
        i = 0
        while time.perf_counter() < end:
            time.sleep(max(0.0, start + i * pace_s - time.perf_counter()))
            session = new_session(server)
            for j in range(5):
                status, _, _ = server.request("POST", f"/sessions/{session}/api/v2.0/robots",
                                              body=body.replace('"w"', f'"p{i}-{j}"'))
                check(status == 201, f"plateau write: {status}")
            i += 1
            samples.append(server.rss_kib() / 1024)
        half = len(samples) // 2
        first, second = max(samples[:half]), max(samples[half:])
        _, _, listed = server.request("GET", "/_mock/sessions")
        live = len(json.loads(listed))
        table.add(f"RSS with sessions created and written for {args.plateau_secs}s, never "
                  f"deleted, TTL {ttl_s}s ({i} sessions, {live} live at the end): peak of the "
                  f"second half / first half, MiB", second, first, second / first,
                  "<= 1.25", second <= 1.25 * first, fmt="{:.1f}")
    finally:
        server.stop()


def count_project_robots(server):
    _, headers, _ = server.request("GET", "/api/v2.0/robots?q=Level%3Dproject%2CProjectID%3D1"
                                   "&page_size=1")
    return int({k.lower(): v for k, v in headers.items()}["x-total-count"])


def flat_memory(args, table, store_10k, per_robot):
    server = Server(mock_argv(args, store_10k), log_path(args, "flat"))
    try:
        time.sleep(0.2)
        ready_mib = server.rss_kib() / 1024
        before = count_project_robots(server)
        secs = args.flat_secs
        proc = subprocess.Popen(
            ["wrk", "-t2", "-c4", f"-d{secs}s", "--timeout", "5s",
             "-s", os.path.join(HERE, "mixed.lua"), server.url("/"), "--",
             "mixed", ADMIN, ROBOT, str(args.n_small_10k)],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        peak = ready_mib
        while proc.poll() is None:
            peak = max(peak, server.rss_kib() / 1024)
            time.sleep(0.5)
        out = proc.stdout.read()
        check(proc.returncode == 0, f"mixed wrk failed: {out}")
        after_mib = server.rss_kib() / 1024
        created = count_project_robots(server) - before
        allowed = 2 * ready_mib + created * per_robot / (1024 * 1024)
        total = re.search(r"(\d+) requests in", out).group(1)
        table.add(f"RSS after {secs}s mixed load ({total} requests, {created} robots created), "
                  f"MiB (ready {ready_mib:.1f}, peak {peak:.1f})",
                  after_mib, allowed, after_mib / allowed, "<= 2 x ready + robots",
                  after_mib <= allowed, fmt="{:.1f}")
    finally:
        server.stop()


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--mock", required=True)
    p.add_argument("--ceiling", required=True)
    p.add_argument("--work", required=True)
    p.add_argument("--smoke", action="store_true")
    p.add_argument("--markdown")
    p.add_argument("--before", help="an earlier build, for its figures beside this one's")
    p.add_argument("--only", help="comma-separated sections: startup, throughput, scale, "
                   "persistence, memory, sessions (default: all)")
    args = p.parse_args()
    os.makedirs(args.work, exist_ok=True)
    if args.smoke:
        args.startup_runs, args.secs, args.flat_secs, args.cold_runs = 3, 1, 2, 3
        args.n_large, args.rounds, args.load_runs = 20_000, 1, 1
        args.n_mid, args.n_large_persist, args.post_runs, args.persist_rounds = 5_000, 0, 20, 1
        args.session_runs, args.session_writes, args.plateau_secs = 5, 100, 6
    else:
        args.startup_runs, args.secs, args.flat_secs, args.cold_runs = 21, 5, 60, 9
        args.n_large, args.rounds, args.load_runs = 1_000_000, 3, 3
        args.n_mid, args.n_large_persist, args.post_runs, args.persist_rounds = (
            100_000, 1_000_000, 300, 3)
        args.session_runs, args.session_writes, args.plateau_secs = 51, 2000, 30
    args.n_small, args.n_small_10k = 1000, 10_000
    sections = set((args.only or "startup,throughput,scale,persistence,memory,sessions")
                   .split(","))

    table = Table(args.smoke)
    # The empty server's RSS, the base of the memory per robot (the default fixtures' ~5 MiB
    # when the startup section is left out).
    rss_empty, per_robot = 5.2, 1024
    if "startup" in sections:
        print("== startup", flush=True)
        rss_empty = startup(args, table)
    store_1k = args.store_1k = fixtures(args, 1000, True)
    store_10k = fixtures(args, 10_000, True)
    if sections & {"throughput", "scale"}:
        # The 1k store serves GET by id throughout, the reference of the scale check included.
        mock_1k = Server(mock_argv(args, store_1k), log_path(args, "mock-1k"))
        try:
            if "throughput" in sections:
                print("== throughput (4 connections, keep-alive)", flush=True)
                throughput(args, table, mock_1k, store_10k)
            if "scale" in sections:
                print("== scale", flush=True)
                per_robot = scale(args, table, mock_1k, rss_empty)
        finally:
            mock_1k.stop()
    if "persistence" in sections:
        print("== persistence (state store)", flush=True)
        persistence(args, table)
    if "memory" in sections:
        print("== memory under mixed load", flush=True)
        flat_memory(args, table, store_10k, per_robot)
    if "sessions" in sections:
        print("== sessions", flush=True)
        sessions(args, table, store_10k)

    print()
    print(table.text())
    if args.markdown:
        with open(args.markdown, "w") as f:
            f.write(table.markdown() + "\n")
    failed = table.failures()
    print()
    if args.smoke:
        print(f"smoke: every step ran ({len(table.rows)} figures; targets not asserted)")
        return 0
    print(f"{len(table.rows) - len(failed)} passed, {len(failed)} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
