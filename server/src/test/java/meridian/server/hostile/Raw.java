package meridian.server.hostile;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.1 spoken by hand over a plain socket, so that the suite sends exactly the bytes an attacker would
 * (any Host, Origin, content type, framing) and depends on no HTTP library of the server or the client.
 */
final class Raw {
    private Raw() {}

    /** A response: status, headers (names lower-cased), body as text. */
    record Response(int status, Map<String, String> headers, String body) {
        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    /** A request with the usual headers; {@code extra} lines ("Name: value") are sent as given. */
    static Response request(int port, String method, String path, String body, String... extra) throws IOException {
        return bytes(port, method, path, body == null ? null : body.getBytes(StandardCharsets.UTF_8), extra);
    }

    static Response bytes(int port, String method, String path, byte[] body, String... extra) throws IOException {
        StringBuilder head = new StringBuilder();
        head.append(method).append(' ').append(path).append(" HTTP/1.1\r\n");
        boolean host = false;
        for (String h : extra) {
            host |= h.regionMatches(true, 0, "Host:", 0, 5);
        }
        if (!host) {
            head.append("Host: 127.0.0.1:").append(port).append("\r\n");
        }
        for (String h : extra) {
            head.append(h).append("\r\n");
        }
        byte[] bytes = body == null ? new byte[0] : body;
        if (body != null) {
            head.append("Content-Length: ").append(bytes.length).append("\r\n");
        }
        head.append("Connection: close\r\n\r\n");
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
            s.setSoTimeout(60_000);
            OutputStream out = s.getOutputStream();
            out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
            out.write(bytes);
            out.flush();
            return read(s.getInputStream());
        }
    }

    static Response read(InputStream in) throws IOException {
        String status = line(in);
        if (status == null) {
            throw new IOException("no response: the connection was closed");
        }
        int code = Integer.parseInt(status.split(" ")[1]);
        Map<String, String> headers = new LinkedHashMap<>();
        for (String l = line(in); l != null && !l.isEmpty(); l = line(in)) {
            int colon = l.indexOf(':');
            headers.put(
                    l.substring(0, colon).strip().toLowerCase(Locale.ROOT),
                    l.substring(colon + 1).strip());
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        if (headers.containsKey("content-length")) {
            body.write(in.readNBytes(Integer.parseInt(headers.get("content-length"))));
        } else if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            for (int n = Integer.parseInt(line(in).split(";")[0].strip(), 16); n > 0; ) {
                body.write(in.readNBytes(n));
                line(in);
                n = Integer.parseInt(line(in).split(";")[0].strip(), 16);
            }
        } else {
            body.write(in.readAllBytes());
        }
        return new Response(code, headers, body.toString(StandardCharsets.UTF_8));
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0) {
            if (c == '\n') {
                int n = sb.length();
                return n > 0 && sb.charAt(n - 1) == '\r' ? sb.substring(0, n - 1) : sb.toString();
            }
            sb.append((char) c);
        }
        return sb.isEmpty() ? null : sb.toString();
    }

    /** {@code [[[ ... ]]]} nested {@code depth} deep. */
    static String nested(int depth) {
        return "[".repeat(depth) + "]".repeat(depth);
    }

    /** A number of {@code digits} digits. */
    static String longNumber(int digits) {
        return "1" + "2".repeat(digits - 1);
    }
}
