package health.circles.contact;

/** Example bodies of the contact operations in the API description; made-up people (555-01xx numbers). */
final class ContactExamples {

    static final String NEW_PATIENT = """
            {
              "kind": "PATIENT",
              "givenName": "Ana",
              "familyName": "Example",
              "email": "ana.example@example.org",
              "phone": "+1 555 010 2030",
              "postalCode": "02139",
              "city": "Springfield",
              "languages": ["es", "en"],
              "tags": ["diabetes-program"],
              "consent": {"EMAIL": {"status": "GRANTED", "at": "2026-11-02T09:30:00Z", "source": "intake-form"}},
              "externalId": "EHR-000123"
            }""";

    static final String PATIENT = """
            {
              "id": "3f0c2a4e-8b1d-4c6e-9a57-1d2e3f4a5b6c",
              "kind": "PATIENT",
              "givenName": "Ana",
              "familyName": "Example",
              "displayName": "Ana Example",
              "email": "ana.example@example.org",
              "phone": "+1 555 010 2030",
              "postalCode": "02139",
              "city": "Springfield",
              "languages": ["es", "en"],
              "specialties": [],
              "tags": ["diabetes-program"],
              "consent": {
                "EMAIL": {"status": "GRANTED", "at": "2026-11-02T09:30:00Z", "source": "intake-form"},
                "SMS": {"status": "UNKNOWN"},
                "PHONE": {"status": "UNKNOWN"},
                "MAIL": {"status": "UNKNOWN"},
                "IN_PERSON": {"status": "UNKNOWN"}
              },
              "doNotContact": false,
              "externalId": "EHR-000123",
              "createdAt": "2026-11-02T09:31:12Z",
              "updatedAt": "2026-11-02T09:31:12Z",
              "version": 1
            }""";

    static final String PATCH = """
            {"phone": "+1 555 010 4455", "email": null}""";

    private ContactExamples() {
    }
}
