package io.junction.consume.listen;

import java.util.List;
import org.jboss.weld.environment.se.Weld;
import org.jboss.weld.environment.se.WeldContainer;

/**
 * A CDI container (Weld SE) that runs {@link Listener} beans: {@code beanClasses} are the application's beans (the
 * listeners and what they inject), found without a scan; {@link #close} drains the listeners and stops the container.
 */
public final class ListenerContainer implements AutoCloseable {
    private final WeldContainer container;
    private final ListenerExtension extension;

    private ListenerContainer(WeldContainer container, ListenerExtension extension) {
        this.container = container;
        this.extension = extension;
    }

    /** Starts the container and its listeners; throws if a listener cannot start (the bus refused it, a bad selector). */
    public static ListenerContainer start(ListenerSettings settings, Class<?>... beanClasses) {
        return start(settings, List.of(), beanClasses);
    }

    /**
     * {@link #start(ListenerSettings, Class[])} with {@code services}, objects made outside the container (a store, say)
     * that beans inject by their class, as they inject the settings.
     */
    public static ListenerContainer start(ListenerSettings settings, List<Object> services, Class<?>... beanClasses) {
        ListenerExtension extension = new ListenerExtension(settings, services);
        WeldContainer container = new Weld("junction-consumers-" + System.nanoTime()).disableDiscovery().addBeanClasses(beanClasses)
                .addExtension(extension).initialize();
        return new ListenerContainer(container, extension);
    }

    public ListenerExtension extension() {
        return extension;
    }

    /** A bean of the container (a listener, or what it shares its results through). */
    public <T> T bean(Class<T> type) {
        return container.select(type).get();
    }

    @Override
    public void close() {
        // the loops first: Weld destroys the application-scoped beans before it tells extensions it shuts down
        extension.stopAll();
        container.shutdown();
    }
}
