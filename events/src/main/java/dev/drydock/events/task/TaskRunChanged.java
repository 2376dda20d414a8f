package dev.drydock.events.task;

import dev.drydock.events.Require;

import java.time.Instant;
import java.util.List;

/**
 * A task run changed state; {@code finishedAt} is present once the run reached a final state.
 *
 * @param registry the registry the run belongs to (run ids count per registry)
 * @param runType  QuickBuild, QuickRun, AutoBuild or AutoRun
 * @param task     the saved task, absent for quick builds and quick runs
 * @param error    why a run ended Failed, Error, Timeout or Canceled, absent otherwise
 */
public record TaskRunChanged(
        String registry,
        String runId,
        String runType,
        String task,
        RunStatus status,
        List<OutputImage> outputImages,
        Instant startedAt,
        Instant finishedAt,
        String error) {

    public TaskRunChanged {
        Require.text(registry, "registry");
        Require.text(runId, "runId");
        Require.text(runType, "runType");
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
