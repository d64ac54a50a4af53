package prunebench.config;

/**
 * Which dataset and where. {@code root} null means: search the standard places. {@code maxTrain}/{@code maxTest}
 * cap the number of examples (the first N of each split) for smoke runs; null means all. {@code augment} null
 * means the dataset's own default (crop+flip for CIFAR, none for MNIST-like data). {@code validation} holds that
 * many training examples out (seeded, stratified by class; after {@code maxTrain}) and reports {@code val_top1} on
 * them; null holds nothing out. {@code content} is not written by the user: it is the fingerprint of the data
 * actually read (see {@code prunebench.data.DataFingerprint}), filled in once the data is loaded, so that a run's
 * identity and the dense cache's change when the data does. {@code normalize} names how pixels become inputs
 * ({@link prunebench.data.Normalization}; null: per-channel mean and std).
 */
public record DatasetSpec(String name, String root, Integer maxTrain, Integer maxTest, Boolean augment,
        String content, Integer validation, @Canonical.OmitWhenNull String normalize) {
    public DatasetSpec(String name, String root, Integer maxTrain, Integer maxTest, Boolean augment,
            String content, Integer validation) {
        this(name, root, maxTrain, maxTest, augment, content, validation, null);
    }

    /** This dataset with {@code dataset.normalize} (null: the default, per-channel mean and std). */
    public DatasetSpec withNormalize(String normalization) {
        return new DatasetSpec(name, root, maxTrain, maxTest, augment, content, validation, normalization);
    }

    /** As written in an experiment file: the content is not known yet. */
    public DatasetSpec(String name, String root, Integer maxTrain, Integer maxTest, Boolean augment,
            Integer validation) {
        this(name, root, maxTrain, maxTest, augment, null, validation);
    }

    /** Without a validation hold-out (the shape before {@code validation} was added). */
    public DatasetSpec(String name, String root, Integer maxTrain, Integer maxTest, Boolean augment) {
        this(name, root, maxTrain, maxTest, augment, null);
    }

    /** This dataset without its location: where the files live does not change a result, what they hold does. */
    public DatasetSpec withoutRoot() {
        return new DatasetSpec(name, null, maxTrain, maxTest, augment, content, validation, normalize);
    }

    /** This dataset with the fingerprint of the data read for it. */
    public DatasetSpec withContent(String fingerprint) {
        return new DatasetSpec(name, root, maxTrain, maxTest, augment, fingerprint, validation, normalize);
    }
}
