package health.circles.outreach;

/** Example bodies of the outreach operations in the API description; made-up ids. */
final class OutreachExamples {

    static final String NEW_SEGMENT = """
            {
              "name": "Spanish-speaking caregivers, north",
              "description": "For the flu-shot reminder",
              "filter": {"kinds": ["CAREGIVER", "FAMILY"], "languages": ["es"], "postalCodes": ["02139", "02141"]},
              "includeUnknown": false
            }""";

    static final String NEW_CAMPAIGN = """
            {
              "name": "Flu shots 2026",
              "segmentId": "c1d2e3f4-a5b6-4c7d-8e9f-0a1b2c3d4e5f",
              "channel": "SMS",
              "seeds": [{"contactId": "8a61d0f2-5c3b-4e7a-b1d9-0e2f4a6c8b13", "expectedReach": 12}],
              "predictedCoverage": 0.6,
              "hops": 2
            }""";

    static final String SEED_REQUEST = """
            {
              "community": 7,
              "k": 5,
              "channel": "SMS",
              "prefer": ["COMMUNITY_LEADER", "NURSE"],
              "randomSeed": 42
            }""";

    private OutreachExamples() {
    }

    static final String NEW_EXPERIMENT = """
            {
              "name": "Multivitamins: friends against random",
              "channel": "IN_PERSON",
              "arms": ["nominated-friend", "degree", "random"],
              "k": 3,
              "level": 0,
              "randomSeed": 20261130
            }""";
}
