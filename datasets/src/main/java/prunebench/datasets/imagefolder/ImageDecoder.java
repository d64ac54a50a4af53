package prunebench.datasets.imagefolder;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;
import prunebench.data.DatasetException;

/** Decodes image files with ImageIO into unsigned-byte channel planes (C x H x W). */
final class ImageDecoder {
    /** Files per parallel task: enough to amortise a task's readers, few enough to balance the cores. */
    private static final int CHUNK = 256;

    private ImageDecoder() {}

    /** Channels (1 for grayscale, 3 for colour), height and width of a decoded image. */
    record Shape(int channels, int height, int width) {
        int size() {
            return channels * height * width;
        }

        @Override
        public String toString() {
            return width + "x" + height + " " + (channels == 1 ? "grayscale" : "colour");
        }
    }

    /** Decodes one file. */
    static BufferedImage read(Path file) {
        try (Readers readers = new Readers()) {
            return readers.read(file);
        }
    }

    static Shape shape(BufferedImage image) {
        ColorModel cm = image.getColorModel();
        boolean gray = !(cm instanceof IndexColorModel) && cm.getColorSpace().getType() == ColorSpace.TYPE_GRAY;
        return new Shape(gray ? 1 : 3, image.getHeight(), image.getWidth());
    }

    /**
     * Decodes {@code files} in parallel, file i into {@code dest} at {@code i * shape.size()}. Every file must
     * have {@code shape}; of those that fail, the first in list order is reported, so the error does not depend
     * on thread timing.
     */
    static void decodeAll(List<Path> files, Shape shape, Path reference, byte[] dest) {
        RuntimeException[] failures = new RuntimeException[files.size()];
        AtomicInteger firstFailure = new AtomicInteger(Integer.MAX_VALUE);
        int chunks = (files.size() + CHUNK - 1) / CHUNK;
        IntStream.range(0, chunks).parallel().forEach(chunk -> {
            try (Readers readers = new Readers()) {
                for (int i = chunk * CHUNK; i < Math.min(files.size(), (chunk + 1) * CHUNK); i++) {
                    if (i > firstFailure.get()) {
                        return;
                    }
                    try {
                        decodeInto(readers, files.get(i), shape, reference, dest, i * shape.size());
                    } catch (RuntimeException e) {
                        failures[i] = e;
                        firstFailure.accumulateAndGet(i, Math::min);
                    }
                }
            }
        });
        int first = firstFailure.get();
        if (first != Integer.MAX_VALUE) {
            throw failures[first] instanceof DatasetException d
                    ? d
                    : new DatasetException(files.get(first) + ": cannot decode (" + failures[first] + ")", failures[first]);
        }
    }

    private static void decodeInto(Readers readers, Path file, Shape shape, Path reference, byte[] dest, int offset) {
        BufferedImage image = readers.read(file);
        Shape found = shape(image);
        if (!found.equals(shape)) {
            throw new DatasetException(file + " is " + found + " but " + reference + " is " + shape
                    + "; all images must have the same size and channel count");
        }
        copyPlanes(image, shape.channels(), dest, offset);
    }

    /** Writes the image as {@code channels} planes of unsigned bytes at {@code dest[offset]}. */
    static void copyPlanes(BufferedImage image, int channels, byte[] dest, int offset) {
        int w = image.getWidth();
        int h = image.getHeight();
        int plane = w * h;
        ColorModel cm = image.getColorModel();
        boolean rawSamples = channels == 1
                || (cm.getColorSpace().isCS_sRGB() && !(cm instanceof IndexColorModel) && !cm.isAlphaPremultiplied());
        if (rawSamples) {
            // Grayscale must come from the raster: getRGB would gamma-convert it. sRGB bands are R, G, B.
            Raster raster = image.getRaster();
            int[] samples = new int[plane];
            for (int c = 0; c < channels; c++) {
                raster.getSamples(0, 0, w, h, c, samples);
                int bits = cm.getComponentSize(c);
                for (int i = 0; i < plane; i++) {
                    dest[offset + c * plane + i] = (byte) toEightBits(samples[i], bits);
                }
            }
        } else {
            // Palettes and other colour spaces: let Java2D convert to sRGB.
            int[] argb = image.getRGB(0, 0, w, h, null, 0, w);
            for (int i = 0; i < plane; i++) {
                dest[offset + i] = (byte) (argb[i] >> 16);
                dest[offset + plane + i] = (byte) (argb[i] >> 8);
                dest[offset + 2 * plane + i] = (byte) argb[i];
            }
        }
    }

    private static int toEightBits(int sample, int bits) {
        if (bits == 8) {
            return sample;
        }
        long max = (1L << bits) - 1;
        return (int) ((sample * 255L + max / 2) / max);
    }

    /**
     * ImageIO readers kept for the files of one task: looking a reader up and creating it costs about as much as
     * decoding a 32x32 JPEG. Each file is read with one bulk read and decoded from memory.
     */
    private static final class Readers implements AutoCloseable {
        private final List<ImageReader> readers = new ArrayList<>();

        BufferedImage read(Path file) {
            try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(Files.readAllBytes(file)))) {
                ImageReader reader = readerFor(in);
                if (reader == null) {
                    throw new DatasetException(file + ": not an image format ImageIO can decode");
                }
                reader.setInput(in, true, true);
                try {
                    return reader.read(0);
                } finally {
                    reader.setInput(null);
                }
            } catch (IOException | RuntimeException e) {
                if (e instanceof DatasetException d) {
                    throw d;
                }
                throw new DatasetException(file + ": cannot decode (" + e + ")", e);
            }
        }

        private ImageReader readerFor(ImageInputStream in) throws IOException {
            for (ImageReader r : readers) {
                if (r.getOriginatingProvider() != null && r.getOriginatingProvider().canDecodeInput(in)) {
                    return r;
                }
            }
            Iterator<ImageReader> found = ImageIO.getImageReaders(in);
            if (!found.hasNext()) {
                return null;
            }
            ImageReader r = found.next();
            readers.add(r);
            return r;
        }

        @Override
        public void close() {
            readers.forEach(ImageReader::dispose);
        }
    }
}
