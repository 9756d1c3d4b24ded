package health.circles.web;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import health.circles.AsRole;
import health.circles.TestTokens;
import health.circles.sync.GraphRelay;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jboss.logging.Logger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The map page in a real browser: Debian's chromium, headless, driven through its own chromedriver (nothing is
 * downloaded). Signs in as outreach staff would, by pasting a token; searches a contact by typing; counts what
 * Cytoscape.js drew through its API; opens the side panel by clicking a node; switches views; saves screenshots under
 * target/screenshots/. Without chromium the class is skipped, except under CI=true, where it must run.
 */
@QuarkusTest
@AsRole("admin")
@TestProfile(MapPageProfile.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MapPageBrowserTest {

    private static final Logger LOG = Logger.getLogger(MapPageBrowserTest.class);
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final Path SCREENSHOTS = Path.of("target", "screenshots");

    @TestHTTPResource("/map/")
    URL page;

    @Inject
    AgroalDataSource dataSource;

    @Inject
    GraphRelay relay;

    private WebDriver driver;
    private String marisol;

    @BeforeAll
    void browserAndNetwork() throws IOException {
        boolean present = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
        if (!present && "true".equals(System.getenv("CI"))) {
            throw new IllegalStateException("CI=true but " + CHROMIUM + " or " + CHROMEDRIVER + " is missing: "
                    + ".ci/run installs them (apt-get install chromium chromium-driver)");
        }
        Assumptions.assumeTrue(present, "Browser tests skipped: " + CHROMIUM + " and " + CHROMEDRIVER
                + " are needed (apt-get install chromium chromium-driver); under CI=true they are required");
        Files.createDirectories(SCREENSHOTS);
        // Named explicitly, so that Selenium Manager never looks for (or downloads) a browser or a driver.
        System.setProperty("webdriver.chrome.driver", CHROMEDRIVER.toString());
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-background-networking",
                "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1366,900", "--no-first-run",
                "--disable-extensions", "--disable-sync", "--disable-component-update", "--disable-default-apps");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
        driver = new ChromeDriver(service, options);
        driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(60));
    }

    /** Loaded by the first test rather than in a @BeforeAll, which runs before the test port is known. */
    @BeforeEach
    void network() {
        if (marisol == null) {
            marisol = MapNetwork.ensure(dataSource, relay);
        }
    }

    @AfterAll
    void closeBrowser() {
        if (driver != null) {
            driver.quit();
        }
    }

    @Test
    @Order(1)
    void missingExpiredAndRefusedTokensEachGetAClearMessage() {
        driver.get(page.toString());
        waitFor(ExpectedConditions.visibilityOfElementLocated(By.id("signin-view")));
        assertFalse(driver.findElement(By.id("app")).isDisplayed(), "no map before signing in");

        driver.findElement(By.id("signin-button")).click();
        assertTrue(message().contains("No token"), message());

        signIn(TestTokens.expired("outreach"));
        assertTrue(message().contains("expired"), message());

        signIn(TestTokens.wrongSignature("outreach"));
        waitFor(d -> message().contains("did not accept"));
        screenshot("signin-refused");
    }

    @Test
    @Order(2)
    void outreachSearchesAContactByTypingAndSeesItsRings() {
        signIn(TestTokens.token("outreach"));
        waitFor(ExpectedConditions.visibilityOfElementLocated(By.id("app")));
        assertTrue(driver.findElement(By.id("who")).getText().contains("outreach"));

        WebElement search = driver.findElement(By.id("search-input"));
        search.sendKeys("Marisol Quin");
        WebElement option = waitFor(ExpectedConditions.visibilityOfElementLocated(
                By.cssSelector("#search-results li[role=option]")));
        assertTrue(option.getText().contains("Marisol Quintero"), option.getText());
        search.sendKeys(Keys.ARROW_DOWN, Keys.ENTER);
        awaitDrawn();

        JsonPath map = given().queryParam("depth", 2).get("/api/v1/maps/contacts/" + marisol).then().statusCode(200)
                .extract().jsonPath();
        assertEquals(map.getInt("nodeCount"), ((Number) js("return circlesMap.cy.nodes().length")).intValue());
        assertEquals(map.getInt("edgeCount"), ((Number) js("return circlesMap.cy.edges().length")).intValue());
        assertEquals(marisol, js("return circlesMap.cy.nodes('.centre').id()"));
        // Concentric: each ring further out than the one inside it.
        double inner = ringRadius(1);
        double outer = ringRadius(2);
        assertTrue(inner > 0 && outer > inner * 1.2, "ring radii " + inner + " < " + outer);
        LOG.infof("Rings of Marisol Quintero: %s", js("return JSON.stringify(circlesMap.lastRender)"));
        screenshot("rings-outreach");
    }

    @Test
    @Order(3)
    void clickingANodeOpensItsDetailsWithOnlyWhatOutreachMaySee() {
        clickNode(marisol);
        WebElement panel = waitFor(ExpectedConditions.visibilityOfElementLocated(By.id("panel")));
        waitFor(d -> marisol.equals(d.findElement(By.id("panel-body")).getAttribute("data-contact")));
        assertEquals("Marisol Quintero", driver.findElement(By.id("panel-title")).getText());
        String channels = driver.findElement(By.id("panel-channels")).getText();
        assertTrue(channels.contains("sms") && channels.contains(MapNetwork.MARISOL_PHONE), channels);
        assertFalse(channels.contains("email"), channels);
        // Not just hidden: the limited view never reached the browser.
        assertFalse(driver.getPageSource().contains(MapNetwork.MARISOL_EMAIL), "unconsented e-mail in the page");
        assertFalse(panel.getText().contains("90110"), "address without MAIL consent");
        String communities = driver.findElement(By.id("panel-communities")).getText();
        assertTrue(communities.contains("Level 0: community") && communities.contains("primary"), communities);
        assertTrue(panel.getText().contains("Why: 6 active ties"), panel.getText());
        screenshot("panel-outreach");
    }

    @Test
    @Order(4)
    void communityViewColoursByCommunity() {
        driver.findElement(By.cssSelector("input[name=view][value=community]")).click();
        awaitDrawn();
        assertEquals("community", js("return circlesMap.lastRender.view"));
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> nodes = (List<Map<String, Object>>) js(
                "return circlesMap.cy.nodes().map(n => ({g: String(n.data('group')), c: n.style('background-color')}))");
        Set<String> groups = new HashSet<>();
        Set<String> colours = new HashSet<>();
        Map<String, String> colourOf = new java.util.HashMap<>();
        for (Map<String, Object> n : nodes) {
            groups.add((String) n.get("g"));
            colours.add((String) n.get("c"));
            String before = colourOf.putIfAbsent((String) n.get("g"), (String) n.get("c"));
            assertTrue(before == null || before.equals(n.get("c")), "one colour per community");
        }
        assertTrue(groups.size() > 1, "several communities around Marisol: " + groups);
        assertEquals(Math.min(groups.size(), 16), colours.size(), "a colour per community (16 in the palette)");
        assertTrue(driver.findElement(By.id("legend")).getText().contains("community"));
        screenshot("community-outreach");
    }

    @Test
    @Order(5)
    void overviewShowsCommunitiesAsNodes() {
        driver.findElement(By.cssSelector("input[name=view][value=overview]")).click();
        awaitDrawn();
        int drawn = ((Number) js("return circlesMap.cy.nodes('[kind = \"COMMUNITY\"]').length")).intValue();
        int expected = given().get("/api/v1/maps/overview").then().statusCode(200).extract().path("nodeCount");
        assertEquals(expected, drawn);
        assertEquals(drawn, ((Number) js("return circlesMap.cy.nodes().length")).intValue());
        assertTrue(((Number) js("return circlesMap.cy.nodes('.own').length")).intValue() >= 1,
                "Marisol's communities are outlined");
        screenshot("overview-outreach");
    }

    @Test
    @Order(6)
    void segmentFromTheSelectionSavesTheSelectedContacts() {
        driver.findElement(By.cssSelector("input[name=view][value=rings]")).click();
        awaitDrawn();
        js("circlesMap.cy.nodes().slice(0, 3).select()");
        @SuppressWarnings("unchecked")
        List<String> picked = (List<String>) js("return circlesMap.cy.nodes(':selected').map(function (n) { return n.id(); })");
        WebElement button = driver.findElement(By.id("segment-button"));
        waitFor(ExpectedConditions.elementToBeClickable(button));
        assertTrue(button.getText().contains("(3)"), button.getText());
        driver.findElement(By.id("segment-name")).sendKeys("Map pick " + System.nanoTime());
        button.click();
        waitFor(d -> note().contains("started with 3 contacts"));
        String id = note().replaceAll("(?s).*\\(id ([0-9a-f-]{36})\\).*", "$1");
        List<String> saved = given().when().get("/api/v1/segments/" + id).then().statusCode(200)
                .extract().jsonPath().getList("filter.contacts");
        assertEquals(new HashSet<>(picked), new HashSet<>(saved));
    }

    @Test
    @Order(7)
    void worksAtTabletWidth() {
        driver.findElement(By.id("panel-close")).click();
        driver.manage().window().setSize(new Dimension(820, 1180));
        try {
            js("circlesMap.cy.resize(); circlesMap.cy.fit()");
            long overflow = ((Number) js("return document.documentElement.scrollWidth - document.documentElement.clientWidth"))
                    .longValue();
            assertTrue(overflow <= 0, "no sideways scrolling at tablet width: " + overflow + " px");
            assertTrue(driver.findElement(By.id("search-input")).isDisplayed());
            assertTrue(driver.findElement(By.id("cy")).getSize().getHeight() > 300, "the map keeps its room");
            clickNode(marisol);
            waitFor(ExpectedConditions.visibilityOfElementLocated(By.id("panel-channels")));
            screenshot("tablet-panel");
        } finally {
            driver.manage().window().setSize(new Dimension(1366, 900));
        }
    }

    @Test
    @Order(8)
    void twoThousandContactsRenderAndLargerResultsAreSummarised() {
        driver.findElement(By.id("signout")).click();
        signIn(TestTokens.token("analyst"));
        waitFor(ExpectedConditions.visibilityOfElementLocated(By.id("app")));
        String hub = given().queryParam("limit", 1).get("/api/v1/influencers").then().statusCode(200)
                .extract().path("items[0].contactId");
        String hubName = given().get("/api/v1/contacts/" + hub).then().statusCode(200).extract().path("displayName");
        JsonPath map = given().queryParam("depth", 3).get("/api/v1/maps/contacts/" + hub).then().statusCode(200)
                .extract().jsonPath();
        WebElement search = driver.findElement(By.id("search-input"));
        search.clear();
        search.sendKeys(hubName);
        waitFor(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#search-results li[data-id='" + hub + "']")));
        js("document.body.dataset.state = 'loading'");
        driver.findElement(By.cssSelector("#search-results li[data-id='" + hub + "']")).click();
        awaitDrawn();
        js("document.body.dataset.state = 'loading'");
        new org.openqa.selenium.support.ui.Select(driver.findElement(By.id("depth"))).selectByValue("3");
        awaitDrawn();
        @SuppressWarnings("unchecked")
        Map<String, Object> render = (Map<String, Object>) js("return circlesMap.lastRender");
        LOG.infof("Rendered %s contacts and %s ties (depth 3 around %s) in %s ms after %s ms of fetching",
                render.get("nodes"), render.get("edges"), hubName, render.get("renderMs"), render.get("fetchMs"));
        assertEquals(map.getInt("nodeCount"), ((Number) render.get("nodes")).intValue());
        assertTrue(map.getInt("nodeCount") >= 1000, "a large view: " + map.getInt("nodeCount"));
        screenshot("rings-" + map.getInt("nodeCount") + "-contacts");

        // Past the bound the API truncates; the page draws communities instead, and says so.
        int room = 2000 - map.getInt("nodeCount");
        if (!map.getBoolean("truncated")) {
            String hubExternal = "map-c" + externalIndex(hub);
            StringBuilder more = new StringBuilder();
            for (int i = 0; i <= room; i++) {
                more.append("{\"record\":\"contact\",\"externalId\":\"map-extra-").append(i)
                        .append("\",\"kind\":\"PATIENT\",\"givenName\":\"Extra\",\"familyName\":\"Follower ").append(i)
                        .append("\"}\n{\"record\":\"tie\",\"externalId\":\"map-extra-t").append(i)
                        .append("\",\"from\":\"map-extra-").append(i).append("\",\"to\":\"").append(hubExternal)
                        .append("\",\"type\":\"FOLLOWS_ONLINE\"}\n");
            }
            JsonPath job = MapNetwork.awaitImport(given().contentType("application/x-ndjson").body(more.toString().getBytes(StandardCharsets.UTF_8))
                    .post("/api/v1/imports").then().statusCode(202).extract().header("Location"));
            assertEquals("SUCCEEDED", job.getString("state"), job.prettify());
            waitFor(d -> given().queryParam("depth", 3).get("/api/v1/maps/contacts/" + hub).then().extract()
                    .jsonPath().getBoolean("truncated"));
        }
        js("document.body.dataset.state = 'loading'; circlesMap.load()");
        awaitDrawn();
        assertEquals("overview", js("return circlesMap.lastRender.view"));
        assertTrue(note().contains("showing the communities instead"), note());
        screenshot("summarised-overview");
    }

    // ---- helpers -------------------------------------------------------------------------------------------------

    private String externalIndex(String contactId) {
        String external = given().get("/api/v1/contacts/" + contactId).then().statusCode(200)
                .extract().path("externalId");
        return external.substring("map-c".length());
    }

    private void signIn(String token) {
        WebElement input = driver.findElement(By.id("token-input"));
        input.clear();
        // A JWT is long; setting it at once keeps the test fast, and an input event makes it look typed.
        ((JavascriptExecutor) driver).executeScript(
                "arguments[0].value = arguments[1]; arguments[0].dispatchEvent(new Event('input'))", input, token);
        driver.findElement(By.id("signin-button")).click();
    }

    private String message() {
        return driver.findElement(By.id("signin-message")).getText();
    }

    private String note() {
        return driver.findElement(By.id("note")).getText();
    }

    private Object js(String script) {
        return ((JavascriptExecutor) driver).executeScript(script);
    }

    private void awaitDrawn() {
        waitFor(d -> "ready".equals(d.findElement(By.tagName("body")).getAttribute("data-state")));
    }

    private double ringRadius(int ring) {
        return ((Number) js("""
                const c = circlesMap.cy.nodes('.centre').position();
                const ns = circlesMap.cy.nodes().filter(n => n.data('ring') === %d);
                let sum = 0; ns.forEach(n => { const p = n.position(); sum += Math.hypot(p.x - c.x, p.y - c.y); });
                return ns.length ? sum / ns.length : 0;""".formatted(ring))).doubleValue();
    }

    /**
     * A real click where Cytoscape.js drew the node. WebDriver counts offsets from the in-view centre of the element
     * (the centre of its visible part), so the node is scrolled into view first and the offset taken from there.
     */
    private void clickNode(String id) {
        @SuppressWarnings("unchecked")
        Map<String, Object> at = (Map<String, Object>) js("""
                const n = circlesMap.cy.getElementById('%s'); const p = n.renderedPosition();
                const box = document.getElementById('cy').getBoundingClientRect();
                window.scrollBy(0, box.top + p.y - window.innerHeight / 2);
                const r = document.getElementById('cy').getBoundingClientRect();
                const left = Math.max(r.left, 0), right = Math.min(r.right, window.innerWidth);
                const top = Math.max(r.top, 0), bottom = Math.min(r.bottom, window.innerHeight);
                return {dx: r.left + p.x - (left + right) / 2, dy: r.top + p.y - (top + bottom) / 2};""".formatted(id));
        WebElement canvas = driver.findElement(By.id("cy"));
        int dx = (int) Math.floor(((Number) at.get("dx")).doubleValue());
        int dy = (int) Math.floor(((Number) at.get("dy")).doubleValue());
        new Actions(driver).moveToElement(canvas, dx, dy).click().perform();
    }

    private <T> T waitFor(java.util.function.Function<? super WebDriver, T> condition) {
        return new WebDriverWait(driver, Duration.ofSeconds(45)).until(condition);
    }

    private void screenshot(String name) {
        try {
            Path to = SCREENSHOTS.resolve(name + ".png");
            Files.write(to, ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
            LOG.infof("Screenshot %s", to.toAbsolutePath());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
