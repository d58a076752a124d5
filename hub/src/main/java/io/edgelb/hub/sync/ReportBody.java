package io.edgelb.hub.sync;

import io.edgelb.model.json.ConfigJson;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * The body frame of a STATUS message: JSON text, or (from agents with large pools) the same text
 * deflate-compressed (zlib format, first byte 0x78; JSON never starts with it). Inflating stops at
 * a bound derived from the object ceiling, so a small frame cannot unpack into gigabytes.
 */
final class ReportBody {
    /** Largest STATUS body frame on the wire (compressed or not); also the ROUTER's ZMQ_MAXMSGSIZE. */
    static final int MAX_FRAME_BYTES = 1024 * 1024;
    /** About 512 bytes per reported object: every listener and member at the object ceiling. */
    static final int MAX_JSON_BYTES = 2 * ConfigJson.MAX_OBJECTS * 512;

    private ReportBody() {
    }

    /** Why a body was refused; the reason is a fixed metric label. */
    static final class Refused extends Exception {
        final String reason;

        Refused(String reason, String message) {
            super(message, null, false, false);
            this.reason = reason;
        }
    }

    static String text(byte[] body) throws Refused {
        if (body == null || body.length == 0) {
            throw new Refused("json", "no report");
        }
        if (body.length > MAX_FRAME_BYTES) {
            throw new Refused("size", "a body of " + body.length + " bytes, more than " + MAX_FRAME_BYTES);
        }
        byte[] json = (body[0] & 0xff) == 0x78 ? inflate(body) : body;
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(json)).toString();
        } catch (CharacterCodingException e) {
            throw new Refused("encoding", "not UTF-8");
        }
    }

    private static byte[] inflate(byte[] body) throws Refused {
        Inflater inflater = new Inflater();
        try {
            inflater.setInput(body);
            ByteArrayOutputStream out = new ByteArrayOutputStream(body.length * 4);
            byte[] buffer = new byte[64 * 1024];
            while (!inflater.finished()) {
                int n = inflater.inflate(buffer);
                if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
                    throw new Refused("encoding", "a truncated deflate stream");
                }
                if (out.size() + n > MAX_JSON_BYTES) {
                    throw new Refused("size", "inflates to more than " + MAX_JSON_BYTES + " bytes");
                }
                out.write(buffer, 0, n);
            }
            return out.toByteArray();
        } catch (DataFormatException e) {
            throw new Refused("encoding", "not a deflate stream: " + e.getMessage());
        } finally {
            inflater.end();
        }
    }
}
