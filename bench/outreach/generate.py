#!/usr/bin/python3
"""Contact network for the outreach (seed selection) benchmark (standard library only).

Planted communities with heavy-tailed degrees, so that some contacts are hubs and hubs cluster: each contact gets a
Pareto propensity; a tie's first end is drawn by propensity, its second by propensity within the same community (or,
with probability MIXING, anywhere). Symmetric person-to-person types; declared strength uniform in [0.3, 1.0]. Kinds
mostly patients, with caregivers, family, nurses, physicians and community leaders. EMAIL consent GRANTED 60 %,
DENIED 10 %, no answer (UNKNOWN) 30 %; 2 % do-not-contact. Same seed, same network.

Writes into OUT (PostgreSQL COPY format, with header): contacts.csv, consent.csv, ties.csv.

    generate.py OUT [--contacts 100000] [--ties 1000000] [--communities 200] [--mixing 0.2] [--alpha 2.5] [--seed 7]
"""
import argparse, bisect, csv, itertools, os, random, uuid


def main():
    p = argparse.ArgumentParser()
    p.add_argument("out")
    p.add_argument("--contacts", type=int, default=100_000)
    p.add_argument("--ties", type=int, default=1_000_000)
    p.add_argument("--communities", type=int, default=200)
    p.add_argument("--mixing", type=float, default=0.2)
    p.add_argument("--alpha", type=float, default=2.5)
    p.add_argument("--seed", type=int, default=7)
    a = p.parse_args()
    os.makedirs(a.out, exist_ok=True)
    rnd = random.Random(a.seed)
    n = a.contacts
    ids = [str(uuid.UUID(int=rnd.getrandbits(128), version=4)) for _ in range(n)]
    community = [rnd.randrange(a.communities) for _ in range(n)]
    weight = [min(rnd.paretovariate(a.alpha - 1), 1000.0) for _ in range(n)]
    members = [[] for _ in range(a.communities)]
    for i, c in enumerate(community):
        members[c].append(i)
    cum_all = list(itertools.accumulate(weight))
    cum_in = [list(itertools.accumulate(weight[i] for i in m)) for m in members]
    kinds = ["PATIENT"] * 12 + ["CAREGIVER", "FAMILY", "NURSE", "PHYSICIAN"] + ["COMMUNITY_LEADER"] * 1
    with open(os.path.join(a.out, "contacts.csv"), "w", newline="") as f, \
            open(os.path.join(a.out, "consent.csv"), "w", newline="") as cf:
        w = csv.writer(f)
        cw = csv.writer(cf)
        w.writerow(["id", "kind", "given_name", "family_name", "display_name", "sort_name", "do_not_contact",
                    "created_at", "updated_at", "version"])
        cw.writerow(["contact_id", "channel", "status", "recorded_at", "source"])
        for i, cid in enumerate(ids):
            name = "Contact %d" % i
            w.writerow([cid, kinds[rnd.randrange(len(kinds))], "Contact", str(i), name, name.lower(),
                        "true" if rnd.random() < 0.02 else "false", "2026-01-01T00:00:00Z", "2026-01-01T00:00:00Z", 1])
            r = rnd.random()
            if r < 0.6:
                cw.writerow([cid, "EMAIL", "GRANTED", "2026-01-01T00:00:00Z", "bench"])
            elif r < 0.7:
                cw.writerow([cid, "EMAIL", "DENIED", "2026-01-01T00:00:00Z", "bench"])
    types = ["FRIEND_OF"] * 6 + ["NEIGHBOR_OF"] * 2 + ["FAMILY_OF", "COLLEAGUE_OF"]
    seen = set()
    with open(os.path.join(a.out, "ties.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["id", "from_id", "to_id", "type", "symmetric", "declared_strength", "strength", "source",
                    "created_at", "updated_at", "version"])
        made = 0
        total = cum_all[-1]
        while made < a.ties:
            x = bisect.bisect_left(cum_all, rnd.random() * total)
            if rnd.random() < a.mixing:
                y = bisect.bisect_left(cum_all, rnd.random() * total)
            else:
                c = community[x]
                y = members[c][bisect.bisect_left(cum_in[c], rnd.random() * cum_in[c][-1])]
            if x == y or x >= n or y >= n:
                continue
            key = (x, y) if x < y else (y, x)
            if key in seen:
                continue
            seen.add(key)
            s = round(0.3 + 0.7 * rnd.random(), 3)
            tid = str(uuid.UUID(int=rnd.getrandbits(128), version=4))
            w.writerow([tid, ids[x], ids[y], types[rnd.randrange(len(types))], "true", s, s, "IMPORT",
                        "2026-01-01T00:00:00Z", "2026-01-01T00:00:00Z", 1])
            made += 1


if __name__ == "__main__":
    main()
