#!/usr/bin/python3
"""Planted-community graph for the analytics benchmark (standard library only).

Writes into OUT: contacts.csv and ties.csv (PostgreSQL COPY format, with header), edges.csv (source,target,weight:
the peer's input) and truth.csv (id,community). Each contact has about DEGREE ties, a share MIXING of them to other
communities (LFR-style mixing parameter); strengths are uniform in [0.3, 1.0]. Same seed, same graph. Contacts are
dealt to communities in turn (contact i to community i mod communities); with --ordered, each community's contacts come
one after another in the files, hence in the stores' order of creation, as when a network is imported clinic by clinic.

    generate.py OUT [--contacts 100000] [--ties 1000000] [--communities 500] [--mixing 0.3] [--seed 42] [--ordered]
"""
import argparse, csv, os, random, uuid


def main():
    p = argparse.ArgumentParser()
    p.add_argument("out")
    p.add_argument("--contacts", type=int, default=100_000)
    p.add_argument("--ties", type=int, default=1_000_000)
    p.add_argument("--communities", type=int, default=500)
    p.add_argument("--mixing", type=float, default=0.3)
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--ordered", action="store_true")
    a = p.parse_args()
    os.makedirs(a.out, exist_ok=True)
    rnd = random.Random(a.seed)
    ids = [str(uuid.UUID(int=rnd.getrandbits(128), version=4)) for _ in range(a.contacts)]
    if a.ordered:
        community = [i * a.communities // a.contacts for i in range(a.contacts)]
    else:
        community = [i % a.communities for i in range(a.contacts)]
    members = [[] for _ in range(a.communities)]
    for i, c in enumerate(community):
        members[c].append(i)
    kinds = ["PATIENT"] * 6 + ["CAREGIVER", "FAMILY", "NURSE", "PHYSICIAN"]
    langs = ["en", "es", "vi", "zh", "ar", "fr", "pt"]
    with open(os.path.join(a.out, "contacts.csv"), "w", newline="") as f, \
            open(os.path.join(a.out, "truth.csv"), "w", newline="") as t:
        w = csv.writer(f)
        tw = csv.writer(t)
        w.writerow(["id", "kind", "given_name", "family_name", "display_name", "sort_name", "postal_code", "languages",
                    "created_at", "updated_at", "version"])
        tw.writerow(["id", "community"])
        for i, cid in enumerate(ids):
            c = community[i]
            name = "Contact %d" % i
            w.writerow([cid, kinds[rnd.randrange(len(kinds))], "Contact", str(i), name, name.lower(),
                        "%05d" % (10000 + c), "{%s}" % langs[c % len(langs)], "2026-01-01T00:00:00Z",
                        "2026-01-01T00:00:00Z", 1])
            tw.writerow([cid, c])
    seen = set()
    internal = int(a.ties * (1 - a.mixing))
    with open(os.path.join(a.out, "ties.csv"), "w", newline="") as f, \
            open(os.path.join(a.out, "edges.csv"), "w", newline="") as e:
        w = csv.writer(f)
        ew = csv.writer(e)
        w.writerow(["id", "from_id", "to_id", "type", "symmetric", "declared_strength", "strength", "source",
                    "created_at", "updated_at", "version"])
        ew.writerow(["source", "target", "weight"])
        made = 0
        while made < a.ties:
            if made < internal:
                group = members[rnd.randrange(a.communities)]
                x, y = group[rnd.randrange(len(group))], group[rnd.randrange(len(group))]
            else:
                x, y = rnd.randrange(a.contacts), rnd.randrange(a.contacts)
                if community[x] == community[y]:
                    continue
            if x == y:
                continue
            key = (x, y) if x < y else (y, x)
            if key in seen:
                continue
            seen.add(key)
            s = round(0.3 + 0.7 * rnd.random(), 3)
            tid = str(uuid.UUID(int=rnd.getrandbits(128), version=4))
            w.writerow([tid, ids[x], ids[y], "FRIEND_OF", "true", s, s, "IMPORT", "2026-01-01T00:00:00Z",
                        "2026-01-01T00:00:00Z", 1])
            ew.writerow([ids[x], ids[y], s])
            made += 1


if __name__ == "__main__":
    main()
