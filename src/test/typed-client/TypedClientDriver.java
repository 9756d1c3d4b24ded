import health.circles.client.ApiClient;
import health.circles.client.ApiException;
import health.circles.client.ApiResponse;
import health.circles.client.api.ContactsApi;
import health.circles.client.api.GraphApi;
import health.circles.client.api.TiesApi;
import health.circles.client.model.CircleMember;
import health.circles.client.model.Circles;
import health.circles.client.model.Contact;
import health.circles.client.model.ContactInput;
import health.circles.client.model.ContactKind;
import health.circles.client.model.ContactPage;
import health.circles.client.model.ContactPatch;
import health.circles.client.model.Problem;
import health.circles.client.model.Ring;
import health.circles.client.model.Tie;
import health.circles.client.model.TieInput;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.function.Consumer;

/**
 * A front-end's use of Circles through the client openapi-generator makes from /q/openapi (java, library native):
 * only typed calls, typed models and the client's exception. Compiled and run by TypedClientTest; not part of the
 * Maven build, so that a drift of operationIds or schemas shows as this file no longer compiling.
 */
public final class TypedClientDriver {

    private TypedClientDriver() {
    }

    /**
     * @param await waits until the condition holds, within the test's patience: a graph question answers with
     *              graphCurrent false while the relay is still behind the write
     */
    public static void run(String baseUri, String token, Consumer<Callable<Boolean>> await) throws Exception {
        ApiClient client = new ApiClient();
        client.updateBaseUri(baseUri);
        client.setRequestInterceptor(request -> request.header("Authorization", "Bearer " + token));
        ContactsApi contacts = new ContactsApi(client);

        // Create three contacts, each with its own Idempotency-Key.
        String family = letters(10);
        List<UUID> created = new ArrayList<>();
        for (String given : List.of("Ana", "Bea", "Cyd")) {
            Contact contact = contacts.createContact(new ContactInput().kind(ContactKind.PATIENT).givenName(given)
                    .familyName(family).email(given.toLowerCase() + "." + family + "@example.org"),
                    UUID.randomUUID().toString());
            check(contact.getId() != null && family.equals(contact.getFamilyName()), "created " + contact);
            created.add(contact.getId());
        }

        // Page through a search two at a time, following next.
        Set<UUID> seen = new HashSet<>();
        String cursor = null;
        int pages = 0;
        do {
            ContactPage page = contacts.searchContacts(null, cursor, null, List.of(ContactKind.PATIENT), null, 2,
                    null, family, "name", null, null);
            check(page.getItems().size() <= 2, "a page of at most 2: " + page.getItems().size());
            page.getItems().forEach(c -> seen.add(c.getId()));
            cursor = page.getNext();
            pages++;
        } while (cursor != null && pages < 20);
        check(seen.containsAll(created), "every contact found over the pages: " + seen);
        check(pages >= 2, "more than one page: " + pages);

        // Read with its ETag, then a merge patch with If-Match: a new phone, the email removed.
        UUID ana = created.get(0);
        ApiResponse<Contact> read = contacts.getContactWithHttpInfo(ana);
        String etag = header(read.getHeaders(), "ETag");
        check(etag != null, "ETag on a read: " + read.getHeaders());
        Contact patched = contacts.patchContact(ana, new ContactPatch().phone("+1 555 010 4455").email(null), etag);
        check("+1 555 010 4455".equals(patched.getPhone()) && patched.getEmail() == null, "patched: " + patched);
        check(patched.getVersion() == read.getData().getVersion() + 1, "a new version: " + patched.getVersion());

        // The old ETag is now stale: 412, and a missing contact is a 404, each an exception carrying a Problem.
        Problem stale = problem(client, () -> contacts.patchContact(ana, new ContactPatch().city("Springfield"), etag),
                412);
        check(stale.getType().toString().endsWith("/stale-version"), "stale-version: " + stale);
        Problem missing = problem(client, () -> contacts.getContact(UUID.randomUUID()), 404);
        check(missing.getType().toString().endsWith("/not-found") && missing.getStatus() == 404,
                "not-found: " + missing);

        // A tie, then a graph question that waits for it by its Graph-Position.
        UUID bea = created.get(1);
        ApiResponse<Tie> tie = new TiesApi(client).createTieWithHttpInfo(new TieInput().from(ana).to(bea)
                .type("FRIEND_OF").declaredStrength(0.8), null);
        check(tie.getStatusCode() == 201 && tie.getData().getId() != null, "tie created: " + tie.getData());
        Long position = Long.valueOf(header(tie.getHeaders(), "Graph-Position"));
        GraphApi graph = new GraphApi(client);
        await.accept(() -> {
            Circles circles = graph.getCircles(ana, position, 1, null, null, null, null);
            return Boolean.TRUE.equals(circles.getGraphCurrent()) && ring1(circles).contains(bea);
        });
    }

    private static List<UUID> ring1(Circles circles) {
        List<UUID> members = new ArrayList<>();
        for (Ring ring : circles.getRings()) {
            if (ring.getRing() == 1) {
                ring.getMembers().stream().map(CircleMember::getId).forEach(members::add);
            }
        }
        return members;
    }

    /** The call fails with this status, and the exception's body is a Problem. */
    private static Problem problem(ApiClient client, Call call, int status) throws Exception {
        try {
            call.run();
        } catch (ApiException e) {
            check(e.getCode() == status, "status " + status + ", got " + e.getCode() + ": " + e.getResponseBody());
            return client.getObjectMapper().readValue(e.getResponseBody(), Problem.class);
        }
        throw new AssertionError("expected a " + status);
    }

    private interface Call {
        void run() throws ApiException;
    }

    private static String header(Map<String, List<String>> headers, String name) {
        return headers.entrySet().stream().filter(h -> h.getKey().equalsIgnoreCase(name))
                .map(h -> h.getValue().get(0)).findFirst().orElse(null);
    }

    private static String letters(int n) {
        Random random = new Random();
        StringBuilder s = new StringBuilder("Zq");
        for (int i = 0; i < n; i++) {
            s.append((char) ('a' + random.nextInt(26)));
        }
        return s.toString();
    }

    private static void check(boolean condition, String what) {
        if (!condition) {
            throw new AssertionError(what);
        }
    }
}
