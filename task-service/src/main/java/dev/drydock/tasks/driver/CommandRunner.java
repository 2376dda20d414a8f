package dev.drydock.tasks.driver;

import dev.drydock.tasks.domain.Step;

import java.util.List;

/** Runs a cmd step: an image with arguments, once; in Drydock a one-shot container group in instance-service. */
public interface CommandRunner {

    /** @throws StepRefusedException when cmd steps cannot run here */
    ChildProcess.Result run(Step step, String image, List<String> arguments, ImageBuilder.StepIo io);
}
