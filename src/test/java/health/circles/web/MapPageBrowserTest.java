package health.circles.web;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import health.circles.AsRole;
import health.circles.TestTokens;
import health.circles.security.AuditRows;
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
@TestProfile(ProductionEdgeProfile.class)
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
        assertEquals(map.getInt("nodeCount"), ((Number) js("return circlesMap.cy.nodes('.contact').length")).intValue());
        assertEquals(map.getInt("edgeCount"), ((Number) js("return circlesMap.cy.edges().length")).intValue());
        assertEquals(marisol, js("return circlesMap.cy.nodes('.centre').id()"));
        // Concentric: each ring further out than the one inside it, every contact on its ring's guide.
        double inner = ringRadius(1);
        double outer = ringRadius(2);
        assertTrue(inner > 0 && outer > inner * 1.2, "ring radii " + inner + " < " + outer);
        for (int ring = 1; ring <= 2; ring++) {
            double guide = ((Number) js("return circlesMap.cy.getElementById('guide-" + ring + "').width() / 2"))
                    .doubleValue();
            assertEquals(guide, ringRadius(ring), 1.0, "contacts of circle " + ring + " lie on its guide");
        }
        assertEquals("Circle 1 · 6 contacts", js("return circlesMap.cy.getElementById('guide-label-1').data('name')"));
        assertEquals(Boolean.FALSE, js("return circlesMap.cy.getElementById('guide-label-1').hasClass('quiet')"));
        assertLabelsDoNotOverlap("circles");
        assertEquals(Boolean.TRUE, js("return circlesMap.cy.nodes('.centre').hasClass('labelled')"),
                "the centre is always named");
        LOG.infof("Rings of Marisol Quintero: %s", js("return JSON.stringify(circlesMap.lastRender)"));
        screenshot("rings-outreach");
        screenshot("view-circles");
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
        String own = given().get("/api/v1/contacts/" + marisol + "/communities").then().statusCode(200).extract()
                .path("memberships.find { it.level == 0 && it.primary }.name");
        assertTrue(communities.contains("Level 0: " + own + " (") && communities.contains("primary"), communities);
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
                "return circlesMap.cy.nodes('.contact').map(n => ({g: String(n.data('group')), c: n.style('background-color')}))");
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
        assertLabelsDoNotOverlap("communities of a neighbourhood");
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
        JsonPath api = given().get("/api/v1/maps/overview").then().extract().jsonPath();
        @SuppressWarnings("unchecked")
        List<String> names = (List<String>) js("return circlesMap.cy.nodes('.community').map(n => n.data('name'))");
        for (Map<String, Object> n : api.<Map<String, Object>>getList("elements.nodes.data")) {
            assertTrue(names.contains(n.get("label") + " (" + n.get("size") + ")"), "named " + n + " in " + names);
        }
        // The strongest three links per community; "all links" shows the rest without moving anything.
        int links = api.getInt("edgeCount");
        int shown = ((Number) js("return circlesMap.cy.edges(':visible').length")).intValue();
        assertTrue(shown <= 3 * drawn && shown > 0, shown + " links shown of " + links);
        String before = (String) js("return JSON.stringify(circlesMap.cy.nodes().map(n => n.position()))");
        new org.openqa.selenium.support.ui.Select(driver.findElement(By.id("links-per"))).selectByValue("all");
        assertEquals(links, ((Number) js("return circlesMap.cy.edges(':visible').length")).intValue());
        assertEquals(before, js("return JSON.stringify(circlesMap.cy.nodes().map(n => n.position()))"));
        new org.openqa.selenium.support.ui.Select(driver.findElement(By.id("links-per"))).selectByValue("3");
        waitFor(d -> !d.findElements(By.cssSelector("#bridges-list li[data-id]")).isEmpty());
        assertLabelsDoNotOverlap("overview");
        screenshot("overview-outreach");
        screenshot("view-overview");
    }

    @Test
    @Order(6)
    void clickingACommunityOpensItWithItsNeighboursAtTheEdgeAndStaffMayRenameIt() {
        long largest = given().get("/api/v1/communities").then().statusCode(200).extract().jsonPath()
                .getLong("items[0].id");
        js("document.body.dataset.state = 'loading'");
        clickNode("community-" + largest);
        awaitDrawn();
        assertEquals("community", js("return circlesMap.lastRender.view"));
        JsonPath members = given().get("/api/v1/maps/communities/" + largest).then().statusCode(200).extract().jsonPath();
        assertEquals(members.getInt("nodeCount"), ((Number) js("return circlesMap.cy.nodes('.contact').length")).intValue());
        int neighbours = ((Number) js("return circlesMap.cy.nodes('.neighbour').length")).intValue();
        assertTrue(neighbours >= 1, "neighbouring communities drawn");
        // Against the members' nodes, not their labels: declutter() shows or hides labels after the placement, at the
        // zoom the fit chose, so a box with labels can grow past a neighbour that was placed outside it.
        assertEquals(Boolean.TRUE, js("""
                const bb = circlesMap.cy.nodes('.contact').boundingBox({ includeLabels: false });
                return circlesMap.cy.nodes('.neighbour').every(n => { const p = n.position();
                    return p.x < bb.x1 || p.x > bb.x2 || p.y < bb.y1 || p.y > bb.y2; });"""), "neighbours at the edge");
        assertLabelsDoNotOverlap("community");
        screenshot("view-community");

        // The panel beside it names the community; outreach staff rename it there.
        waitFor(ExpectedConditions.visibilityOfElementLocated(By.id("rename-input")));
        String chosen = "Browser test name " + System.nanoTime() % 1000;
        WebElement input = driver.findElement(By.id("rename-input"));
        input.clear();
        input.sendKeys(chosen, Keys.ENTER);
        waitFor(d -> note().contains("renamed"));
        assertEquals(chosen, given().get("/api/v1/communities/" + largest + "/name").then().extract().path("name"));
        waitFor(d -> chosen.equals(d.findElement(By.id("panel-title")).getText()));
        JsonPath name = given().get("/api/v1/communities/" + largest + "/name").then().extract().jsonPath();
        java.util.HashMap<String, Object> clear = new java.util.HashMap<>();
        clear.put("name", null);
        given().contentType("application/json").header("If-Match", "\"" + name.getLong("version") + "\"").body(clear)
                .put("/api/v1/communities/" + largest + "/name").then().statusCode(200);
    }

    @Test
    @Order(7)
    void exportsThePictureAsSvg() {
        String svg = (String) js("return circlesMap.svg()");
        assertTrue(svg.startsWith("<svg") && svg.contains("<circle") && svg.contains("<text"), svg.substring(0, 200));
        assertEquals(((Number) js("return circlesMap.cy.nodes(':visible').not('.guide-label').length")).intValue(),
                svg.split("<circle", -1).length - 1, "one circle per node drawn");
        assertTrue(driver.findElement(By.id("svg-button")).isEnabled());
    }

    @Test
    @Order(8)
    void markupInANameStaysTextOnThePageAndInTheSvgWhichAlwaysParses() {
        String markup = "<img src=x onerror=alert(1)>";
        long largest = given().get("/api/v1/communities").then().statusCode(200).extract().jsonPath()
                .getLong("items[0].id");
        // What XML cannot carry never gets in: a noncharacter is a 400 naming the field, nothing renamed.
        String refused = given().contentType("application/json").header("If-Match", "\"" + nameVersion(largest) + "\"")
                .body("{\"name\": \"Bayview\\uffff\"}").put("/api/v1/communities/" + largest + "/name")
                .then().statusCode(400).contentType("application/problem+json").extract().asString();
        assertTrue(refused.contains("noncharacter") && refused.contains("\"name\""), refused);
        rename(largest, markup);
        try {
            String node = "community-" + largest;
            js("document.body.dataset.state = 'loading'; circlesMap.setView('overview')");
            awaitDrawn();
            assertEquals(markup + " (", ((String) js("return circlesMap.cy.getElementById('" + node + "').data('name')"))
                    .substring(0, markup.length() + 2));
            js("circlesMap.openPanel('" + node + "')");
            waitFor(d -> markup.equals(d.findElement(By.id("panel-title")).getText()));
            // Shown as text: no element made of it, no script run (an alert would fail every later WebDriver call).
            assertEquals(0L, ((Number) js("return document.querySelectorAll('img').length")).longValue());
            assertTrue(driver.findElement(By.id("legend")).getText().contains(markup));

            js("circlesMap.cy.getElementById('" + node + "').select(); circlesMap.declutter()");
            Map<String, Object> svg = parsedSvg();
            assertEquals(0L, svg.get("errors"), "the SVG parses: " + svg);
            assertEquals(0L, svg.get("images"), "no <img> in the SVG");
            assertEquals(Boolean.TRUE, svg.get("escapedMarkup"), "the markup is in the file, escaped");
            @SuppressWarnings("unchecked")
            List<String> labels = (List<String>) svg.get("labels");
            assertTrue(labels.stream().anyMatch(l -> l.startsWith(markup + " (")), labels.toString());

            // Whatever reaches a label, the page leaves out what XML cannot carry, so the file still opens.
            js("circlesMap.cy.getElementById('" + node + "').data('name', 'Bay\\uFFFEview\\uFFFF\\uD800 (9)');"
                    + " circlesMap.declutter()");
            svg = parsedSvg();
            assertEquals(0L, svg.get("errors"), "the SVG parses: " + svg);
            @SuppressWarnings("unchecked")
            List<String> cleaned = (List<String>) svg.get("labels");
            assertTrue(cleaned.contains("Bayview (9)"), cleaned.toString());
            js("circlesMap.cy.getElementById('" + node + "').unselect()");
        } finally {
            rename(largest, null);
        }
    }

    @Test
    @Order(9)
    void segmentFromTheSelectionSavesTheSelectedContacts() {
        driver.findElement(By.cssSelector("input[name=view][value=rings]")).click();
        awaitDrawn();
        js("circlesMap.cy.nodes('.contact').slice(0, 3).select()");
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
    @Order(10)
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
    @Order(11)
    void signingOutLeavesNothingOfTheSessionForWhoeverSignsInNext() {
        // After the tablet test: Marisol's circles drawn, her details (the consented SMS number) in the panel.
        waitFor(d -> marisol.equals(d.findElement(By.id("panel-body")).getAttribute("data-contact")));
        assertTrue(pageText().contains(MapNetwork.MARISOL_PHONE), "the panel shows the phone before signing out");
        assertTrue(((Number) js("return circlesMap.cy.elements().length")).intValue() > 0);

        // Sign out while a map and a contact's details are still on their way: their answers are dropped.
        @SuppressWarnings("unchecked")
        Map<String, Object> late = (Map<String, Object>) ((JavascriptExecutor) driver).executeAsyncScript("""
                const done = arguments[arguments.length - 1];
                const pending = [circlesMap.load(), circlesMap.openPanel(arguments[0])];
                document.getElementById('signout').click();
                Promise.allSettled(pending).then(() => setTimeout(() => done({
                    elements: circlesMap.cy.elements().length, panel: document.getElementById('panel').hidden,
                    title: document.getElementById('panel-title').textContent}), 300));""", marisol);
        assertEquals(0L, late.get("elements"), "nothing drawn from an answer that came after signing out: " + late);
        assertEquals(Boolean.TRUE, late.get("panel"), "no panel filled after signing out: " + late);
        assertEquals("", late.get("title"));

        waitFor(ExpectedConditions.visibilityOfElementLocated(By.id("signin-view")));
        assertNothingOfTheLastSession();
        for (String button : List.of("png-button", "svg-button", "graphml-button", "segment-button")) {
            assertFalse(driver.findElement(By.id(button)).isEnabled(), button + " disabled");
        }

        // The next person, with a narrower role, finds an empty page; and signing in read no contact (audit trail).
        String subject = AuditRows.subject("map-signin");
        signIn(TestTokens.token(subject, Set.of("clinician")));
        waitFor(ExpectedConditions.visibilityOfElementLocated(By.id("app")));
        assertTrue(driver.findElement(By.id("who")).getText().contains("clinician"));
        assertNothingOfTheLastSession();
        assertFalse(driver.findElement(By.id("panel")).isDisplayed());
        assertEquals("rings", js("return circlesMap.state.view"));
        List<String> rows = AuditRows.of(dataSource, subject);
        assertTrue(rows.stream().noneMatch(r -> r.startsWith("list contact")), "sign-in listed contacts: " + rows);
    }

    @Test
    @Order(12)
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
        assertTrue(map.getInt("nodeCount") >= 1000, "a large view: " + map.getInt("nodeCount"));
        // Crowded circles are summarised by community: every contact is drawn or counted in its community's node.
        assertEquals(map.getInt("nodeCount"), ((Number) render.get("nodes")).intValue()
                + ((Number) render.get("summarised")).intValue());
        assertTrue(((Number) render.get("summaries")).intValue() > 0, "a crowded circle shown by community");
        assertLabelsDoNotOverlap("summarised circles");
        screenshot("rings-" + map.getInt("nodeCount") + "-contacts-summarised");
        js("document.body.dataset.state = 'loading'");
        driver.findElement(By.id("summarise")).click();
        awaitDrawn();
        @SuppressWarnings("unchecked")
        Map<String, Object> every = (Map<String, Object>) js("return circlesMap.lastRender");
        LOG.infof("Rendered every one of %s contacts and %s ties in %s ms", every.get("nodes"), every.get("edges"),
                every.get("renderMs"));
        assertEquals(map.getInt("nodeCount"), ((Number) every.get("nodes")).intValue());
        assertLabelsDoNotOverlap("every contact");
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

    /** Nothing drawn, no map or centre in the page's state, and neither Marisol's name nor her number anywhere. */
    private void assertNothingOfTheLastSession() {
        assertEquals(0, ((Number) js("return circlesMap.cy.elements().length")).intValue(), "nothing drawn");
        assertEquals(Boolean.TRUE, js("return circlesMap.state.map === null && circlesMap.state.centre === null"));
        String state = (String) js("return JSON.stringify(circlesMap.state)");
        assertFalse(state.contains("Marisol"), state);
        String text = pageText();
        assertFalse(text.contains("Marisol") || text.contains("Quintero"), "the contact's name is still in the page");
        assertFalse(text.contains(MapNetwork.MARISOL_PHONE), "the contact's phone is still in the page");
    }

    /** Every text of the page, hidden parts included, with what its inputs hold. */
    private String pageText() {
        return (String) js("""
                return document.body.textContent + ' ' + Array.from(document.querySelectorAll('input, textarea, select'))
                    .map(f => f.value).join(' ');""");
    }

    /**
     * The SVG export parsed as a browser opens the file: its parse errors, images and labels, and whether the file
     * holds the test's markup escaped. Lone surrogates become '?' on the way back: WebDriver cannot carry them.
     */
    @SuppressWarnings("unchecked")
    private Map<String, Object> parsedSvg() {
        return (Map<String, Object>) js("""
                const text = circlesMap.svg();
                const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
                return {errors: doc.getElementsByTagName('parsererror').length,
                    images: doc.getElementsByTagName('img').length,
                    labels: Array.from(doc.getElementsByTagName('text'))
                        .map(t => t.textContent.replace(/[\\uD800-\\uDFFF]/g, '?')),
                    escapedMarkup: text.includes('&lt;img src=x onerror=alert(1)&gt;')};""");
    }

    private long nameVersion(long community) {
        return given().get("/api/v1/communities/" + community + "/name").then().statusCode(200).extract().jsonPath()
                .getLong("version");
    }

    /** Renames a community as staff would (null: back to the generated name). */
    private void rename(long community, String name) {
        java.util.HashMap<String, Object> body = new java.util.HashMap<>();
        body.put("name", name);
        given().contentType("application/json").header("If-Match", "\"" + nameVersion(community) + "\"").body(body)
                .put("/api/v1/communities/" + community + "/name").then().statusCode(200);
    }

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

    /**
     * No two labels on the canvas overlap: the boxes Cytoscape.js gives for the labels it draws (guides included),
     * compared pairwise; and some labels are drawn.
     */
    private void assertLabelsDoNotOverlap(String view) {
        @SuppressWarnings("unchecked")
        Map<String, Object> found = (Map<String, Object>) js("""
                const ns = circlesMap.cy.nodes(':visible').filter(n => n.style('label') && n.style('label').length > 0
                    && n.style('font-size') && !isNaN(n.numericStyle('font-size')));
                const boxes = ns.map(n => ({id: n.id(), label: n.style('label'), b: n.boundingBox({includeNodes: false,
                    includeEdges: false, includeLabels: true, includeOverlays: false})}));
                const clash = [];
                for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
                    const a = boxes[i].b, b = boxes[j].b;
                    if (a.x1 < b.x2 - 0.01 && b.x1 < a.x2 - 0.01 && a.y1 < b.y2 - 0.01 && b.y1 < a.y2 - 0.01) {
                        clash.push(boxes[i].label + ' / ' + boxes[j].label);
                    }
                }
                return {count: boxes.length, clash: clash.slice(0, 5)};""");
        assertTrue(((Number) found.get("count")).intValue() >= 1, view + ": some labels are drawn");
        assertEquals(List.of(), found.get("clash"), view + ": labels overlapping");
        LOG.infof("%s: %s labels, none overlapping", view, found.get("count"));
    }

    private double ringRadius(int ring) {
        return ((Number) js("""
                const c = circlesMap.cy.nodes('.centre').position();
                const ns = circlesMap.cy.nodes('.contact').filter(n => n.data('ring') === %d);
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
