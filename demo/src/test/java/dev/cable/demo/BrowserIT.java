package dev.cable.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cable.CableDeployment;
import dev.cable.ChannelTokens;
import dev.cable.rest.TcpProxy;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The demo application (the WAR this module builds, on the library as packaged) and cable.js in real
 * headless Chromium (Debian's chromium and chromedriver) on Payara Micro, with Redis behind a proxy
 * the test can cut.
 */
@ExtendWith(ArquillianExtension.class)
public class BrowserIT {

    static final String TOKEN = "browser-" + UUID.randomUUID();
    static final String SECRET = "browser-secret-" + UUID.randomUUID();
    static final ChannelTokens TOKENS = new ChannelTokens(java.util.Optional.of(SECRET));
    static TcpProxy redisProxy;

    @ArquillianResource
    URL deployed;

    private final List<WebDriver> browsers = new ArrayList<>();

    @Deployment(testable = false)
    public static WebArchive deployment() throws IOException {
        URI redis = URI.create(System.getProperty("cable.it.redis.uri", "redis://127.0.0.1:6379"));
        redisProxy = new TcpProxy(redis.getHost(), redis.getPort());
        Map<String, String> config = new LinkedHashMap<>(CableDeployment.redis("cable-browser-" + System.nanoTime() + ":"));
        config.put("cable.redis.uri", "redis://127.0.0.1:" + redisProxy.port());
        config.put("cable.publish.token", TOKEN);
        config.put("cable.secret", SECRET);
        // longer than the pages' heartbeat interval (20 s): with the suites' 6 s a user who has not
        // heartbeated yet drops out of the list in the middle of a test
        config.put("cable.presence.timeout", "PT30S");
        return CableDeployment.application(config);
    }

    private String page(String name) {
        return "http://127.0.0.1:" + deployed.getPort() + deployed.getPath() + name;
    }

    private WebDriver browser() throws IOException {
        ChromeOptions options = new ChromeOptions();
        options.setBinary("/usr/bin/chromium");
        Path profile = Files.createTempDirectory("cable-chromium");
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
                "--window-size=1100,760", "--user-data-dir=" + profile);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File("/usr/bin/chromedriver")).usingAnyFreePort().build();
        WebDriver driver = new ChromeDriver(service, options);
        browsers.add(driver);
        return driver;
    }

    @AfterEach
    void closeBrowsers() {
        browsers.forEach(WebDriver::quit);
        browsers.clear();
    }

    private static String text(WebDriver browser, String id) {
        return browser.findElement(By.id(id)).getText();
    }

    private static void waitFor(WebDriver browser, String what, java.util.function.Predicate<WebDriver> condition) {
        new WebDriverWait(browser, Duration.ofSeconds(30)).withMessage(what).until(condition::test);
    }

    private static void enterChat(WebDriver browser, String name) {
        waitFor(browser, "the login form", b -> b.findElement(By.id("login-name")).isDisplayed());
        browser.findElement(By.id("login-name")).sendKeys(name);
        browser.findElement(By.cssSelector("#login-form button")).click();
        waitFor(browser, name + " in the room", b -> b.findElement(By.id("room")).isDisplayed());
    }

    private static void say(WebDriver browser, String text) {
        browser.findElement(By.id("message-text")).sendKeys(text);
        browser.findElement(By.cssSelector("#send-form button")).click();
    }

    private static boolean shows(WebDriver browser, String text) {
        return browser.findElements(By.cssSelector("#messages li")).stream().anyMatch(li -> li.getText().contains(text));
    }

    @Test
    public void twoUsersInTheChatSeeEachOthersMessagesAndTheOnlineCount() throws Exception {
        WebDriver alice = browser();
        WebDriver bob = browser();
        alice.get(page("chat.html"));
        bob.get(page("chat.html"));
        enterChat(alice, "Alice");
        enterChat(bob, "Bob");

        waitFor(alice, "Alice to see two online", b -> text(b, "online-count").equals("2"));
        waitFor(bob, "Bob to see two online", b -> text(b, "online-count").equals("2"));
        say(alice, "Hello from Alice");
        waitFor(bob, "Bob to see Alice's message", b -> shows(b, "Hello from Alice"));
        say(bob, "Hi Alice, Bob here");
        waitFor(alice, "Alice to see Bob's message", b -> shows(b, "Hi Alice, Bob here"));
        assertTrue(text(alice, "online-list").contains("Bob"));
        assertEquals("connected", text(alice, "state"));

        File shot = ((ChromeDriver) alice).getScreenshotAs(OutputType.FILE);
        Path target = Path.of(System.getProperty("cable.it.screenshots", "target"), "chat-two-users.png");
        Files.copy(shot.toPath(), target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        assertTrue(Files.size(target) > 10_000, "a real screenshot");
    }

    @Test
    public void theDashboardChangesThroughBatchesAndDomUpdates() throws Exception {
        WebDriver browser = browser();
        browser.get(page("dashboard.html"));
        waitFor(browser, "metrics from a batch", b -> text(b, "heap").endsWith("MiB"));
        waitFor(browser, "uptime set by dom-update", b -> text(b, "uptime").matches("\\d+h \\d+m \\d+s"));
        String first = text(browser, "uptime");
        waitFor(browser, "uptime to change", b -> !text(b, "uptime").equals(first));
        assertTrue(text(browser, "processors").endsWith("CPUs"), "dom-text");
        assertTrue(Integer.parseInt(text(browser, "threads")) > 0);
        File shot = ((ChromeDriver) browser).getScreenshotAs(OutputType.FILE);
        Files.copy(shot.toPath(), Path.of(System.getProperty("cable.it.screenshots", "target"), "dashboard.png"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    @Test
    public void theClientRidesOutA503AndReceivesWhatFollows() throws Exception {
        WebDriver carol = browser();
        carol.get(page("chat.html"));
        enterChat(carol, "Carol");
        waitFor(carol, "connected", b -> text(b, "state").equals("connected"));

        redisProxy.cut();
        try {
            waitFor(carol, "the client to notice the outage", b -> text(b, "state").equals("reconnecting"));
        } finally {
            redisProxy.restore();
        }
        waitFor(carol, "the client to reconnect", b -> text(b, "state").equals("connected"));

        publish("demo:chat", "message:new",
                "{\"user\":\"ops\",\"text\":\"Back after the outage\",\"at\":\"2026-11-25T20:00:00Z\"}");
        waitFor(carol, "the message after the outage", b -> shows(b, "Back after the outage"));
    }

    private void publish(String channel, String event, String payload) throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        HttpResponse<String> published = http.send(HttpRequest.newBuilder(URI.create(page("cable/publish")))
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + TOKEN)
                .POST(HttpRequest.BodyPublishers.ofString("{\"channel\":\"" + channel + "\",\"event\":\"" + event
                        + "\",\"payload\":" + payload + "}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, published.statusCode(), published.body());
    }

    private static List<Object> received(WebDriver browser) {
        return list(browser, "received");
    }

    /** cable.connect options of one polling mode: long polls, or short polls every second. */
    private static String mode(boolean longPoll) {
        return longPoll ? "longPoll: true" : "pollInterval: 1000";
    }

    @Test
    public void aLongPollingSubscriptionReceivesItsVeryFirstEvent() throws Exception {
        theVeryFirstEventOfANewSubscriptionArrives(true);
    }

    @Test
    public void aShortPollingSubscriptionReceivesItsVeryFirstEvent() throws Exception {
        theVeryFirstEventOfANewSubscriptionArrives(false);
    }

    private void theVeryFirstEventOfANewSubscriptionArrives(boolean longPoll) throws Exception {
        WebDriver browser = browser();
        browser.get(page("index.html"));
        String channel = "browser:first:" + UUID.randomUUID();
        ((JavascriptExecutor) browser).executeScript("window.received = [];"
                + "const c = cable.connect({endpoint: 'cable/poll', shareTabs: false, " + mode(longPoll) + "});"
                + "window.poller = c;"
                + "c.subscribe(arguments[0], {note: p => window.received.push(p)});", channel);
        // no waiting for "connected": the events come while the first polls are under way, as in an app
        Thread.sleep(2000);
        assertEquals("connected", ((JavascriptExecutor) browser).executeScript("return window.poller.state"),
                "connected on the first answer, not after a whole wait");
        publish(channel, "note", "\"first\"");
        Thread.sleep(500);
        publish(channel, "note", "\"second\"");
        waitFor(browser, "both events", b -> received(b).size() >= 2);
        Thread.sleep(1000);
        assertEquals(List.of("first", "second"), received(browser));
    }

    @Test
    public void aSubscriptionRemountedWhileAShortPollIsInFlightReceivesEveryLaterEvent() throws Exception {
        aSubscriptionRemountedWhileAPollIsInFlightReceivesEveryLaterEvent(false);
    }

    @Test
    public void aSubscriptionRemountedWhileALongPollIsInFlightReceivesEveryLaterEvent() throws Exception {
        aSubscriptionRemountedWhileAPollIsInFlightReceivesEveryLaterEvent(true);
    }

    private void aSubscriptionRemountedWhileAPollIsInFlightReceivesEveryLaterEvent(boolean longPoll) throws Exception {
        WebDriver browser = browser();
        browser.get(page("index.html"));
        String channel = "browser:remount:" + UUID.randomUUID();
        // Every poll answer reaches the client 1.5 s late; 300 ms after a poll leaves, the view
        // unmounts (unsubscribe), mounts again (subscribe "from now"), and an event lands.
        ((JavascriptExecutor) browser).executeScript("window.received = []; window.remounted = false;"
                + "let armed = false; const channel = arguments[0], token = arguments[1];"
                + "const slow = (url, init) => {"
                + "  const answer = fetch(url, init).then(r => new Promise(ok => setTimeout(() => ok(r), 1500)));"
                + "  if (armed && String(url).endsWith('poll')) { armed = false; setTimeout(remount, 300); }"
                + "  return answer; };"
                + "const c = cable.connect({endpoint: 'cable/poll', shareTabs: false, " + mode(longPoll) + ", env: {fetch: slow}});"
                + "window.remountClient = c;"
                + "let view = c.subscribe(channel, {note: () => {}});"
                + "function remount() { view.unsubscribe();"
                + "  view = c.subscribe(channel, {note: p => window.received.push(p)});"
                + "  fetch('cable/publish', {method: 'POST', headers: {'Content-Type': 'application/json',"
                + "    'Authorization': 'Bearer ' + token}, body: JSON.stringify({channel, event: 'note', payload: 'meanwhile'})})"
                + "    .then(() => { window.remounted = true; }); }"
                + "c.onStateChange(s => { if (s === 'connected') setTimeout(() => { armed = true; }, 100); });",
                channel, TOKEN);
        waitFor(browser, "the remount", b -> Boolean.TRUE.equals(((JavascriptExecutor) b).executeScript("return window.remounted")));
        List<String> later = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            Thread.sleep(700);
            publish(channel, "note", "\"later-" + i + "\"");
            later.add("later-" + i);
        }
        waitFor(browser, "the later events", b -> received(b).containsAll(later));
        List<Object> got = received(browser);
        assertEquals(later, got.stream().filter(later::contains).toList(), "every later event once, in order: " + got);
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(WebDriver browser, String name) {
        return (List<Object>) ((JavascriptExecutor) browser).executeScript("return (window[arguments[0]] || []).slice()", name);
    }

    @Test
    public void aRefusedChannelIsReportedWhileTheOthersGoOnShortPolling() throws Exception {
        aRefusedChannelIsReportedWhileTheOthersGoOn(false);
    }

    @Test
    public void aRefusedChannelIsReportedWhileTheOthersGoOnLongPolling() throws Exception {
        aRefusedChannelIsReportedWhileTheOthersGoOn(true);
    }

    private void aRefusedChannelIsReportedWhileTheOthersGoOn(boolean longPoll) throws Exception {
        WebDriver browser = browser();
        browser.get(page("index.html"));
        String open = "browser:open:" + UUID.randomUUID();
        String secret = "private-browser:" + UUID.randomUUID();
        ((JavascriptExecutor) browser).executeScript("window.received = []; window.errors = [];"
                + "const c = cable.connect({endpoint: 'cable/poll', shareTabs: false, " + mode(longPoll) + "});"
                + "c.subscribe(arguments[0], {note: p => window.received.push(p)});"
                + "c.subscribe(arguments[1], {note: p => window.received.push('LEAK ' + p),"
                + "  error: e => window.errors.push(e.channel + ' ' + e.status)});", open, secret);
        waitFor(browser, "the refusal", b -> !list(b, "errors").isEmpty());
        assertEquals(List.of(secret + " 403"), list(browser, "errors"));
        publish(secret, "note", "\"hidden\"");
        publish(open, "note", "\"one\"");
        publish(open, "note", "\"two\"");
        waitFor(browser, "the open channel's events", b -> received(b).size() >= 2);
        Thread.sleep(1500);
        assertEquals(List.of("one", "two"), received(browser));
    }

    @Test
    public void oneTabsExpiredTokenDoesNotStallTheOtherTabsShortPolling() throws Exception {
        oneTabsExpiredTokenDoesNotStallTheOtherTabs(false);
    }

    @Test
    public void oneTabsExpiredTokenDoesNotStallTheOtherTabsLongPolling() throws Exception {
        oneTabsExpiredTokenDoesNotStallTheOtherTabs(true);
    }

    private void oneTabsExpiredTokenDoesNotStallTheOtherTabs(boolean longPoll) throws Exception {
        WebDriver browser = browser();
        String channel = "private-shared:" + UUID.randomUUID();
        String open = "browser:shared-open:" + UUID.randomUUID();
        String fresh = TOKENS.issue(channel, null, null, Duration.ofMinutes(10));
        String expiring = TOKENS.issue(channel, null, null, Duration.ofSeconds(3));
        String script = "window.received = []; window.errors = [];"
                + "const c = cable.connect({endpoint: 'cable/poll', " + mode(longPoll) + "});"
                + "c.subscribe(arguments[0], {note: p => window.received.push(p), error: e => window.errors.push(e.status)},"
                + "  {token: arguments[2]});"
                + "c.subscribe(arguments[1], {note: p => window.received.push(p)});";
        browser.get(page("index.html"));
        ((JavascriptExecutor) browser).executeScript(script, channel, open, fresh);
        String first = browser.getWindowHandle();
        browser.switchTo().newWindow(org.openqa.selenium.WindowType.TAB);
        browser.get(page("index.html"));
        ((JavascriptExecutor) browser).executeScript(script, channel, open, expiring);
        String second = browser.getWindowHandle();
        Thread.sleep(5000); // the second tab's token has expired by now
        publish(channel, "note", "\"private\"");
        publish(open, "note", "\"public\"");
        for (String tab : List.of(second, first)) {
            browser.switchTo().window(tab);
            waitFor(browser, "both events in every tab", b -> received(b).size() >= 2);
            assertEquals(List.of("private", "public"), received(browser).stream().sorted(java.util.Comparator.comparing(Object::toString)).toList());
            assertEquals(List.of(), list(browser, "errors"));
        }
    }

    @Test
    public void afterAnOutageLongerThanThePresenceTimeoutTheUsersAreListedAgain() throws Exception {
        WebDriver dave = browser(); // short polling
        dave.get(page("chat.html"));
        enterChat(dave, "Dave");
        WebDriver erin = browser(); // long polling
        erin.get(page("chat.html?longpoll"));
        enterChat(erin, "Erin");
        for (WebDriver user : List.of(dave, erin)) waitFor(user, "connected", b -> text(b, "state").equals("connected"));
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        java.util.function.Supplier<String> listed = () -> {
            try {
                return http.send(HttpRequest.newBuilder(URI.create(page("cable/presence/users?channel=demo:chat"))).GET().build(),
                        HttpResponse.BodyHandlers.ofString()).body();
            } catch (Exception e) {
                return e.toString();
            }
        };
        assertTrue(listed.get().contains("Dave") && listed.get().contains("Erin"), listed.get());

        redisProxy.cut(); // the deployment's presence timeout is 30 s
        try {
            for (WebDriver user : List.of(dave, erin)) {
                waitFor(user, "the client to notice the outage", b -> text(b, "state").equals("reconnecting"));
            }
            Thread.sleep(33_000);
        } finally {
            redisProxy.restore();
        }
        for (WebDriver user : List.of(dave, erin)) {
            new WebDriverWait(user, Duration.ofSeconds(60)).withMessage("the client to reconnect")
                    .until(b -> text(b, "state").equals("connected"));
        }
        long deadline = System.currentTimeMillis() + 20_000;
        while (!(listed.get().contains("Dave") && listed.get().contains("Erin")) && System.currentTimeMillis() < deadline) {
            Thread.sleep(500);
        }
        assertTrue(listed.get().contains("Dave") && listed.get().contains("Erin"), "the server lists both again: " + listed.get());
        for (WebDriver user : List.of(dave, erin)) {
            waitFor(user, "both in the online list", b -> text(b, "online-list").contains("Dave") && text(b, "online-list").contains("Erin"));
        }
        File shot = ((ChromeDriver) dave).getScreenshotAs(OutputType.FILE);
        Files.copy(shot.toPath(), Path.of(System.getProperty("cable.it.screenshots", "target"), "chat-after-outage.png"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
}
