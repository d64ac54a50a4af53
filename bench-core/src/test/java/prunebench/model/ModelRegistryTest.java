package prunebench.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class ModelRegistryTest {
    @Test
    void serviceLoaderFindsEveryRegisteredModel() {
        ModelRegistry registry = new ModelRegistry();
        assertEquals(List.of("lenet300-100", "lenet300-100-caffe", "lenet300-100-lasagne", "lenet300-100-lottery",
                "lenet300-100-tf",
                "lenet5", "lenet5-caffe", "lenet5-caffe-tf", "mlp1000x3", "resnet110",
                "resnet20", "resnet32", "resnet56", "vgg11", "vgg16", "vgg16-li", "vgg16-lottery", "vgg19"),
                List.copyOf(registry.names()));
        assertEquals(WeightInit.CAFFE_XAVIER, registry.get("mlp1000x3").weightInit());
        assertEquals(WeightInit.LASAGNE_NORMAL, registry.get("lenet300-100-lasagne").weightInit());
        assertEquals(WeightInit.TF_VARIANCE_SCALING, registry.get("lenet300-100-tf").weightInit());
        assertEquals(WeightInit.TF_XAVIER_NORMAL, registry.get("lenet300-100-lottery").weightInit());
        assertEquals(WeightInit.TF_VARIANCE_SCALING, registry.get("lenet5-caffe-tf").weightInit());
        assertEquals(WeightInit.CAFFE_XAVIER, registry.get("lenet5-caffe").weightInit());
        assertEquals(WeightInit.KAIMING_NORMAL, registry.get("resnet56").weightInit());
        assertEquals(WeightInit.PYTORCH_DEFAULT, registry.get("vgg16").weightInit());
    }
}
