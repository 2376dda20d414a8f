package dev.drydock.events.source;

import dev.drydock.events.Require;

/** Written by producers outside Drydock (a git server hook, a CI job): a commit landed on a branch. */
public record SourceCommitPushed(String repositoryUrl, String branch, String commit, String author, String message) {

    public SourceCommitPushed {
        Require.text(repositoryUrl, "repositoryUrl");
        Require.text(branch, "branch");
        Require.text(commit, "commit");
    }
}
