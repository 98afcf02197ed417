package io.github.airflowdbreconcile.resolver.internal;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketOption;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import javax.net.SocketFactory;
import jdk.net.ExtendedSocketOptions;

/**
 * Sockets with libpq's {@code keepalives_idle}, {@code keepalives_interval} and {@code keepalives_count}, which pgjdbc
 * has no options for. The lock's session sits idle while the downgrade runs; with the operating system's default
 * (two hours on Linux) a firewall or load balancer may drop it long before the first probe. pgjdbc builds this factory
 * from the connection's properties (its {@code socketFactory} option) and turns keepalive itself on.
 */
public final class KeepAliveSocketFactory extends SocketFactory {
    /** The libpq options this factory applies, in seconds and probes. */
    static final Set<String> OPTIONS = Set.of("keepalives_idle", "keepalives_interval", "keepalives_count");
    private static final Map<String, SocketOption<Integer>> SOCKET_OPTIONS = Map.of(
            "keepalives_idle", ExtendedSocketOptions.TCP_KEEPIDLE,
            "keepalives_interval", ExtendedSocketOptions.TCP_KEEPINTERVAL,
            "keepalives_count", ExtendedSocketOptions.TCP_KEEPCOUNT);

    private final Properties properties;

    /** pgjdbc passes the connection's properties, the URL's query options among them. */
    public KeepAliveSocketFactory(Properties properties) {
        this.properties = properties;
    }

    @Override
    public Socket createSocket() throws IOException {
        Socket socket = new Socket();
        for (Map.Entry<String, SocketOption<Integer>> option : SOCKET_OPTIONS.entrySet()) {
            String value = properties.getProperty(option.getKey());
            // A platform without the option, or a value that is no positive number, keeps the system's default,
            // as libpq does where it cannot set one.
            if (value != null && value.strip().matches("[1-9][0-9]{0,8}")
                    && socket.supportedOptions().contains(option.getValue())) {
                socket.setOption(option.getValue(), Integer.valueOf(value.strip()));
            }
        }
        return socket;
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
        return connected(new InetSocketAddress(host, port), null, 0);
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localAddress, int localPort) throws IOException {
        return connected(new InetSocketAddress(host, port), localAddress, localPort);
    }

    @Override
    public Socket createSocket(InetAddress address, int port) throws IOException {
        return connected(new InetSocketAddress(address, port), null, 0);
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
            throws IOException {
        return connected(new InetSocketAddress(address, port), localAddress, localPort);
    }

    private Socket connected(InetSocketAddress remote, InetAddress localAddress, int localPort) throws IOException {
        Socket socket = createSocket();
        if (localAddress != null || localPort != 0) {
            socket.bind(new InetSocketAddress(localAddress, localPort));
        }
        socket.connect(remote);
        return socket;
    }
}
