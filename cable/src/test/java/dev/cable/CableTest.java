package dev.cable;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import jakarta.json.Json;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link Cable}'s own rules (names, payload serialization and limits), without a container. */
class CableTest {

    private final InMemoryDriver driver = new InMemoryDriver();
    private final Cable cable = new Cable(driver, 100, 10, Duration.ofHours(24), 3);

    public record Point(int x, int y) {
    }

    private String stored(Object payload) {
        return cable.to("c").emit("e", payload).payload();
    }

    @Test
    void payloadsAreSerializedWithJsonB() {
        assertEquals("{\"a\":1}", stored(Map.of("a", 1)));
        assertEquals("{\"x\":1,\"y\":2}", stored(new Point(1, 2)));
        assertEquals("[1,2]", stored(List.of(1, 2)));
        assertEquals("\"hi\"", stored("hi"));
        assertEquals("42", stored(42));
        assertEquals("{\"k\":true}", stored(Json.createObjectBuilder().add("k", true).build()));
    }

    @Test
    void updateEmitsDomUpdateWithSelectorAndHtml() {
        CableMessage m = cable.to("c").update("#n", "<b>1</b>");
        assertEquals("dom-update", m.event());
        assertEquals("{\"html\":\"<b>1</b>\",\"selector\":\"#n\"}", m.payload());
    }

    @Test
    void oversizedPayloadIsRefusedAsTooLargeAndNothingIsStored() {
        CableException e = assertThrows(CableException.class, () -> stored("x".repeat(200)));
        assertEquals(CableException.Reason.TOO_LARGE, e.reason());
        assertEquals(0, cable.lastId("c"));
    }

    @Test
    void multiByteCharactersCountAsTheirUtf8Bytes() {
        assertThrows(CableException.class, () -> stored("é".repeat(60)));
        stored("é".repeat(40));
    }

    @Test
    void invalidNamesAreRefused() {
        assertThrows(CableException.class, () -> cable.to(null));
        assertThrows(CableException.class, () -> cable.to(""));
        assertThrows(CableException.class, () -> cable.to("x".repeat(256)));
        assertThrows(CableException.class, () -> cable.to("a\nb"));
        assertThrows(CableException.class, () -> cable.to("c").emit("", 1));
        assertThrows(CableException.class, () -> cable.to("c").emit("a\u0000", 1));
        assertThrows(CableException.class, () -> cable.to("c").emit("\ud800", 1));
        cable.to("x".repeat(255)).emit("ü:✓ 😀", 1);
    }

    @Test
    void pageSizeIsBoundedByTheConfiguredMaximum() {
        assertThrows(CableException.class, () -> cable.getMessages("c", 0L, 11));
        for (int i = 0; i < 12; i++) {
            stored(i);
        }
        MessagePage page = cable.getMessages("c", null);
        assertEquals(10, page.messages().size());
        assertEquals(true, page.more());
    }
}
