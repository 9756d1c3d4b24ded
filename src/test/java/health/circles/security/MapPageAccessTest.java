package health.circles.security;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertTrue;

import health.circles.Anonymous;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The map page loads without a token (it holds no data) under a CSP of its own; the API behind it stays closed. */
@QuarkusTest
@Anonymous
class MapPageAccessTest {

    @Test
    void pageAndItsAssetsLoadWithoutAToken() {
        given().redirects().follow(false).when().get("/map").then().statusCode(302)
                .header("Location", containsString("/map/"));
        given().when().get("/map/").then().statusCode(200).contentType(containsString("text/html"))
                .body(containsString("map.js"))
                .header("Content-Security-Policy", containsString("script-src 'self';"))
                .header("Content-Security-Policy", not(containsString("unsafe-inline")))
                .header("Content-Security-Policy", containsString("connect-src 'self'"))
                .header("X-Frame-Options", equalTo("DENY"));
        given().when().get("/map/map.js").then().statusCode(200);
        given().when().get("/map/map.css").then().statusCode(200);
    }

    @Test
    void theDrawingLibraryNamedByThePageIsServedFromTheService() throws Exception {
        String html = Files.readString(Path.of("src/main/resources/META-INF/resources/map/index.html"),
                StandardCharsets.UTF_8);
        Matcher script = Pattern.compile("src=\"(/webjars/cytoscape/[^\"]+)\"").matcher(html);
        assertTrue(script.find(), "index.html loads Cytoscape.js from the webjar");
        given().when().get(script.group(1)).then().statusCode(200).body(containsString("cytoscape"));
        // Every script of the page (Cytoscape.js, the fCoSE layout and its two libraries) is served from a webjar.
        Matcher every = Pattern.compile("src=\"(/webjars/[^\"]+)\"").matcher(html);
        int scripts = 0;
        while (every.find()) {
            given().when().get(every.group(1)).then().statusCode(200);
            scripts++;
        }
        assertTrue(scripts >= 4, "Cytoscape.js, layout-base, cose-base and cytoscape-fcose: " + scripts);
        assertTrue(!html.contains("http://") && !html.contains("https://"), "no remote scripts, styles or fonts");
        assertTrue(!html.contains("<script>") && !html.contains("style=\""), "no inline script or style");
    }

    @Test
    void theApiBehindThePageStillWantsAToken() {
        given().when().get("/api/v1/maps/overview").then().statusCode(401).contentType("application/problem+json");
        given().when().get("/api/v1/contacts?q=a").then().statusCode(401);
        // The page's permission opens nothing else of the HTTP port, not even paths it does not serve (metrics live on
        // the management port).
        given().when().get("/q/metrics").then().statusCode(401);
        given().when().get("/webjars/../api/v1/contacts").then().statusCode(not(equalTo(200)));
    }
}
