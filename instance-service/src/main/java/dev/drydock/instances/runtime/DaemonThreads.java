package dev.drydock.instances.runtime;

import java.util.concurrent.ThreadFactory;

/** Threads that wait on containers and groups: named for thread dumps, and never holding the JVM open. */
public final class DaemonThreads {

    private DaemonThreads() {
    }

    public static ThreadFactory named(String name) {
        return r -> {
            Thread thread = new Thread(r, name);
            thread.setDaemon(true);
            return thread;
        };
    }
}
