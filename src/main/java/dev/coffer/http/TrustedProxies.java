package dev.coffer.http;

import dev.coffer.support.Cidr;
import dev.coffer.support.IpLiteral;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Who the client is, given the socket peer and {@code X-Forwarded-For}: the proxies in
 * {@code server.trusted_proxies} are believed about the hop before them, nobody else is.
 *
 * <p>The walk starts at the socket peer and goes right to left through {@code X-Forwarded-For}
 * (each proxy appends the address it received the request from) for as long as the current hop is
 * a trusted proxy; the first address not trusted is the client. Entries to its left were written
 * by the client itself and are never read, so a client cannot choose its address by sending the
 * header. A malformed entry ends the walk at the last trusted hop: the string is never used as an
 * address. RFC 7239 {@code Forwarded} is not read (the proxies Coffer is deployed behind send
 * {@code X-Forwarded-For}). Immutable and thread-safe.
 */
final class TrustedProxies {
    private final List<Cidr> blocks;

    TrustedProxies(List<Cidr> blocks) {
        this.blocks = List.copyOf(blocks);
    }

    public boolean trusts(InetAddress address) {
        for (Cidr block : blocks) {
            if (block.contains(address)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The client's address.
     *
     * @param peer the address of the socket's other end
     * @param forwardedFor every {@code X-Forwarded-For} header value, in the order received
     */
    public InetAddress clientOf(InetAddress peer, List<String> forwardedFor) {
        if (blocks.isEmpty() || !trusts(peer)) {
            return peer;
        }
        List<String> hops = hops(forwardedFor);
        InetAddress current = peer;
        for (int i = hops.size() - 1; i >= 0; i--) {
            Optional<InetAddress> hop = address(hops.get(i));
            if (hop.isEmpty()) {
                return current;
            }
            current = hop.get();
            if (!trusts(current)) {
                return current;
            }
        }
        // Every hop is a trusted proxy: the leftmost is as close to the client as anyone can tell.
        return current;
    }

    private static List<String> hops(List<String> headerValues) {
        var hops = new ArrayList<String>();
        for (String value : headerValues) {
            for (String entry : value.split(",", -1)) {
                hops.add(entry.trim());
            }
        }
        return hops;
    }

    /** An address, allowing the port some proxies add ({@code 203.0.113.7:41234}, {@code [2001:db8::7]:41234}). */
    static Optional<InetAddress> address(String entry) {
        String literal = entry;
        if (entry.startsWith("[")) {
            int close = entry.indexOf(']');
            if (close < 0 || !isPortSuffix(entry.substring(close + 1))) {
                return Optional.empty();
            }
            literal = entry.substring(1, close);
        } else {
            int colon = entry.indexOf(':');
            if (colon > 0 && colon == entry.lastIndexOf(':') && entry.indexOf('.') >= 0) {
                if (!isPortSuffix(entry.substring(colon))) {
                    return Optional.empty();
                }
                literal = entry.substring(0, colon);
            }
        }
        return IpLiteral.parse(literal);
    }

    private static boolean isPortSuffix(String suffix) {
        return suffix.isEmpty() || suffix.matches(":\\d{1,5}");
    }
}
