#!/usr/bin/python3
"""Graph reads over HTTP on the imported graph: circles depth 2 and introduction paths (standard library only).

Reads contact pairs from a CSV (a,b: two contacts two ties apart, picked by run.sh from PostgreSQL), then for each
scenario runs CLIENTS concurrent clients for SECONDS and prints p50/p99/throughput per scenario as JSON:

- circles_d2:         GET /api/v1/contacts/{a}/circles?depth=2            (default limit 500)
- paths_near:         GET /api/v1/paths?from=a&to=b&maxHops=4             (b two ties from a: paths exist)
- paths_random:       GET /api/v1/paths?from=a&to=<another contact>&maxHops=4 (two different contacts at random)

    reads.py BASE_URL PAIRS_CSV [--clients 1,4] [--seconds 30]
"""
import argparse, csv, json, os, random, threading, time, urllib.error, urllib.request

AUTH = os.environ.get("CIRCLES_AUTH", "")  # "Authorization: Bearer ..."


def get(url):
    name, _, value = AUTH.partition(": ")
    req = urllib.request.Request(url, headers={name: value} if AUTH else {})
    t = time.perf_counter()
    try:
        with urllib.request.urlopen(req, timeout=60) as r:
            body = r.read()
            status = r.status
    except urllib.error.HTTPError as e:
        body, status = e.read(), e.code
    return status, (time.perf_counter() - t) * 1000, body


def percentile(values, p):
    values = sorted(values)
    if not values:
        return None
    return round(values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))], 1)


def run(make, clients, seconds, measure):
    times, sizes, errors, lock = [], [], {}, threading.Lock()
    stop = time.time() + seconds

    def worker(seed):
        rnd = random.Random(seed)
        local, local_sizes = [], []
        while time.time() < stop:
            status, ms, body = get(make(rnd))
            if status == 200:
                local.append(ms)
                local_sizes.append(measure(json.loads(body)))
            else:
                with lock:
                    errors[status] = errors.get(status, 0) + 1
        with lock:
            times.extend(local)
            sizes.extend(local_sizes)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(clients)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    return {"clients": clients, "requests": len(times), "non_200": errors,
            "throughput_per_s": round(len(times) / elapsed, 1),
            "p50_ms": percentile(times, 50), "p99_ms": percentile(times, 99), "max_ms": percentile(times, 100),
            "mean_result": round(sum(sizes) / len(sizes), 1) if sizes else None}


def distinct(rnd, contacts):
    """Two different contacts drawn at random: from = to is a 400 by design, not a path to time."""
    first = rnd.choice(contacts)
    second = rnd.choice(contacts)
    while second == first:
        second = rnd.choice(contacts)
    return first, second


def main():
    p = argparse.ArgumentParser()
    p.add_argument("base")
    p.add_argument("pairs")
    p.add_argument("--clients", default="1,4")
    p.add_argument("--seconds", type=int, default=30)
    a = p.parse_args()
    with open(a.pairs, newline="") as f:
        pairs = [(r[0], r[1]) for r in csv.reader(f) if len(r) == 2]
    everyone = [x for pair in pairs for x in pair]
    scenarios = {
        "circles_d2": (lambda rnd: "%s/api/v1/contacts/%s/circles?depth=2" % (a.base, rnd.choice(pairs)[0]),
                       lambda body: sum(len(r.get("members", [])) for r in body.get("rings", []))),
        "paths_near": (lambda rnd: "%s/api/v1/paths?from=%s&to=%s&maxHops=4" % ((a.base,) + rnd.choice(pairs)),
                       lambda body: len(body.get("paths", []))),
        "paths_random": (lambda rnd: "%s/api/v1/paths?from=%s&to=%s&maxHops=4"
                                     % ((a.base,) + distinct(rnd, everyone)),
                         lambda body: len(body.get("paths", []))),
    }
    get("%s/api/v1/contacts/%s/circles?depth=2" % (a.base, pairs[0][0]))  # warm the JIT and the page cache a little
    out = {}
    for name, (make, measure) in scenarios.items():
        out[name] = [run(make, int(c), a.seconds, measure) for c in a.clients.split(",")]
    print(json.dumps(out))


if __name__ == "__main__":
    main()
