package com.example.shop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cable.CableDeployment;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.io.File;
import java.io.StringReader;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The example shop as Maven built it (its WAR with the library in WEB-INF/lib; the only change is
 * that the rate limit is off) on Payara Micro: an emit inside the shop's own transaction, on the
 * shop's plain datasource, is delivered when the order commits and never when it rolls back; the
 * shop's endpoints and persistence unit work as without Cable; the page follows the channel with
 * the cable.js the library serves, in headless Chromium.
 */
@ExtendWith(ArquillianExtension.class)
public class OrdersIT {

    @ArquillianResource
    URL deployed;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Deployment(testable = false)
    public static WebArchive shop() {
        // the tests poll harder than a browser: no rate limit, nothing else changed
        return CableDeployment.application(Map.of("cable.rate-limit.per-second", "0"));
    }

    @Test
    public void anOrderCommittedInTheShopsTransactionIsDeliveredWithItsBroadcast() throws Exception {
        long cursor = cursor();
        String item = "tea-" + UUID.randomUUID();

        HttpResponse<String> placed = placeOrder(item, 2);

        assertEquals(201, placed.statusCode(), placed.body());
        long orderId = json(placed.body()).getJsonNumber("id").longValue();
        List<JsonObject> events = eventsAfter(cursor, 2);
        assertEquals(List.of("order:placed", "stock:changed"), events.stream().map(e -> e.getString("event")).toList());
        JsonObject payload = events.get(0).getJsonObject("payload");
        assertEquals(orderId, payload.getJsonNumber("id").longValue());
        assertEquals(item, payload.getString("item"));
        assertEquals(item, events.get(1).getJsonObject("payload").getString("item"));
        assertTrue(orders().stream().anyMatch(o -> o.getString("item").equals(item)), "the shop lists its order");
    }

    @Test
    public void anOrderRolledBackLeavesNeitherItsRowNorItsEventsBehind() throws Exception {
        long cursor = cursor();
        String refused = "piano-" + UUID.randomUUID();
        String accepted = "pen-" + UUID.randomUUID();

        HttpResponse<String> tooMany = placeOrder(refused, OrderService.STOCK + 1);
        HttpResponse<String> fine = placeOrder(accepted, 1);

        assertEquals(409, tooMany.statusCode(), tooMany.body());
        assertEquals(201, fine.statusCode(), fine.body());
        List<JsonObject> events = eventsAfter(cursor, 2);
        assertEquals(2, events.size(), "only the committed order's two events: " + events);
        events.forEach(e -> assertEquals(accepted, e.getJsonObject("payload").getString("item")));
        long firstId = events.get(0).getJsonNumber("id").longValue();
        assertEquals(cursor + 1, firstId, "the rolled-back emit gave its id back: no gap");
        assertFalse(orders().stream().anyMatch(o -> o.getString("item").equals(refused)), "no row of the refused order");
    }

    @Test
    public void eachJaxRsApplicationServesOnlyItsOwnResources() throws Exception {
        assertEquals(200, send(get("api/orders")).statusCode());
        assertEquals(200, send(post("cable/poll", "{\"channels\":{\"orders\":null}}")).statusCode());
        assertEquals(404, send(post("api/poll", "{\"channels\":{\"orders\":null}}")).statusCode(),
                "Cable's poll is not served under the shop's application");
        assertEquals(404, send(get("cable/orders")).statusCode(), "the shop's resource is not served under Cable's");
        // Cable's exception mappers stay out of the shop's application: its 404s are the server's own,
        // not Cable's {"error": ...} bodies
        HttpResponse<String> missing = send(get("api/nothing-here"));
        assertEquals(404, missing.statusCode());
        assertFalse(missing.body().contains("\"error\""), "a Cable error body in the shop: " + missing.body());
        HttpResponse<String> cableMissing = send(get("cable/nothing-here"));
        assertEquals(404, cableMissing.statusCode());
        assertTrue(cableMissing.body().contains("\"error\""), "Cable's own 404 keeps its JSON body: " + cableMissing.body());
    }

    @Test
    public void theScriptAndItsTypesComeFromTheLibrary() throws Exception {
        HttpResponse<String> script = send(get("cable.js"));
        assertEquals(200, script.statusCode());
        assertTrue(script.headers().firstValue("Content-Type").orElse("").contains("javascript"));
        assertTrue(script.body().contains("connect"));
        HttpResponse<String> module = send(get("cable.mjs"));
        assertEquals(200, module.statusCode());
        assertEquals("text/javascript", module.headers().firstValue("Content-Type").orElse("").split(";")[0],
                "browsers import an ES module only with a JavaScript type");
        assertEquals(200, send(get("cable.d.ts")).statusCode());
    }

    @Test
    public void thePageShowsOrdersAsTheyArePlaced() throws Exception {
        WebDriver browser = chromium();
        try {
            browser.get(url("index.html").toString());
            await(browser, "the page to connect", b -> b.findElement(By.id("state")).getText().equals("connected"));
            String item = "cake-" + UUID.randomUUID().toString().substring(0, 8);
            browser.findElement(By.id("item")).sendKeys(item);
            browser.findElement(By.cssSelector("#order-form button")).click();
            await(browser, "the order in the list", b -> b.findElement(By.id("orders")).getText().contains(item));

            String refused = "boat-" + UUID.randomUUID().toString().substring(0, 8);
            browser.findElement(By.id("item")).clear();
            browser.findElement(By.id("item")).sendKeys(refused);
            browser.findElement(By.id("quantity")).clear();
            browser.findElement(By.id("quantity")).sendKeys(Integer.toString(OrderService.STOCK + 1));
            browser.findElement(By.cssSelector("#order-form button")).click();
            await(browser, "the refusal", b -> b.findElement(By.id("result")).getText().contains("in stock"));
            String last = "tart-" + UUID.randomUUID().toString().substring(0, 8);
            placeOrder(last, 1);
            await(browser, "a later order", b -> b.findElement(By.id("orders")).getText().contains(last));
            assertFalse(browser.findElement(By.id("orders")).getText().contains(refused));
            Path shot = Path.of(System.getProperty("cable.it.screenshots", "target"), "orders-page.png");
            Files.copy(((ChromeDriver) browser).getScreenshotAs(org.openqa.selenium.OutputType.FILE).toPath(), shot,
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } finally {
            browser.quit();
        }
    }

    private long cursor() throws Exception {
        HttpResponse<String> answer = send(post("cable/poll", "{\"channels\":{\"orders\":null}}"));
        assertEquals(200, answer.statusCode(), answer.body());
        return channel(answer).getJsonNumber("lastId").longValue();
    }

    /** Polls from the cursor until {@code count} events arrived, then once more to catch any extra. */
    private List<JsonObject> eventsAfter(long cursor, int count) throws Exception {
        List<JsonObject> events = new java.util.ArrayList<>();
        long deadline = System.currentTimeMillis() + 10_000;
        long at = cursor;
        boolean settled = false;
        while (System.currentTimeMillis() < deadline) {
            JsonObject page = channel(send(post("cable/poll", "{\"channels\":{\"orders\":" + at + "}}")));
            page.getJsonArray("messages").forEach(m -> events.add(m.asJsonObject()));
            at = page.getJsonNumber("lastId").longValue();
            if (events.size() >= count) {
                if (settled) {
                    break;
                }
                settled = true;
                Thread.sleep(500);
            } else {
                Thread.sleep(100);
            }
        }
        return events;
    }

    private HttpResponse<String> placeOrder(String item, int quantity) throws Exception {
        return send(post("api/orders", Json.createObjectBuilder().add("item", item).add("quantity", quantity)
                .build().toString()));
    }

    private List<JsonObject> orders() throws Exception {
        JsonArray all = Json.createReader(new StringReader(send(get("api/orders")).body())).readArray();
        return all.stream().map(JsonValue::asJsonObject).toList();
    }

    private static JsonObject channel(HttpResponse<String> answer) {
        return json(answer.body()).getJsonObject("channels").getJsonObject(OrderService.ORDERS);
    }

    private static JsonObject json(String body) {
        return Json.createReader(new StringReader(body)).readObject();
    }

    private URI url(String path) {
        // Arquillian reports the machine's external address; the server listens on all of them
        return URI.create("http://127.0.0.1:" + deployed.getPort() + deployed.getPath() + path);
    }

    private HttpRequest get(String path) {
        return HttpRequest.newBuilder(url(path)).timeout(Duration.ofSeconds(30)).GET().build();
    }

    private HttpRequest post(String path, String json) {
        return HttpRequest.newBuilder(url(path)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build();
    }

    private HttpResponse<String> send(HttpRequest request) throws Exception {
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static WebDriver chromium() throws Exception {
        ChromeOptions options = new ChromeOptions();
        options.setBinary("/usr/bin/chromium");
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
                "--window-size=900,700", "--user-data-dir=" + Files.createTempDirectory("orders-chromium"));
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File("/usr/bin/chromedriver")).usingAnyFreePort().build();
        return new ChromeDriver(service, options);
    }

    private static void await(WebDriver browser, String what, java.util.function.Predicate<WebDriver> condition) {
        new WebDriverWait(browser, Duration.ofSeconds(30)).withMessage(what).until(condition::test);
    }
}
