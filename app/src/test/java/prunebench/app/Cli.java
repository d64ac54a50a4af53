package prunebench.app;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import prunebench.cli.Main;
import prunebench.data.ImageData;
import prunebench.testing.SyntheticData;

/** Test helpers: a tiny Fashion-MNIST-shaped dataset in the official IDX layout, and the CLI run in-process. */
final class Cli {
    private Cli() {}

    record Result(int code, String out, String err) {}

    static Result run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** Writes a learnable 10-class 28x28 dataset as gzipped IDX files into {@code dir}. */
    static Path tinyFashionMnist(Path dir) throws IOException {
        Files.createDirectories(dir);
        ImageData d = SyntheticData.create(768, 256, 1, 28, 10, 11);
        writeIdx(dir.resolve("train-images-idx3-ubyte.gz"), d.train(), true);
        writeIdx(dir.resolve("train-labels-idx1-ubyte.gz"), d.train(), false);
        writeIdx(dir.resolve("t10k-images-idx3-ubyte.gz"), d.test(), true);
        writeIdx(dir.resolve("t10k-labels-idx1-ubyte.gz"), d.test(), false);
        return dir;
    }

    static void writeIdx(Path file, ImageData.Split split, boolean images) throws IOException {
        try (OutputStream raw = Files.newOutputStream(file);
                DataOutputStream out = new DataOutputStream(new GZIPOutputStream(raw))) {
            out.writeInt(images ? 2051 : 2049);
            out.writeInt(split.size());
            if (images) {
                out.writeInt(28);
                out.writeInt(28);
                out.write(split.pixels());
            } else {
                for (int l : split.labels()) {
                    out.writeByte(l);
                }
            }
        }
    }
}
