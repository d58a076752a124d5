package io.edgelb.uci.system;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;

/**
 * Programs the fast path with nftables: the whole table with {@code nft -f FILE}, health changes with
 * element deletes and adds on {@code nft -f -}. The file stays in the state directory (tmpfs), always
 * matching what is loaded, so that fw4's include hook can load it again after {@code fw4 flush}.
 */
public final class NftDnatBackend implements DnatBackend {
    /** The file name in the state directory; the fw4 hook script loads it from there. */
    public static final String RULESET_FILE = "dnat.nft";

    private final CommandRunner runner;
    private final Path ruleset;
    private final String name;

    /** {@code fw4} when OpenWrt's firewall4 runs beside us (its forward chain needs our include), else {@code nftables}. */
    public NftDnatBackend(CommandRunner runner, Path stateDir, boolean fw4) {
        this.runner = runner;
        this.ruleset = stateDir.resolve(RULESET_FILE);
        this.name = fw4 ? "fw4" : "nftables";
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void replace(List<DnatListener> listeners, Map<String, SlotTable> slots) throws SystemCommandException {
        String text = NftRuleset.render(listeners, slots);
        Path staged = write(ruleset.resolveSibling(RULESET_FILE + ".new"), text);
        runner.run(List.of("nft", "-f", staged.toString()));
        publish(staged);
    }

    @Override
    public void update(List<DnatListener> changed, Map<String, SlotTable> before, Map<String, SlotTable> after,
                       List<DnatListener> all) throws SystemCommandException {
        StringBuilder commands = new StringBuilder();
        for (DnatListener l : changed) {
            commands.append(NftRuleset.elementUpdate(l, before.get(l.id()), after.get(l.id())));
        }
        if (commands.length() == 0) {
            return;
        }
        runner.run(List.of("nft", "-f", "-"), commands.toString());
        // Keep the file equal to the kernel's state, for a reload after a firewall restart.
        publish(write(ruleset.resolveSibling(RULESET_FILE + ".new"), NftRuleset.render(all, after)));
    }

    @Override
    public void remove() throws SystemCommandException {
        // Adding the empty table first makes the delete succeed whether or not it existed.
        runner.run(List.of("nft", "-f", "-"), "table " + NftRuleset.FAMILY + " " + NftRuleset.TABLE + "\n"
                + "delete table " + NftRuleset.FAMILY + " " + NftRuleset.TABLE + "\n");
        try {
            Files.deleteIfExists(ruleset);
        } catch (IOException e) {
            throw new SystemCommandException(List.of("rm", ruleset.toString()), e.getMessage());
        }
    }

    @Override
    public String savedRuleset() {
        return ruleset.toString();
    }

    private static Path write(Path file, String text) throws SystemCommandException {
        try {
            Files.createDirectories(file.getParent());
            Files.write(file, text.getBytes(StandardCharsets.UTF_8));
            return file;
        } catch (IOException e) {
            throw new SystemCommandException(List.of("write", file.toString()), e.toString());
        }
    }

    /** Renames the staged file over the published one, so the hook never reads half a file. */
    private void publish(Path staged) throws SystemCommandException {
        try {
            try {
                Files.move(staged, ruleset, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(staged, ruleset, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new SystemCommandException(List.of("mv", staged.toString(), ruleset.toString()), e.toString());
        }
    }
}
