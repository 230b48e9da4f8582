package dev.coffer.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class CidrTest {
    @Test
    void ipv4Block_containsItsAddressesOnly() throws Exception {
        Cidr block = Cidr.parse(" 10.8.0.0/13 ");
        assertThat(block).hasToString("10.8.0.0/13");
        assertThat(block.contains(InetAddress.getByName("10.15.255.255"))).isTrue();
        assertThat(block.contains(InetAddress.getByName("10.16.0.0"))).isFalse();
        assertThat(block.contains(InetAddress.getByName("::ffff:10.9.0.1"))).isTrue();
        assertThat(block.contains(InetAddress.getByName("2001:db8::1"))).isFalse();
    }

    @Test
    void ipv6Block_andSingleAddresses() throws Exception {
        assertThat(Cidr.parse("2001:db8::/32").contains(InetAddress.getByName("2001:db8:ffff::1"))).isTrue();
        assertThat(Cidr.parse("2001:db8::/32").contains(InetAddress.getByName("2001:db9::1"))).isFalse();
        assertThat(Cidr.parse("127.0.0.1")).hasToString("127.0.0.1/32");
        assertThat(Cidr.parse("127.0.0.1").contains(InetAddress.getByName("127.0.0.2"))).isFalse();
        assertThat(Cidr.parse("0.0.0.0/0").contains(InetAddress.getByName("203.0.113.7"))).isTrue();
    }

    @Test
    void invalid_refusedWithTheReason() {
        assertThatThrownBy(() -> Cidr.parse("10.0.0.0/33")).hasMessage("the prefix length 33 is over 32");
        assertThatThrownBy(() -> Cidr.parse("10.0.0.0/x")).hasMessage("the prefix length 'x' is not a number");
        assertThatThrownBy(() -> Cidr.parse("proxy.internal/8")).hasMessage("'proxy.internal' is not an IP address");
        assertThatThrownBy(() -> Cidr.parse("10.0.0.1/8")).hasMessage("it has address bits set past the /8 prefix (the block is 10.0.0.0/8)");
        assertThatThrownBy(() -> Cidr.parse("fd00::1/8")).hasMessageContaining("the block is fd00:0:0:0:0:0:0:0/8");
    }
}
