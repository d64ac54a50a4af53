package prunebench.model;

import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;

/**
 * Which source channel every rebuilt channel of a {@link NarrowedNetwork} comes from, worked out once before any
 * block or value is copied, so that the block widths ({@link NarrowedBlockCopier}) and the copied rows and columns
 * ({@link SurvivingValueCopy}) cannot disagree. A channel index of -1 stands for an all-zero padding channel (see
 * {@link NarrowedNetwork} for why convolutions read padded widths).
 */
final class NarrowingPlan {
    private static final int BLOCK = NarrowedNetwork.CHANNEL_BLOCK;

    private final List<ChannelGroup> groups;
    private final List<TiedGroup> ties;
    /** Per group: the source channel of each rebuilt channel, -1 for a zero padding channel. */
    private final Map<String, int[]> sources = new HashMap<>();
    /** Per reader of a narrowed stream (by weight name): the source channel of each rebuilt input channel. */
    private final Map<String, int[]> streamInputs = new HashMap<>();
    private final Map<String, Integer> streamFactors = new HashMap<>();
    /** The layers writing a narrowed stream (the tied groups' members). */
    private final Set<String> streamMembers = new HashSet<>();

    /**
     * @param kept     the surviving channels of every group, by group name, in increasing order
     * @param ties     the tied groups that could go
     * @param tiesKept which of them stay
     */
    NarrowingPlan(List<ChannelGroup> groups, Map<String, int[]> kept, List<TiedGroup> ties, boolean[] tiesKept) {
        this.groups = groups;
        this.ties = ties;
        for (ChannelGroup g : groups) {
            sources.put(g.name(), padded(g, kept.get(g.name())));
        }
        boolean narrowed = false;
        for (boolean k : tiesKept) {
            narrowed |= !k;
        }
        if (!narrowed) {
            return; // the streams keep their whole width, as in a rebuild without tied groups
        }
        Map<String, boolean[]> rowsGone = new HashMap<>();
        Map<String, boolean[]> colsGone = new HashMap<>();
        for (int t = 0; t < ties.size(); t++) {
            for (TiedGroup.Member m : ties.get(t).members()) {
                boolean[] gone = rowsGone.computeIfAbsent(m.layer().name(),
                        n -> new boolean[Math.toIntExact(m.layer().weightShape().get(0))]);
                gone[m.channel()] |= !tiesKept[t];
            }
            for (TiedGroup.Reader r : ties.get(t).readers()) {
                boolean[] gone = colsGone.computeIfAbsent(r.layer().name(),
                        n -> new boolean[Math.toIntExact(r.layer().weightShape().get(1) / r.factor())]);
                gone[r.channel()] |= !tiesKept[t];
                streamFactors.put(r.layer().name(), r.factor());
            }
        }
        rowsGone.forEach((n, gone) -> sources.put(n, streamChannels(gone)));
        streamMembers.addAll(rowsGone.keySet());
        colsGone.forEach((n, gone) -> streamInputs.put(n, streamChannels(gone)));
    }

    /** The source channel of each rebuilt output channel of the layer with weight {@code weight} (null: all kept). */
    int[] outputs(String weight) {
        return sources.get(weight);
    }

    /** Whether the layer with weight {@code weight} writes a narrowed residual stream (a tied group's member). */
    boolean writesStream(String weight) {
        return streamMembers.contains(weight);
    }

    /**
     * The source rows (dimension 0) every narrowed parameter keeps, by parameter name: the producers' weights,
     * biases and BatchNorm parameters and running statistics, of the groups and, with a narrowed stream, of the tied
     * groups' members.
     */
    Map<String, int[]> rows() {
        Map<String, int[]> rows = new HashMap<>();
        for (ChannelGroup g : groups) {
            int[] k = sources.get(g.name());
            rows.put(g.name(), k);
            if (g.bias() != null) {
                rows.put(g.bias(), k);
            }
            if (g.norm() != null) {
                g.norm().all().forEach(n -> rows.put(n, k));
            }
        }
        if (!streamInputs.isEmpty()) {
            for (TiedGroup t : ties) {
                for (TiedGroup.Member m : t.members()) {
                    int[] k = sources.get(m.layer().name());
                    rows.put(m.layer().name(), k);
                    if (m.bias() != null) {
                        rows.put(m.bias(), k);
                    }
                    if (m.norm() != null) {
                        m.norm().all().forEach(n -> rows.put(n, k));
                    }
                }
            }
        }
        return rows;
    }

    /** The source input columns (dimension 1) every narrowed reader's weight keeps, by weight name. */
    Map<String, int[]> columns() {
        Map<String, int[]> cols = new HashMap<>();
        for (ChannelGroup g : groups) {
            int[] k = sources.get(g.name());
            for (ChannelGroup.Consumer c : g.consumers()) {
                cols.put(c.layer().name(), expand(k, c.factor()));
            }
        }
        if (!streamInputs.isEmpty()) {
            streamInputs.forEach((n, k) -> cols.put(n, expand(k, streamFactors.get(n))));
        }
        return cols;
    }

    /**
     * The surviving channels of a stream, then zero channels up to a multiple of
     * {@value NarrowedNetwork#CHANNEL_BLOCK} (never beyond the original width): the same rule for its producers and
     * its readers, so that they agree.
     */
    private static int[] streamChannels(boolean[] gone) {
        int[] kept = IntStream.range(0, gone.length).filter(c -> !gone[c]).toArray();
        int width = kept.length;
        if (width > BLOCK) {
            width = Math.min(gone.length, (width + BLOCK - 1) / BLOCK * BLOCK);
        }
        int[] out = Arrays.copyOf(kept, width);
        Arrays.fill(out, kept.length, width, -1);
        return out;
    }

    /** The kept channels, then -1 (zero channels) up to the width a convolution reads correctly and fast. */
    static int[] padded(ChannelGroup group, int[] kept) {
        boolean convReads = group.consumers().stream()
                .anyMatch(c -> c.layer().kind() == PrunableLayer.Kind.CONV);
        int width = kept.length;
        if (convReads && width > BLOCK) {
            width = Math.min(group.channels(), (width + BLOCK - 1) / BLOCK * BLOCK);
        }
        int[] out = Arrays.copyOf(kept, width);
        Arrays.fill(out, kept.length, width, -1);
        return out;
    }

    /** Input columns of channels {@code kept} when each spans {@code factor} consecutive columns (-1 stays -1). */
    static int[] expand(int[] kept, int factor) {
        int[] out = new int[kept.length * factor];
        for (int i = 0; i < kept.length; i++) {
            for (int j = 0; j < factor; j++) {
                out[i * factor + j] = kept[i] < 0 ? -1 : kept[i] * factor + j;
            }
        }
        return out;
    }
}
