package prunebench.model;

/** LeNet-300-100: fc300-ReLU-fc100-ReLU-fc10 on flattened inputs (266,610 parameters on 28x28). */
public final class LeNet300100 extends Mlp {
    public LeNet300100() {
        super("lenet300-100", "LeNet-300-100 multilayer perceptron (266,610 parameters on 28x28 inputs)",
                WeightInit.PYTORCH_DEFAULT, 300, 100);
    }
}
