#!/usr/bin/python3
"""Latency of the analytics reads under concurrent load (standard library only).

Hits GET /api/v1/influencers?limit=20 (top 20 with explanations) and GET /api/v1/communities/{id} (detail of
random communities of size >= 20) from THREADS clients for SECONDS each, and prints p50/p99 per endpoint as JSON.

    load.py BASE_URL [--threads 8] [--seconds 30]
"""
import argparse, json, os, random, threading, time, urllib.request

# run.sh passes the analyst's "Authorization: Bearer ..." header in CIRCLES_AUTH.
AUTH = os.environ.get("CIRCLES_AUTH", "")


def request(url):
    headers = {}
    if AUTH:
        name, _, value = AUTH.partition(": ")
        headers[name] = value
    return urllib.request.Request(url, headers=headers)


def get(url):
    t = time.perf_counter()
    with urllib.request.urlopen(request(url), timeout=30) as r:
        r.read()
        status = r.status
    return status, (time.perf_counter() - t) * 1000


def percentile(values, p):
    values = sorted(values)
    if not values:
        return None
    k = min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))
    return round(values[k], 1)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("base")
    p.add_argument("--threads", type=int, default=8)
    p.add_argument("--seconds", type=int, default=30)
    a = p.parse_args()
    ids = []
    cursor = None
    while len(ids) < 400:
        url = a.base + "/api/v1/communities?minSize=20&limit=200" + ("&cursor=" + cursor if cursor else "")
        with urllib.request.urlopen(request(url)) as r:
            page = json.load(r)
        ids += [c["id"] for c in page["items"]]
        cursor = page.get("next")
        if not cursor:
            break
    results = {}
    for name, make in (("influencers_top20", lambda rnd: a.base + "/api/v1/influencers?limit=20"),
                       ("community_detail", lambda rnd: a.base + "/api/v1/communities/%d" % rnd.choice(ids))):
        times, errors = [], [0]
        lock = threading.Lock()
        stop = time.time() + a.seconds

        def worker(seed):
            rnd = random.Random(seed)
            local = []
            while time.time() < stop:
                try:
                    status, ms = get(make(rnd))
                    if status == 200:
                        local.append(ms)
                    else:
                        errors[0] += 1
                except Exception:
                    with lock:
                        errors[0] += 1
            with lock:
                times.extend(local)

        threads = [threading.Thread(target=worker, args=(i,)) for i in range(a.threads)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        results[name] = {"requests": len(times), "errors": errors[0], "rps": round(len(times) / a.seconds, 1),
                         "p50_ms": percentile(times, 50), "p99_ms": percentile(times, 99), "threads": a.threads}
    print(json.dumps(results))


if __name__ == "__main__":
    main()
