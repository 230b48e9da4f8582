package dev.coffer.support;

import java.net.InetAddress;
import java.util.Arrays;

/**
 * A block of IP addresses in CIDR notation ({@code 10.0.0.0/8}, {@code fd00::/8}); a bare address
 * is the block of that one address. An IPv4 block never contains an IPv6 address or the other way
 * round (an IPv4-mapped IPv6 literal such as {@code ::ffff:10.0.0.1} is read as its IPv4 address).
 * Immutable.
 */
public final class Cidr {
    private final byte[] network;
    private final int prefixLength;
    private final String text;

    private Cidr(byte[] network, int prefixLength) {
        this.network = network;
        this.prefixLength = prefixLength;
        this.text = address(network).getHostAddress() + "/" + prefixLength;
    }

    /**
     * Parses {@code 10.0.0.0/8}, {@code 2001:db8::/32} or a single address.
     *
     * @throws IllegalArgumentException naming what is wrong; the message never repeats the input
     */
    public static Cidr parse(String value) {
        String trimmed = value.trim();
        int slash = trimmed.indexOf('/');
        String addressPart = slash < 0 ? trimmed : trimmed.substring(0, slash);
        InetAddress address = IpLiteral.parse(addressPart)
                .orElseThrow(() -> new IllegalArgumentException("'" + addressPart + "' is not an IP address"));
        byte[] bytes = address.getAddress();
        int bits = bytes.length * 8;
        int prefix = bits;
        if (slash >= 0) {
            String prefixPart = trimmed.substring(slash + 1);
            if (!prefixPart.matches("\\d{1,3}")) {
                throw new IllegalArgumentException("the prefix length '" + prefixPart + "' is not a number");
            }
            prefix = Integer.parseInt(prefixPart);
            if (prefix > bits) {
                throw new IllegalArgumentException("the prefix length " + prefix + " is over " + bits);
            }
        }
        byte[] masked = mask(bytes, prefix);
        if (!Arrays.equals(masked, bytes)) {
            // Almost always a typo (10.0.0.1/8 for 10.0.0.0/8): say which block was meant instead of guessing.
            throw new IllegalArgumentException("it has address bits set past the /" + prefix + " prefix (the block is "
                    + address(masked).getHostAddress() + "/" + prefix + ")");
        }
        return new Cidr(masked, prefix);
    }

    public boolean contains(InetAddress address) {
        byte[] bytes = address.getAddress();
        return bytes.length == network.length && Arrays.equals(mask(bytes, prefixLength), network);
    }

    private static byte[] mask(byte[] bytes, int prefix) {
        byte[] out = bytes.clone();
        for (int i = 0; i < out.length; i++) {
            int keep = Math.max(0, Math.min(8, prefix - i * 8));
            out[i] = (byte) (out[i] & (0xff << (8 - keep)));
        }
        return out;
    }

    private static InetAddress address(byte[] bytes) {
        try {
            return InetAddress.getByAddress(bytes);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException("4 or 16 bytes are always an address", e);
        }
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Cidr cidr && cidr.text.equals(text);
    }

    @Override
    public int hashCode() {
        return text.hashCode();
    }

    /** The canonical form, e.g. {@code 10.0.0.0/8}. */
    @Override
    public String toString() {
        return text;
    }
}
