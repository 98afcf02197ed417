package io.github.airflowdbreconcile.resolver;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.airflowdbreconcile.resolver.internal.Cluster;
import io.github.airflowdbreconcile.resolver.internal.Workloads;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** Puts back the workloads a downgrade scaled to 0. */
@Command(name = "restore", description = "Scale the release's writers that a downgrade scaled to 0 back to the count"
        + " recorded in their " + Workloads.ANNOTATION + " annotation, and remove it. Safe to run any time.")
final class RestoreCommand extends BaseCommand {
    @Mixin
    ClusterOptions clusterOptions;

    @Override
    int execute() {
        List<String> changes;
        try (Cluster cluster = clusterOptions.connect()) {
            changes = new Workloads(cluster, log()).restore();
        }
        if (output == Output.json) {
            ObjectNode node = JsonNodeFactory.instance.objectNode();
            changes.forEach(node.putArray("restored")::add);
            out().println(node.toPrettyString());
        } else {
            out().println(changes.isEmpty() ? "nothing to restore" : String.join(System.lineSeparator(), changes));
        }
        out().flush();
        return ExitCodes.OK;
    }
}
