#!/usr/bin/env python3
"""The map benchmark's network, as two NDJSON import files (contacts.ndjson, then ties.ndjson).

- A neighbourhood: a hub and BLOB - 1 contacts tied at random (about 10 ties each, the hub to 200 of them), one
  connected piece of BLOB contacts. Drawn around the hub at depth 3 it is the circles view (every one of its contacts
  within three ties, not more than the map bound of 2,000, so the page draws contacts rather than communities); it is
  also one community (modularity leaves it whole: the rest of the network outweighs it), the community view.
- GROUPS households of GROUP_SIZE contacts, each a clique, with one weak tie to another household: that many
  communities at the finest level, the overview (the largest 2,000 of them are drawn, with their links). No tie joins
  the households to the neighbourhood, whose depth-3 map stays within the bound.

Reproducible (seed). Every contact gets a postal code, a city and a language, so communities are named as usual.
"""
import argparse
import json
import os
import random

KINDS = ["PATIENT", "PATIENT", "CAREGIVER", "FAMILY", "COMMUNITY_LEADER", "NURSE"]
LANGUAGES = ["en", "es", "vi", "zh", "tl", "ko", "ar", "fr"]
GIVEN = ["Ana", "Ben", "Chloe", "Dara", "Eli", "Fatima", "Gus", "Hana", "Ivo", "June", "Kofi", "Lena", "Milo",
         "Nia", "Omar", "Pia", "Quinn", "Rosa", "Sami", "Tomas", "Uma", "Vera", "Wen", "Xavi", "Yara", "Zoe"]
FAMILY = ["Abara", "Bianchi", "Chen", "Diallo", "Esposito", "Fischer", "Garcia", "Haddad", "Ito", "Jansen", "Kim",
          "Lopez", "Moreau", "Nguyen", "Okafor", "Petrov", "Quispe", "Rossi", "Silva", "Tanaka", "Usman", "Varga",
          "Weber", "Xu", "Yilmaz", "Zapata"]


def contact(out, rnd, external, postal, city, language, kind=None):
    out.write(json.dumps({
        "record": "contact", "externalId": external, "kind": kind or rnd.choice(KINDS),
        "givenName": rnd.choice(GIVEN), "familyName": rnd.choice(FAMILY) + " " + external.split("-", 1)[1],
        "postalCode": postal, "city": city, "languages": [language]}) + "\n")


def tie(out, external, a, b, kind, strength):
    out.write(json.dumps({"record": "tie", "externalId": external, "from": a, "to": b, "type": kind,
                          "declaredStrength": strength}) + "\n")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("out")
    p.add_argument("--blob", type=int, default=2000, help="contacts of the hub's neighbourhood, the hub included")
    p.add_argument("--groups", type=int, default=2100)
    p.add_argument("--group-size", type=int, default=6)
    p.add_argument("--seed", type=int, default=11)
    a = p.parse_args()
    rnd = random.Random(a.seed)
    os.makedirs(a.out, exist_ok=True)
    with open(os.path.join(a.out, "contacts.ndjson"), "w") as c, open(os.path.join(a.out, "ties.ndjson"), "w") as t:
        contact(c, rnd, "mb-hub", "94100", "Harbourview", "es", "COMMUNITY_LEADER")
        blob = ["mb-b%d" % i for i in range(a.blob - 1)]
        for i, e in enumerate(blob):
            contact(c, rnd, e, "941%02d" % (i % 40), "Harbourview", rnd.choice(LANGUAGES[:3]))
        pairs = set()
        # A ring keeps the neighbourhood in one piece; random chords make it small-world (about ten ties each).
        for i in range(len(blob)):
            pairs.add((i, (i + 1) % len(blob)))
        while len(pairs) < 5 * len(blob):
            x, y = rnd.randrange(len(blob)), rnd.randrange(len(blob))
            if x != y and (x, y) not in pairs and (y, x) not in pairs:
                pairs.add((x, y))
        for n, (x, y) in enumerate(sorted(pairs)):
            tie(t, "mb-bt%d" % n, blob[x], blob[y], rnd.choice(["FRIEND_OF", "NEIGHBOR_OF"]),
                round(rnd.uniform(0.2, 0.9), 2))
        for n, x in enumerate(rnd.sample(range(len(blob)), min(200, len(blob)))):
            tie(t, "mb-ht%d" % n, "mb-hub", blob[x], "FRIEND_OF", round(rnd.uniform(0.3, 0.9), 2))
        for g in range(a.groups):
            members = ["mb-g%d-%d" % (g, m) for m in range(a.group_size)]
            postal, language = "%05d" % (10000 + g), LANGUAGES[g % len(LANGUAGES)]
            for e in members:
                contact(c, rnd, e, postal, "Town %d" % (g % 300), language)
            k = 0
            for x in range(len(members)):
                for y in range(x + 1, len(members)):
                    tie(t, "mb-g%d-t%d" % (g, k), members[x], members[y], "FAMILY_OF", round(rnd.uniform(0.5, 1), 2))
                    k += 1
        # One weak tie from each household to another: the overview has links to draw (and to filter), while
        # every household stays a community of its own at the finest level.
        linked = set()
        for g in range(a.groups):
            h = rnd.randrange(a.groups)
            if h != g and (g, h) not in linked and (h, g) not in linked:
                linked.add((g, h))
                tie(t, "mb-l%d" % g, "mb-g%d-%d" % (g, rnd.randrange(a.group_size)),
                    "mb-g%d-%d" % (h, rnd.randrange(a.group_size)), "NEIGHBOR_OF", 0.1)
    print(json.dumps({"contacts": a.blob + a.groups * a.group_size,
                      "ties": len(pairs) + min(200, a.blob - 1) + len(linked)
                      + a.groups * a.group_size * (a.group_size - 1) // 2}))


if __name__ == "__main__":
    main()
