package prunebench.data;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
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
    private final float[] scale;
    private final float[] shift;
    private final Device device;

    public BatchLoader(ImageData data, ImageData.Split split, boolean augment, Device device) {
        this.data = data;
        this.split = split;
        this.augment = augment;
        this.device = device;
        float[] mean = data.channelMean();
        float[] std = data.channelStd();
        scale = new float[data.channels()];
        shift = new float[data.channels()];
        for (int c = 0; c < scale.length; c++) {
            scale[c] = 1f / (255f * std[c]);
            shift[c] = -mean[c] / std[c];
        }
    }

    public int size() {
        return split.size();
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
     */
    public Batch batch(NDManager manager, int[] order, int b, int batchSize, Random rng) {
        int from = b * batchSize;
        int n = Math.min(batchSize, order.length - from);
        int c = data.channels();
        int h = data.height();
        int w = data.width();
        int sample = c * h * w;
        FloatBuffer x = ByteBuffer.allocateDirect(n * sample * 4).order(ByteOrder.nativeOrder()).asFloatBuffer();
        long[] y = new long[n];
        byte[] px = split.pixels();
        float[] out = new float[sample];
        for (int i = 0; i < n; i++) {
            int idx = order[from + i];
            y[i] = split.labels()[idx];
            int base = idx * sample;
            if (augment) {
                int dy = rng.nextInt(9) - 4;
                int dx = rng.nextInt(9) - 4;
                boolean flip = rng.nextBoolean();
                for (int ch = 0; ch < c; ch++) {
                    for (int yy = 0; yy < h; yy++) {
                        int sy = yy + dy;
                        for (int xx = 0; xx < w; xx++) {
                            int sx = (flip ? w - 1 - xx : xx) + dx;
                            int v = (sy < 0 || sy >= h || sx < 0 || sx >= w) ? 0 : px[base + (ch * h + sy) * w + sx] & 0xFF;
                            out[(ch * h + yy) * w + xx] = v * scale[ch] + shift[ch];
                        }
                    }
                }
            } else {
                int plane = h * w;
                for (int j = 0; j < sample; j++) {
                    int ch = j / plane;
                    out[j] = (px[base + j] & 0xFF) * scale[ch] + shift[ch];
                }
            }
            x.put(out);
        }
        x.rewind();
        NDArray images = manager.create(x, new Shape(n, c, h, w), DataType.FLOAT32).toDevice(device, false);
        NDArray labels = manager.create(y).toDevice(device, false);
        return new Batch(images, labels);
    }

    /** One batch on the target device. */
    public record Batch(NDArray images, NDArray labels) {
        public int size() {
            return Math.toIntExact(labels.size());
        }
    }
}
