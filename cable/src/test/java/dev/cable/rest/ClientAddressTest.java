package dev.cable.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Which address a request is rate-limited as, behind proxies that append to X-Forwarded-For. */
class ClientAddressTest {

    private static final List<AddressRange> NONE = List.of();
    private static final List<AddressRange> OURS = AddressRange.parseList("127.0.0.1, 10.0.0.0/8, fd00::/8");

    @Test
    void withoutTrustedProxiesTheRightmostEntryIsTheClientTheProxySaw() {
        assertEquals("203.0.113.9", ClientAddresses.clientAddress("127.0.0.1", "198.51.100.1, 203.0.113.9", NONE));
        assertEquals("203.0.113.9", ClientAddresses.clientAddress("127.0.0.1", "203.0.113.9", NONE));
    }

    @Test
    void entriesTheClientWroteDoNotChooseTheBucket() {
        for (int fake = 1; fake < 50; fake++) {
            assertEquals("203.0.113.9", ClientAddresses.clientAddress("10.1.2.3", "192.0.2." + fake + ", 203.0.113.9, 10.4.4.4", OURS));
        }
    }

    @Test
    void trustedHopsAreSkippedFromTheRight() {
        assertEquals("203.0.113.9", ClientAddresses.clientAddress("127.0.0.1", "203.0.113.9, 10.9.9.9, fd00::2", OURS));
        assertEquals("10.0.0.1", ClientAddresses.clientAddress("127.0.0.1", "10.0.0.1, 10.0.0.2", OURS), "all trusted: the first");
    }

    @Test
    void aPeerThatIsNotATrustedProxyIsTheClientWhateverItWrites() {
        assertEquals("198.51.100.7", ClientAddresses.clientAddress("198.51.100.7", "192.0.2.1", OURS));
        assertEquals("198.51.100.7", ClientAddresses.clientAddress("198.51.100.7", null, OURS));
        assertEquals("127.0.0.1", ClientAddresses.clientAddress("127.0.0.1", "  ", NONE));
    }

    @Test
    void rangesMatchIpv4Ipv6AndMappedAddresses() {
        AddressRange ten = AddressRange.parse("10.0.0.0/8");
        assertTrue(ten.contains("10.255.0.1"));
        assertTrue(ten.contains("::ffff:10.1.1.1"));
        assertFalse(ten.contains("11.0.0.1"));
        assertFalse(ten.contains("unknown"));
        AddressRange odd = AddressRange.parse("192.168.4.0/22");
        assertTrue(odd.contains("192.168.7.255"));
        assertFalse(odd.contains("192.168.8.0"));
        assertTrue(AddressRange.parse("fd00::/8").contains("[fd12::1]"));
        assertTrue(AddressRange.parse("::1").contains("0:0:0:0:0:0:0:1"));
        assertThrows(IllegalArgumentException.class, () -> AddressRange.parse("proxy.example.com"));
        assertThrows(IllegalArgumentException.class, () -> AddressRange.parse("10.0.0.0/33"));
        assertThrows(IllegalArgumentException.class, () -> AddressRange.parse("1234"));
    }
}
