package dev.cable.rest;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * An IP address or CIDR range ({@code 10.0.0.0/8}, {@code 192.0.2.7}, {@code fd00::/8}), as
 * {@code cable.rate-limit.trusted-proxies} lists them. Only literals: a host name would mean a DNS
 * lookup per request, and a setting that names a host is refused at start.
 */
record AddressRange(byte[] network, int prefixBits) {

    static List<AddressRange> parseList(String list) {
        List<AddressRange> ranges = new ArrayList<>();
        for (String item : list.split(",")) {
            if (!item.isBlank()) {
                ranges.add(parse(item.strip()));
            }
        }
        return List.copyOf(ranges);
    }

    static AddressRange parse(String text) {
        int slash = text.indexOf('/');
        String address = slash < 0 ? text : text.substring(0, slash);
        byte[] bytes = literal(address);
        if (bytes == null) {
            throw new IllegalArgumentException("cable.rate-limit.trusted-proxies: '" + text
                    + "' is not an IP address or CIDR range");
        }
        int bits = bytes.length * 8;
        if (slash >= 0) {
            try {
                bits = Integer.parseInt(text.substring(slash + 1));
            } catch (NumberFormatException e) {
                bits = -1;
            }
            if (bits < 0 || bits > bytes.length * 8) {
                throw new IllegalArgumentException("cable.rate-limit.trusted-proxies: '" + text
                        + "' has an invalid prefix length");
            }
        }
        return new AddressRange(bytes, bits);
    }

    /** Whether an address (a literal, as the container or a header gives it) lies in the range. */
    boolean contains(String address) {
        byte[] bytes = literal(address);
        if (bytes == null || bytes.length != network.length) {
            return false;
        }
        int whole = prefixBits / 8;
        for (int i = 0; i < whole; i++) {
            if (bytes[i] != network[i]) {
                return false;
            }
        }
        int rest = prefixBits % 8;
        if (rest == 0) {
            return true;
        }
        int mask = (0xFF << (8 - rest)) & 0xFF;
        return (bytes[whole] & mask) == (network[whole] & mask);
    }

    /** The bytes of an IPv4 or IPv6 literal (brackets and a zone allowed), or null for anything else. */
    private static byte[] literal(String address) {
        String a = address.strip();
        if (a.startsWith("[") && a.endsWith("]")) {
            a = a.substring(1, a.length() - 1);
        }
        int zone = a.indexOf('%');
        if (zone >= 0) {
            a = a.substring(0, zone);
        }
        if (a.isEmpty() || !a.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == '.' || c == ':')) {
            return null;
        }
        if (a.indexOf(':') < 0 && !a.matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
            return null; // "1234" or "1.2" would be read as a number by InetAddress
        }
        try {
            byte[] bytes = InetAddress.getByName(a).getAddress();
            if (bytes.length == 16 && isMappedIpv4(bytes)) {
                return java.util.Arrays.copyOfRange(bytes, 12, 16);
            }
            return bytes;
        } catch (UnknownHostException e) {
            return null;
        }
    }

    private static boolean isMappedIpv4(byte[] bytes) {
        for (int i = 0; i < 10; i++) {
            if (bytes[i] != 0) {
                return false;
            }
        }
        return bytes[10] == (byte) 0xFF && bytes[11] == (byte) 0xFF;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof AddressRange r && r.prefixBits == prefixBits && java.util.Arrays.equals(r.network, network);
    }

    @Override
    public int hashCode() {
        return 31 * java.util.Arrays.hashCode(network) + prefixBits;
    }

    @Override
    public String toString() {
        return java.util.Arrays.toString(network) + "/" + prefixBits;
    }
}
