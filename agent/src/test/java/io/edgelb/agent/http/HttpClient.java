package io.edgelb.agent.http;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** A client for the proxy's tests: writes raw request bytes, reads responses one at a time. */
final class HttpClient implements AutoCloseable {
    record Response(int status, String statusLine, Map<String, String> headers, String body) {
        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        /** The ECHO member's {@code name=value} line. */
        String seen(String name) {
            for (String line : body.split("\n")) {
                if (line.startsWith(name + "=")) {
                    return line.substring(name.length() + 1);
                }
            }
            return null;
        }
    }

    private final Socket socket;
    private final InputStream in;

    HttpClient(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new BufferedInputStream(socket.getInputStream());
    }

    Socket socket() {
        return socket;
    }

    /** The buffered input: after an upgrade, the bytes that follow the 101. */
    InputStream input() {
        return in;
    }

    HttpClient send(String raw) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(raw.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        return this;
    }

    HttpClient get(String path) throws IOException {
        return send("GET " + path + " HTTP/1.1\r\nHost: test\r\n\r\n");
    }

    /** The next response; null when the connection closed before a status line. */
    Response read() throws IOException {
        return read(false);
    }

    /** The next response to a HEAD request: no body, whatever its headers say. */
    Response readHead() throws IOException {
        return read(true);
    }

    private Response read(boolean head) throws IOException {
        String statusLine = HttpMember.line(in);
        if (statusLine == null) {
            return null;
        }
        Map<String, String> headers = new LinkedHashMap<>();
        for (String line = HttpMember.line(in); line != null && !line.isEmpty(); line = HttpMember.line(in)) {
            int colon = line.indexOf(':');
            headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
        }
        int status = Integer.parseInt(statusLine.split(" ")[1]);
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        String te = headers.get("transfer-encoding");
        if (head || status < 200) {
            // no body
        } else if (te != null && te.contains("chunked")) {
            for (int i = 0; i < 1_000_000; i++) {
                int size = Integer.parseInt(HttpMember.line(in).split(";")[0].trim(), 16);
                if (size == 0) {
                    HttpMember.line(in);
                    break;
                }
                body.write(in.readNBytes(size));
                HttpMember.line(in);
            }
        } else if (headers.containsKey("content-length")) {
            body.write(in.readNBytes(Integer.parseInt(headers.get("content-length"))));
        } else if (status >= 200 && status != 204 && status != 304) {
            in.transferTo(body); // delimited by the close
        }
        return new Response(status, statusLine, headers, body.toString(StandardCharsets.ISO_8859_1));
    }

    /** True once the proxy closed the connection (EOF or reset), within the socket's read timeout. */
    boolean closedByPeer() {
        try {
            return in.read() == -1;
        } catch (java.net.SocketTimeoutException e) {
            return false; // still open
        } catch (IOException e) {
            return true; // reset
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
