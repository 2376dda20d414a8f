package dev.drydock.instances.domain;

import dev.drydock.events.instance.InstanceGroupChanged;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a group is doing, as ACI's instanceView shows it: the group's state and address, and per container its
 * current and previous state (Waiting, Running, Terminated with start and finish times, exit code and detail),
 * restart count and events; repeats of an event (same name and message) are counted, not listed again. Shared by
 * the threads supervising a group, so every method is synchronized; stored as JSON with the group.
 */
public final class InstanceView {

    /** States of a group. */
    public static final String PENDING = "Pending";
    public static final String RUNNING = "Running";
    public static final String STOPPED = "Stopped";
    public static final String SUCCEEDED = "Succeeded";
    public static final String FAILED = "Failed";

    /** States of a container. */
    public static final String WAITING = "Waiting";
    public static final String TERMINATED = "Terminated";

    static final int MAX_EVENTS = 50;

    /** A container's state. @param exitCode for Terminated only */
    public record State(String state, Instant startTime, Instant finishTime, Integer exitCode, String detailStatus) {

        public static State waiting(String detail) {
            return new State(WAITING, null, null, null, detail);
        }

        JsonObject json() {
            JsonObject json = new JsonObject().put("state", state);
            if (startTime != null) {
                json.put("startTime", startTime.toString());
            }
            if (finishTime != null) {
                json.put("finishTime", finishTime.toString());
            }
            if (exitCode != null) {
                json.put("exitCode", exitCode);
            }
            return json.put("detailStatus", detailStatus == null ? "" : detailStatus);
        }

        static State of(JsonObject json) {
            if (json == null) {
                return null;
            }
            return new State(json.getString("state"), instant(json.getString("startTime")),
                    instant(json.getString("finishTime")), json.getInteger("exitCode"), json.getString("detailStatus"));
        }
    }

    private static final class Event {
        final String name;
        final String type;
        final String message;
        int count;
        Instant first;
        Instant last;

        Event(String name, String type, String message, int count, Instant first, Instant last) {
            this.name = name;
            this.type = type;
            this.message = message;
            this.count = count;
            this.first = first;
            this.last = last;
        }

        JsonObject json() {
            return new JsonObject().put("count", count).put("firstTimestamp", first.toString())
                    .put("lastTimestamp", last.toString()).put("name", name).put("message", message).put("type", type);
        }

        static Event of(JsonObject json) {
            return new Event(json.getString("name"), json.getString("type"), json.getString("message"),
                    json.getInteger("count"), Instant.parse(json.getString("firstTimestamp")),
                    Instant.parse(json.getString("lastTimestamp")));
        }
    }

    private static final class Container {
        final boolean init;
        State current;
        State previous;
        int restartCount;
        Boolean ready;
        String imageDigest;
        final List<Event> events = new ArrayList<>();

        Container(boolean init) {
            this.init = init;
        }
    }

    private String state;
    private String address;
    private final List<Event> events = new ArrayList<>();
    private final Map<String, Container> containers = new LinkedHashMap<>();

    private InstanceView() {
    }

    /** A group about to be deployed: every container waiting. */
    public static InstanceView pending(GroupSpec spec) {
        InstanceView view = new InstanceView();
        view.state = PENDING;
        for (GroupSpec.Container c : spec.initContainers()) {
            view.containers.put(c.name(), new Container(true));
        }
        for (GroupSpec.Container c : spec.containers()) {
            view.containers.put(c.name(), new Container(false));
        }
        view.containers.values().forEach(c -> c.current = State.waiting(""));
        return view;
    }

    public synchronized String state() {
        return state;
    }

    public synchronized void state(String state) {
        this.state = state;
    }

    public synchronized void address(String address) {
        this.address = address;
    }

    /** Records an event of the group ({@code container} null) or of one container. */
    public synchronized void event(String container, String name, String type, String message) {
        List<Event> list = container == null ? events : containers.get(container).events;
        Instant now = Instant.now();
        for (Event e : list) {
            if (e.name.equals(name) && e.message.equals(message)) {
                e.count++;
                e.last = now;
                return;
            }
        }
        list.add(new Event(name, type, message, 1, now, now));
        if (list.size() > MAX_EVENTS) {
            list.remove(0);
        }
    }

    /** A container's new state; a termination it leaves becomes its previous state (as Kubernetes' lastState). */
    public synchronized void container(String name, State state) {
        Container c = containers.get(name);
        if (c.current != null && c.current.state().equals(TERMINATED)) {
            c.previous = c.current;
        }
        c.current = state;
        if (!state.state().equals(RUNNING)) {
            c.ready = c.ready == null ? null : false;
        }
    }

    public synchronized State current(String name) {
        return containers.get(name).current;
    }

    public synchronized void restarted(String name) {
        containers.get(name).restartCount++;
    }

    public synchronized void ready(String name, boolean ready) {
        containers.get(name).ready = ready;
    }

    public synchronized void imageDigest(String name, String digest) {
        containers.get(name).imageDigest = digest;
    }

    public synchronized String imageDigest(String name) {
        Container c = containers.get(name);
        return c == null ? null : c.imageDigest;
    }

    /** The group-level part of ACI's view: state, events, and the address under {@code ipAddress.ip}. */
    public synchronized JsonObject groupJson() {
        JsonObject json = new JsonObject().put("state", state);
        JsonArray list = new JsonArray();
        events.forEach(e -> list.add(e.json()));
        return json.put("events", list);
    }

    public synchronized String address() {
        return address;
    }

    /** A container's instanceView. */
    public synchronized JsonObject containerJson(String name) {
        Container c = containers.get(name);
        JsonObject json = new JsonObject().put("restartCount", c.restartCount).put("currentState", c.current.json());
        if (c.previous != null) {
            json.put("previousState", c.previous.json());
        }
        if (c.ready != null) {
            json.put("ready", c.ready);
        }
        if (c.imageDigest != null) {
            json.put("imageDigest", c.imageDigest);
        }
        JsonArray list = new JsonArray();
        c.events.forEach(e -> list.add(e.json()));
        return json.put("events", list);
    }

    /** The whole view, as stored. */
    public synchronized JsonObject toJson() {
        JsonObject all = groupJson();
        if (address != null) {
            all.put("address", address);
        }
        JsonObject list = new JsonObject();
        containers.forEach((name, c) -> list.put(name, containerJson(name).put("init", c.init)));
        return all.put("containers", list);
    }

    public static InstanceView fromJson(JsonObject json) {
        InstanceView view = new InstanceView();
        view.state = json.getString("state");
        view.address = json.getString("address");
        json.getJsonArray("events", new JsonArray()).forEach(e -> view.events.add(Event.of((JsonObject) e)));
        JsonObject list = json.getJsonObject("containers", new JsonObject());
        for (String name : list.fieldNames()) {
            JsonObject c = list.getJsonObject(name);
            Container container = new Container(c.getBoolean("init", false));
            container.current = State.of(c.getJsonObject("currentState"));
            container.previous = State.of(c.getJsonObject("previousState"));
            container.restartCount = c.getInteger("restartCount", 0);
            container.ready = c.getBoolean("ready");
            container.imageDigest = c.getString("imageDigest");
            c.getJsonArray("events", new JsonArray()).forEach(e -> container.events.add(Event.of((JsonObject) e)));
            view.containers.put(name, container);
        }
        return view;
    }

    /** The instance.group.changed event this view makes. */
    public synchronized InstanceGroupChanged changed(String group) {
        List<InstanceGroupChanged.Container> list = new ArrayList<>();
        containers.forEach((name, c) -> list.add(new InstanceGroupChanged.Container(name, c.current.state(),
                c.current.exitCode(), c.restartCount)));
        return new InstanceGroupChanged(group, state, list);
    }

    private static Instant instant(String text) {
        return text == null ? null : Instant.parse(text);
    }
}
