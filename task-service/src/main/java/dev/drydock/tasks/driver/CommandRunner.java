package dev.drydock.tasks.driver;

import dev.drydock.tasks.domain.Step;

import java.util.List;

/**
 * Runs a cmd step: an image with arguments, once. In Drydock that is a one-shot container group in
 * instance-service; until that service runs container groups, {@link NoCommandRunner} answers.
 */
public interface CommandRunner {

    /** @throws StepRefusedException when cmd steps cannot run here */
    ChildProcess.Result run(Step step, String image, List<String> arguments, ImageBuilder.StepIo io);
}
