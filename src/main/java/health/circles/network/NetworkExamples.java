package health.circles.network;

/** Example bodies of the network operations in the API description; made-up ids and people. */
final class NetworkExamples {

    static final String NEW_TIE = """
            {
              "from": "3f0c2a4e-8b1d-4c6e-9a57-1d2e3f4a5b6c",
              "to": "8a61d0f2-5c3b-4e7a-b1d9-0e2f4a6c8b13",
              "type": "CARES_FOR",
              "since": "2025-06-01",
              "declaredStrength": 0.8,
              "notes": "Daughter, visits twice a week",
              "externalId": "CRM-T-4411"
            }""";

    static final String NEW_TOUCHPOINT = """
            {
              "participants": ["3f0c2a4e-8b1d-4c6e-9a57-1d2e3f4a5b6c", "8a61d0f2-5c3b-4e7a-b1d9-0e2f4a6c8b13"],
              "channel": "HOME_VISIT",
              "occurredAt": "2026-11-20T15:00:00Z",
              "topic": "Medication review",
              "outcome": "Agreed on a weekly pill organiser"
            }""";

    static final String CIRCLES = """
            {
              "centre": {"id": "3f0c2a4e-8b1d-4c6e-9a57-1d2e3f4a5b6c", "kind": "PATIENT", "displayName": "Ana Example"},
              "depth": 2,
              "rings": [
                {"ring": 1, "members": [{"id": "8a61d0f2-5c3b-4e7a-b1d9-0e2f4a6c8b13", "kind": "FAMILY",
                  "displayName": "Bea Example", "strength": 0.27, "via": "3f0c2a4e-8b1d-4c6e-9a57-1d2e3f4a5b6c",
                  "tieTypes": ["CARES_FOR"]}]},
                {"ring": 2, "members": []}
              ],
              "total": 1,
              "truncated": false,
              "graphCurrent": true
            }""";

    static final String PATHS = """
            {
              "from": {"id": "3f0c2a4e-8b1d-4c6e-9a57-1d2e3f4a5b6c", "kind": "PATIENT", "displayName": "Ana Example"},
              "to": {"id": "5b7e9c1d-2f4a-4d6b-8e0c-3a5b7d9f1e24", "kind": "PHYSICIAN", "displayName": "Dr. Cy Sample"},
              "maxHops": 4,
              "paths": [
                {"strength": 0.21, "length": 2, "hops": [
                  {"from": {"id": "3f0c2a4e-8b1d-4c6e-9a57-1d2e3f4a5b6c", "kind": "PATIENT", "displayName": "Ana Example"},
                   "to": {"id": "8a61d0f2-5c3b-4e7a-b1d9-0e2f4a6c8b13", "kind": "FAMILY", "displayName": "Bea Example"},
                   "tie": {"id": "0d9e8f7a-6b5c-4d3e-9f2a-1b0c9d8e7f6a", "type": "FAMILY_OF", "strength": 2.1,
                           "direction": "SYMMETRIC"}},
                  {"from": {"id": "8a61d0f2-5c3b-4e7a-b1d9-0e2f4a6c8b13", "kind": "FAMILY", "displayName": "Bea Example"},
                   "to": {"id": "5b7e9c1d-2f4a-4d6b-8e0c-3a5b7d9f1e24", "kind": "PHYSICIAN", "displayName": "Dr. Cy Sample"},
                   "tie": {"id": "9c8b7a6f-5e4d-4c3b-8a2f-1e0d9c8b7a6f", "type": "COLLEAGUE_OF", "strength": 0.9,
                           "direction": "SYMMETRIC"}}]}
              ],
              "graphCurrent": true
            }""";

    private NetworkExamples() {
    }
}
