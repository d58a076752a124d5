package io.edgelb.agent.cli;

import io.edgelb.model.HubSettings;
import io.edgelb.model.sync.CurveKeyFile;
import io.edgelb.uci.edgelb.EdgelbConfigLoader;
import io.edgelb.uci.edgelb.LoadResult;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.zeromq.ZMQ;

/**
 * {@code keygen [--out FILE] [--force]}: writes this agent's CURVE key pair (mode 0600) to the hub
 * section's key_file (default /etc/edgelb/agent.key) and prints the public key, which the hub's
 * operator adds to the hub's agents allow-list. An existing key is kept (its public key is printed)
 * unless --force: replacing it locks the agent out until the hub learns the new key.
 */
final class KeygenCommand {
    private KeygenCommand() {
    }

    static int run(String[] argv, PrintStream out, PrintStream err) {
        Args args = Args.parse(argv, 0, Set.of("out", "config"), Set.of("force"));
        Path file = Path.of(args.option("out", keyFileOf(args.option("config", "/etc/config/edgelb"))));
        try {
            if (Files.exists(file) && !args.flag("force")) {
                CurveKeyFile existing = CurveKeyFile.read(file);
                err.println("edgelb-agent: " + file + " exists; keeping it (--force makes a new pair)");
                out.println(existing.publicKey());
                return 0;
            }
            ZMQ.Curve.KeyPair pair = ZMQ.Curve.generateKeyPair();
            new CurveKeyFile(pair.publicKey, pair.secretKey).write(file, true);
            err.println("edgelb-agent: key pair written to " + file + "; add the public key to the hub's agents:");
            out.println(pair.publicKey);
            return 0;
        } catch (IOException e) {
            err.println("edgelb-agent: " + e.getMessage());
            return 1;
        }
    }

    /** The configured key_file, else the default; a broken or missing config is no reason to fail here. */
    private static String keyFileOf(String config) {
        try {
            LoadResult loaded = EdgelbConfigLoader.load(Path.of(config));
            if (loaded.config() != null && loaded.config().hub().keyFile() != null) {
                return loaded.config().hub().keyFile();
            }
        } catch (IOException | RuntimeException e) {
            // fall through to the default
        }
        return HubSettings.DEFAULT_KEY_FILE;
    }
}
