package dev.drydock.events.task;

import dev.drydock.events.Require;

import java.time.Instant;
import java.util.List;

/** A task run changed state; {@code finishedAt} is present once the run reached a final state. */
public record TaskRunChanged(
        String runId,
        String task,
        RunStatus status,
        List<OutputImage> outputImages,
        Instant startedAt,
        Instant finishedAt) {

    public TaskRunChanged {
        Require.text(runId, "runId");
        Require.text(task, "task");
        Require.present(status, "status");
        outputImages = Require.list(outputImages);
    }

    /** ACR Tasks' run states, spelled as ACR spells them. */
    public enum RunStatus {
        Queued, Started, Running, Succeeded, Failed, Canceled, Error, Timeout;

        public boolean isFinal() {
            return switch (this) {
                case Succeeded, Failed, Canceled, Error, Timeout -> true;
                default -> false;
            };
        }
    }

    public record OutputImage(String registry, String repository, String tag, String digest) {
        public OutputImage {
            Require.text(registry, "outputImages[].registry");
            Require.text(repository, "outputImages[].repository");
            Require.text(digest, "outputImages[].digest");
        }
    }
}
