package prunebench.run;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import prunebench.model.Network;
import prunebench.util.AtomicFiles;
import prunebench.util.Json;

/**
 * A dense model in the cache: {@code weights.npz} and, beside it, {@code weights.json} with the file's SHA-256 and
 * size and the identity it was trained for. Loading checks the checksum, then every parameter's name and shape,
 * before it touches the network, so a truncated, bit-flipped, emptied or replaced file, or one of other shapes,
 * is reported with its path instead of being used (or failing every run with "Malformed data"). A cache written
 * before checksums existed is checked by decoding it, and adopted (its checksum written) if it decodes.
 */
final class CachedWeights {
    static final String WEIGHTS = "weights.npz";
    static final String CHECKSUM = "weights.json";

    /** Why a cached model cannot be used, or that there is none. */
    static final class Unusable extends Exception {
        final boolean missing;

        Unusable(String reason, boolean missing) {
            super(reason);
            this.missing = missing;
        }
    }

    private final Path dir;

    CachedWeights(Path dir) {
        this.dir = dir;
    }

    Path weights() {
        return dir.resolve(WEIGHTS);
    }

    /** Writes the weights and then their checksum with the model's identity. */
    void save(Map<String, NDArray> tensors, String identity) throws IOException {
        NDList list = new NDList();
        Map<String, NDArray> copies = new LinkedHashMap<>();
        for (Map.Entry<String, NDArray> e : tensors.entrySet()) {
            NDArray cpu = e.getValue().toDevice(ai.djl.Device.cpu(), true);
            cpu.setName(e.getKey());
            list.add(cpu);
            copies.put(e.getKey(), cpu);
        }
        MessageDigest sha = sha256();
        long[] size = new long[1];
        try {
            AtomicFiles.write(weights(), out -> {
                DigestOutputStream digest = new DigestOutputStream(out, sha);
                CountingStream counted = new CountingStream(digest);
                list.encode(counted, NDList.Encoding.NPZ);
                counted.flush();
                size[0] = counted.count;
            });
        } finally {
            copies.forEach((n, c) -> {
                if (c != tensors.get(n)) {
                    c.close();
                }
            });
        }
        writeChecksum(HexFormat.of().formatHex(sha.digest()), size[0], identity);
    }

    private void writeChecksum(String sha, long bytes, String identity) throws IOException {
        JsonObject o = new JsonObject();
        o.addProperty("file", WEIGHTS);
        o.addProperty("sha256", sha);
        o.addProperty("bytes", bytes);
        o.addProperty("identity", identity);
        AtomicFiles.writeString(dir.resolve(CHECKSUM), Json.pretty().toJson(o));
    }

    /**
     * Loads the weights into {@code network} if they are there and intact; otherwise throws {@link Unusable}
     * saying why, with the network untouched.
     */
    void loadInto(Network network, NDManager manager, String identity) throws Unusable, IOException {
        Path file = weights();
        if (!Files.isRegularFile(file)) {
            throw new Unusable(file + " does not exist", true);
        }
        String expected = expectedSha(file);
        byte[] bytes = Files.readAllBytes(file);
        String actual = HexFormat.of().formatHex(sha256().digest(bytes));
        if (expected != null && !expected.equals(actual)) {
            throw new Unusable(file + " does not match its checksum in " + CHECKSUM + " (truncated, damaged or "
                    + "replaced)", false);
        }
        try (NDManager scope = manager.newSubManager()) {
            Map<String, NDArray> saved = new LinkedHashMap<>();
            try (InputStream in = new java.io.ByteArrayInputStream(bytes)) {
                for (NDArray a : NDList.decode(scope, in)) {
                    saved.put(a.getName(), a);
                }
            } catch (RuntimeException | IOException e) {
                throw new Unusable(file + " cannot be decoded (" + e.getMessage() + ")", false);
            }
            for (Map.Entry<String, Parameter> e : network.allParameters().entrySet()) {
                NDArray a = saved.get(e.getKey());
                if (a == null) {
                    throw new Unusable(file + " lacks parameter " + e.getKey(), false);
                }
                NDArray p = e.getValue().getArray();
                if (!a.getShape().equals(p.getShape()) || a.getDataType() != p.getDataType()) {
                    throw new Unusable(file + ": parameter " + e.getKey() + " is " + a.getDataType() + " "
                            + a.getShape() + ", the model needs " + p.getDataType() + " " + p.getShape(), false);
                }
            }
            for (Map.Entry<String, Parameter> e : network.allParameters().entrySet()) {
                e.getValue().getArray().set(saved.get(e.getKey()).toByteBuffer());
            }
        }
        if (expected == null) {
            writeChecksum(actual, bytes.length, identity); // a cache from before checksums: adopt it
        }
    }

    private String expectedSha(Path file) throws Unusable {
        try {
            JsonObject o = JsonParser.parseString(Files.readString(dir.resolve(CHECKSUM))).getAsJsonObject();
            return o.get("sha256").getAsString();
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException | RuntimeException e) {
            throw new Unusable(dir.resolve(CHECKSUM) + " is unreadable, so " + file + " cannot be checked", false);
        }
    }

    /**
     * Moves the unusable files to {@code corrupt-<n>/} in the model's folder (kept for inspection, never deleted)
     * and returns that folder.
     */
    Path setAside() throws IOException {
        Path aside;
        for (int n = 1; ; n++) {
            aside = dir.resolve("corrupt-" + n);
            if (!Files.exists(aside)) {
                break;
            }
        }
        Files.createDirectories(aside);
        for (String name : new String[] {WEIGHTS, CHECKSUM}) {
            if (Files.exists(dir.resolve(name))) {
                Files.move(dir.resolve(name), aside.resolve(name), StandardCopyOption.ATOMIC_MOVE);
            }
        }
        return aside;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    /** Counts the bytes that pass. */
    private static final class CountingStream extends java.io.FilterOutputStream {
        long count;

        CountingStream(OutputStream out) {
            super(out);
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            count += len;
        }
    }
}
