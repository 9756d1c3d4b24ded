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

    private NetworkExamples() {
    }
}
