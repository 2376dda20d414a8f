package dev.drydock.tasks.driver;

import dev.drydock.tasks.domain.Step;
import io.quarkus.arc.DefaultBean;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;

/** The cmd step runner while instance-service cannot run container groups: every cmd step fails with the reason. */
@ApplicationScoped
@DefaultBean
public class NoCommandRunner implements CommandRunner {

    @Override
    public ChildProcess.Result run(Step step, String image, List<String> arguments, ImageBuilder.StepIo io) {
        throw new StepRefusedException("cmd steps run as one-shot container groups in instance-service, which does"
                + " not run container groups yet; this run's build and push steps work today");
    }
}
