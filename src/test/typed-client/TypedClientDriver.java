import health.circles.client.ApiClient;

public final class TypedClientDriver {
    public static void run(String baseUri, String token) {
        ApiClient client = new ApiClient();
        client.updateBaseUri(baseUri);
    }
}
