package io.github.airflowdbreconcile.resolver;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;

/** Pods as the official chart labels them, for tests that give the command line a (mock) cluster. */
public final class TestPods {
    private TestPods() {}

    /** A Running and Ready pod of {@code component} in release {@code release}, its container named after it. */
    public static Pod ready(String name, String release, String component, String image) {
        return new PodBuilder()
                .withNewMetadata().withName(name).addToLabels("release", release)
                .addToLabels("component", component).endMetadata()
                .withNewSpec().addNewContainer().withName(component).withImage(image).endContainer().endSpec()
                .withNewStatus().withPhase("Running").addNewCondition().withType("Ready").withStatus("True")
                .endCondition().endStatus()
                .build();
    }
}
