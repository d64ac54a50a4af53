package prunebench.data;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.Random;
import prunebench.util.Seeds;

/**
 * Assembles normalised float batches from a decoded split. The order of an epoch and its augmentation are drawn
 * from (seed, epoch) alone, so an epoch can be replayed exactly after a resume. The ResNet paper's augmentation
 * (4-pixel zero pad, random crop, horizontal flip) is applied to the raw pixels before normalisation, as
 * torchvision does.
 */
public final class BatchLoader {
    private final ImageData data;
    private final ImageData.Split split;
    private final boolean augment;
    /** shift[p]: the offset of output position p (C x H x W), from the normalisation. */
    private final float[] shift;
    /** levels[c][v] = v * scale[c]: the scaled pixel level v in channel c, before its position's shift. */
    private final float[][] levels;
    private final Device device;
    /** Staging memory reused by every batch (see {@link #batch}); guarded by {@code this}. */
    private ByteBuffer imageStage;
    private ByteBuffer labelStage;
    private float[] sampleStage;

    /** With the default normalisation ({@link Normalization#CHANNEL}). */
    public BatchLoader(ImageData data, ImageData.Split split, boolean augment, Device device) {
        this(data, split, augment, device, Normalization.CHANNEL);
    }

    public BatchLoader(ImageData data, ImageData.Split split, boolean augment, Device device,
            Normalization normalization) {
        this.data = data;
        this.split = split;
        this.augment = augment;
        this.device = device;
        float[] scale = normalization.scale(data);
        shift = normalization.shift(data);
        levels = new float[scale.length][256];
        for (int c = 0; c < scale.length; c++) {
            for (int v = 0; v < 256; v++) {
                levels[c][v] = v * scale[c];
            }
        }
    }

    public int size() {
        return split.size();
    }

    /** The class label of example {@code index} of this split. */
    public int label(int index) {
        return split.labels()[index];
    }

    public int batchesPerEpoch(int batchSize) {
        return (split.size() + batchSize - 1) / batchSize;
    }

    /** Example indices of one epoch: shuffled from (seed, epoch), or in order when {@code shuffle} is false. */
    public int[] order(long seed, int epoch, boolean shuffle) {
        int[] idx = new int[split.size()];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = i;
        }
        if (shuffle) {
            Random r = new Random(Seeds.derive(seed, "order/" + epoch));
            for (int i = idx.length - 1; i > 0; i--) {
                int j = r.nextInt(i + 1);
                int t = idx[i];
                idx[i] = idx[j];
                idx[j] = t;
            }
        }
        return idx;
    }

    /** A random generator for the augmentation of one epoch. */
    public Random augmentation(long seed, int epoch) {
        return new Random(Seeds.derive(seed, "augment/" + epoch));
    }

    /**
     * Builds batch {@code b} of an epoch's order on {@code manager}: images (N, C, H, W) float32 and labels (N)
     * int64. The last batch may be short. {@code rng} is the epoch's augmentation generator, consumed in batch
     * order (ignored when augmentation is off).
     *
     * <p>The batch is assembled in a direct buffer that this loader reuses, then copied once into memory owned by
     * libtorch (the arrays never alias the buffer, so any number of batches may be alive at once). Allocating a
     * fresh direct buffer per batch cost a zero-fill, a second copy inside DJL (which only adopts a
     * {@code ByteBuffer}, not a {@code FloatBuffer} view) and native memory released only by the garbage collector.
     */
    public synchronized Batch batch(NDManager manager, int[] order, int b, int batchSize, Random rng) {
        int from = b * batchSize;
        int n = Math.min(batchSize, order.length - from);
        int c = data.channels();
        int h = data.height();
        int w = data.width();
        int sample = c * h * w;
        int imageBytes = n * sample * Float.BYTES;
        if (imageStage == null || imageStage.capacity() < imageBytes) {
            imageStage = ByteBuffer.allocateDirect(imageBytes).order(ByteOrder.nativeOrder());
            labelStage = ByteBuffer.allocateDirect(n * Long.BYTES).order(ByteOrder.nativeOrder());
            sampleStage = new float[sample];
        }
        FloatBuffer x = imageStage.clear().asFloatBuffer();
        LongBuffer y = labelStage.clear().asLongBuffer();
        byte[] px = split.pixels();
        float[] out = sampleStage;
        for (int i = 0; i < n; i++) {
            int idx = order[from + i];
            y.put(split.labels()[idx]);
            int base = idx * sample;
            if (augment) {
                int dy = rng.nextInt(9) - 4;
                int dx = rng.nextInt(9) - 4;
                boolean flip = rng.nextBoolean();
                for (int ch = 0; ch < c; ch++) {
                    float[] lut = levels[ch];
                    for (int yy = 0; yy < h; yy++) {
                        int sy = yy + dy;
                        int row = base + (ch * h + sy) * w;
                        int o = (ch * h + yy) * w;
                        for (int xx = 0; xx < w; xx++) {
                            int sx = (flip ? w - 1 - xx : xx) + dx;
                            out[o + xx] = ((sy < 0 || sy >= h || sx < 0 || sx >= w) ? lut[0] : lut[px[row + sx] & 0xFF])
                                    + shift[o + xx];
                        }
                    }
                }
            } else {
                int plane = h * w;
                for (int ch = 0; ch < c; ch++) {
                    float[] lut = levels[ch];
                    int from0 = base + ch * plane;
                    int to0 = ch * plane;
                    for (int j = 0; j < plane; j++) {
                        out[to0 + j] = lut[px[from0 + j] & 0xFF] + shift[to0 + j];
                    }
                }
            }
            x.put(out);
        }
        NDArray images = owned(manager, imageStage.slice(0, imageBytes), new Shape(n, c, h, w), DataType.FLOAT32);
        NDArray labels = owned(manager, labelStage.slice(0, n * Long.BYTES), new Shape(n), DataType.INT64);
        return new Batch(images, labels);
    }

    /** A copy of {@code staged} in libtorch's memory on the target device. */
    private NDArray owned(NDManager manager, ByteBuffer staged, Shape shape, DataType type) {
        try (NDArray alias = manager.create(staged.order(ByteOrder.nativeOrder()), shape, type)) {
            return device.equals(alias.getDevice()) ? alias.duplicate() : alias.toDevice(device, true);
        }
    }

    /** One batch on the target device. */
    public record Batch(NDArray images, NDArray labels) {
        public int size() {
            return Math.toIntExact(labels.size());
        }
    }
}
