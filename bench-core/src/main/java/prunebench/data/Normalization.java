package prunebench.data;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * How a pixel level v (0..255) becomes a network input: the value at output position p of channel c is
 * {@code v x scale[c] + shift[p]}. Papers differ here, and a method whose noise or penalty depends on the input's
 * scale and offset (sparse variational dropout's local reparameterisation: the output variance is x^2 sigma^2) does
 * not give the same network under each.
 *
 * <ul>
 *   <li>{@code channel} (the default): (v / 255 - mean_c) / std_c over the training split, torchvision's
 *       Normalize with the data's own moments;
 *   <li>{@code mean_image}: v / 255 minus the training split's mean image, pixel by pixel (Caffe's mean file; the
 *       Theano code of Molchanov et al. 2017, data/reader.py, which divides by 256); an always-black pixel is 0;
 *   <li>{@code unit}: v / 255 in [0, 1], torchvision's ToTensor alone.
 * </ul>
 */
public enum Normalization {
    CHANNEL, MEAN_IMAGE, UNIT;

    /** The YAML spelling, {@code dataset.normalize}. */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static List<String> keys() {
        return Arrays.stream(values()).map(Normalization::key).toList();
    }

    /** The named normalisation; null means the default, {@code channel}. */
    public static Normalization of(String key) {
        if (key == null) {
            return CHANNEL;
        }
        for (Normalization n : values()) {
            if (n.key().equals(key)) {
                return n;
            }
        }
        throw new IllegalArgumentException("unknown normalisation '" + key + "'; valid: " + String.join(", ", keys()));
    }

    /** Per channel, the factor of a pixel level. */
    float[] scale(ImageData data) {
        float[] scale = new float[data.channels()];
        float[] std = this == CHANNEL ? data.channelStd() : null;
        for (int c = 0; c < scale.length; c++) {
            scale[c] = this == CHANNEL ? 1f / (255f * std[c]) : 1f / 255f;
        }
        return scale;
    }

    /** Per output position (C x H x W, channel-major), the offset added. */
    float[] shift(ImageData data) {
        int plane = data.height() * data.width();
        float[] shift = new float[data.channels() * plane];
        switch (this) {
            case CHANNEL -> {
                float[] mean = data.channelMean();
                float[] std = data.channelStd();
                for (int i = 0; i < shift.length; i++) {
                    shift[i] = -mean[i / plane] / std[i / plane];
                }
            }
            case MEAN_IMAGE -> {
                double[] mean = data.meanImage();
                for (int i = 0; i < shift.length; i++) {
                    shift[i] = (float) -mean[i];
                }
            }
            case UNIT -> { }
        }
        return shift;
    }
}
