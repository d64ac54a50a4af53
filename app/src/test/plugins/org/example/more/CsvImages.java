package org.example.more;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import prunebench.data.DatasetException;
import prunebench.data.DatasetProvider;
import prunebench.data.ImageData;

/** A dataset plug-in: 28x28 grayscale images as CSV rows "label,p0,...,p783" (Kaggle's MNIST layout). */
public final class CsvImages implements DatasetProvider {
    private static final int SIDE = 28;

    @Override
    public List<String> names() {
        return List.of("mnist-csv");
    }

    @Override
    public String expectedLayout(String name) {
        return "train.csv and test.csv, one image per row: label,p0,...,p783 (a header line is skipped)";
    }

    @Override
    public boolean isPresent(String name, Path dir) {
        return Files.isRegularFile(dir.resolve("train.csv")) && Files.isRegularFile(dir.resolve("test.csv"));
    }

    @Override
    public ImageData load(String name, Path dir) throws IOException {
        return new ImageData(name, 1, SIDE, SIDE, 10, split(dir.resolve("train.csv")), split(dir.resolve("test.csv")),
                false);
    }

    private static ImageData.Split split(Path file) throws IOException {
        List<String> rows = Files.readAllLines(file).stream()
                .filter(l -> !l.isBlank() && Character.isDigit(l.charAt(0))).toList();
        byte[] pixels = new byte[rows.size() * SIDE * SIDE];
        int[] labels = new int[rows.size()];
        for (int r = 0; r < rows.size(); r++) {
            String[] f = rows.get(r).split(",");
            if (f.length != 1 + SIDE * SIDE) {
                throw new DatasetException(file + ":" + (r + 1) + ": expected " + (1 + SIDE * SIDE) + " values, got "
                        + f.length);
            }
            labels[r] = Integer.parseInt(f[0].trim());
            for (int i = 0; i < SIDE * SIDE; i++) {
                pixels[r * SIDE * SIDE + i] = (byte) Integer.parseInt(f[i + 1].trim());
            }
        }
        return new ImageData.Split(pixels, labels);
    }
}
