package dev.cable;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The cursor rules of {@link CableDriver#getMessages}, on a driver whose store we can damage at will. */
class CursorRulesTest {

    private final InMemoryDriver driver = new InMemoryDriver();

    private List<Long> ids(MessagePage page) {
        return page.messages().stream().map(CableMessage::id).toList();
    }

    private long emit(String channel, int count) {
        long last = 0;
        for (int i = 0; i < count; i++) {
            last = driver.emit(channel, "e", Integer.toString(i)).id();
        }
        return last;
    }

    @Test
    void unknownChannelFromZeroIsEmptyWithoutReset() {
        MessagePage page = driver.getMessages("nobody", 0, 10);
        assertTrue(page.isEmpty());
        assertEquals(0, page.lastId());
        assertFalse(page.reset());
    }

    @Test
    void cursorZeroSeesTheFirstLifeFromItsStart() {
        emit("c", 3);
        MessagePage page = driver.getMessages("c", 0, 10);
        assertEquals(3, page.messages().size());
        assertFalse(page.reset());
        assertFalse(page.more());
    }

    @Test
    void followingTheCursorContinuesExactlyAfterIt() {
        long last = emit("c", 5);
        MessagePage page = driver.getMessages("c", last - 2, 10);
        assertEquals(List.of(last - 1, last), ids(page));
        assertEquals(last, page.lastId());
    }

    @Test
    void cursorAtHeadAnswersNothingAndKeepsTheCursor() {
        long last = emit("c", 2);
        MessagePage page = driver.getMessages("c", last, 10);
        assertTrue(page.isEmpty());
        assertEquals(last, page.lastId());
        assertFalse(page.reset());
    }

    @Test
    void limitCutsThePageAndSaysMore() {
        long last = emit("c", 5);
        MessagePage first = driver.getMessages("c", 0, 2);
        assertTrue(first.more());
        assertEquals(2, first.messages().size());
        MessagePage rest = driver.getMessages("c", first.lastId(), 10);
        assertFalse(rest.more());
        assertEquals(last, rest.lastId());
        assertEquals(3, rest.messages().size());
    }

    @Test
    void cursorBehindTrimmedHistoryAnswersResetWithTheOldestRetained() {
        long first = emit("c", 1);
        emit("c", 4);
        driver.trimOldest("c", 3);
        MessagePage page = driver.getMessages("c", first, 10);
        assertTrue(page.reset());
        assertEquals(List.of(first + 3, first + 4), ids(page));
    }

    @Test
    void cursorAheadOfTheHeadAnswersReset() {
        long last = emit("c", 2);
        MessagePage page = driver.getMessages("c", last + 10, 10);
        assertTrue(page.reset());
        assertEquals(2, page.messages().size());
    }

    @Test
    void cursorFromBeforeAStoreLossAnswersResetNotASilentSkip() {
        long oldCursor = emit("c", 50);
        driver.loseEverything();
        emit("c", 60);
        MessagePage page = driver.getMessages("c", oldCursor, 100);
        assertTrue(page.reset(), "a cursor of the old life must not be read as a position in the new one");
        assertEquals(60, page.messages().size());
    }

    @Test
    void cursorOnAChannelTheStoreForgotAnswersReset() {
        long cursor = emit("c", 2);
        driver.loseEverything();
        MessagePage page = driver.getMessages("c", cursor, 10);
        assertTrue(page.reset());
        assertEquals(0, page.lastId());
    }

    @Test
    void everythingTrimmedAnswersResetAtTheHead() {
        long last = emit("c", 3);
        driver.trimOldest("c", 3);
        MessagePage page = driver.getMessages("c", last - 2, 10);
        assertTrue(page.reset());
        assertTrue(page.isEmpty());
        assertEquals(last, page.lastId());
    }

    @Test
    void negativeCursorIsRefused() {
        assertThrows(CableException.class, () -> driver.getMessages("c", -1, 10));
    }
}
