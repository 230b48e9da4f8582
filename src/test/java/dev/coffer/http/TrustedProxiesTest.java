package dev.coffer.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coffer.support.Cidr;
import dev.coffer.support.IpLiteral;
import java.net.InetAddress;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Who the client is: X-Forwarded-For walked right to left, across trusted hops only. */
class TrustedProxiesTest {
    private static final TrustedProxies PROXIES = new TrustedProxies(List.of(Cidr.parse("10.0.0.0/8"), Cidr.parse("fd00::/8")));

    record Case(String name, String peer, List<String> forwardedFor, String client) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("untrusted peer: its header is ignored", "198.51.100.9", List.of("203.0.113.7"), "198.51.100.9"),
                new Case("untrusted peer: a spoofed private address is ignored too", "198.51.100.9", List.of("10.1.1.1"), "198.51.100.9"),
                new Case("trusted peer without a header: the peer", "10.0.0.5", List.of(), "10.0.0.5"),
                new Case("one proxy: the address it appended", "10.0.0.5", List.of("203.0.113.7"), "203.0.113.7"),
                new Case("client-written entries left of the first untrusted hop are never read", "10.0.0.5",
                        List.of("1.2.3.4, 5.6.7.8, 203.0.113.7"), "203.0.113.7"),
                new Case("two proxies: walks across the trusted inner hop", "10.0.0.5",
                        List.of("9.9.9.9, 203.0.113.7, 10.0.0.9"), "203.0.113.7"),
                new Case("several header lines read as one list, in order", "10.0.0.5",
                        List.of("9.9.9.9, 203.0.113.7", "10.0.0.9"), "203.0.113.7"),
                new Case("every hop trusted: the leftmost", "10.0.0.5", List.of("10.0.0.7, 10.0.0.9"), "10.0.0.7"),
                new Case("malformed hop: the last trusted hop, never the string", "10.0.0.5",
                        List.of("203.0.113.7, evil.example, 10.0.0.9"), "10.0.0.9"),
                new Case("malformed rightmost entry: the peer", "10.0.0.5", List.of("203.0.113.7, unknown"), "10.0.0.5"),
                new Case("empty entry: the last trusted hop", "10.0.0.5", List.of("203.0.113.7,,"), "10.0.0.5"),
                new Case("a port after the address is allowed", "10.0.0.5", List.of("203.0.113.7:41234"), "203.0.113.7"),
                new Case("IPv6 peer and client", "fd00::1", List.of("2001:db8::7"), "2001:db8:0:0:0:0:0:7"),
                new Case("bracketed IPv6 with a port", "10.0.0.5", List.of("[2001:db8::7]:443"), "2001:db8:0:0:0:0:0:7"),
                new Case("an IPv4 range does not trust an IPv6 peer", "2001:db8::1", List.of("203.0.113.7"), "2001:db8:0:0:0:0:0:1"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void clientOf(Case c) throws Exception {
        assertThat(PROXIES.clientOf(InetAddress.getByName(c.peer()), c.forwardedFor()).getHostAddress()).isEqualTo(c.client());
    }

    @Test
    void noTrustedProxies_alwaysThePeer() throws Exception {
        var nobody = new TrustedProxies(List.of());
        assertThat(nobody.clientOf(InetAddress.getByName("10.0.0.5"), List.of("203.0.113.7")).getHostAddress()).isEqualTo("10.0.0.5");
    }

    static Stream<Arguments> notLiterals() {
        return Stream.of(Arguments.of("localhost"), Arguments.of("example.com"), Arguments.of("256.1.1.1"), Arguments.of("1.2.3"),
                Arguments.of("1.2.3.4.5"), Arguments.of(":::1::"), Arguments.of("fe80::1%eth0"), Arguments.of(".:1"), Arguments.of(""),
                Arguments.of("1.2.3.4:"), Arguments.of("[::1"));
    }

    @ParameterizedTest
    @MethodSource("notLiterals")
    void notAnAddressLiteral_neverResolved(String text) {
        assertThat(TrustedProxies.address(text)).isEmpty();
        assertThat(IpLiteral.parse(text)).isEmpty();
    }
}
