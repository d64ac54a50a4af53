package prunebench.train;

/**
 * One line of a run's {@code epochs.csv}.
 *
 * @param stage    pretrain, finetune or sparse (training from initialisation with a mask)
 * @param epoch    1-based epoch within the stage
 * @param lr       learning rate at the epoch's last step
 * @param trainLoss mean training loss over the epoch's examples
 */
public record EpochRecord(
        String stage, int epoch, double lr, double trainLoss, double trainTop1, double testTop1, double testTop5,
        double seconds, double imagesPerSecond) {}
