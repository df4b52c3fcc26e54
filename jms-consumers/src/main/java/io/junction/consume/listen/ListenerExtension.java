package io.junction.consume.listen;

import io.junction.client.ListenerLoop;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Default;
import jakarta.enterprise.inject.spi.AfterBeanDiscovery;
import jakarta.enterprise.inject.spi.AfterDeploymentValidation;
import jakarta.enterprise.inject.spi.Bean;
import jakarta.enterprise.inject.spi.BeanManager;
import jakarta.enterprise.inject.spi.BeforeShutdown;
import jakarta.enterprise.inject.spi.Extension;
import jakarta.enterprise.inject.spi.ProcessAnnotatedType;
import jakarta.enterprise.inject.spi.WithAnnotations;
import jakarta.inject.Singleton;
import jakarta.jms.JMSException;
import jakarta.jms.MessageListener;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The CDI portable extension that finds the {@link Listener} beans as the container starts and runs each on
 * {@link Listener#concurrency} transacted listener loops, reading its shared durable subscription; it stops them
 * (letting each finish and commit the message in hand) as the container shuts down.
 */
public final class ListenerExtension implements Extension {
    private static final Logger LOG = LoggerFactory.getLogger(ListenerExtension.class);
    private static final Duration DRAIN = Duration.ofSeconds(30);

    private final ListenerSettings settings;
    private final List<Object> services;
    private final List<Class<?>> found = new ArrayList<>();
    private final List<ListenerLoop> loops = new CopyOnWriteArrayList<>();

    /** CDI instantiates extensions itself only through a no-argument constructor; Junction passes one in. */
    public ListenerExtension() {
        this(null, List.of());
    }

    /** Runs the listeners with {@code settings}; they may inject the settings and each of {@code services}. */
    public ListenerExtension(ListenerSettings settings, List<Object> services) {
        this.settings = settings;
        this.services = List.copyOf(services);
    }

    <T> void find(@Observes @WithAnnotations(Listener.class) ProcessAnnotatedType<T> type) {
        Class<T> c = type.getAnnotatedType().getJavaClass();
        if (!MessageListener.class.isAssignableFrom(c)) {
            type.veto();
            LOG.error("{} is annotated @Listener but is no jakarta.jms.MessageListener: not run", c.getName());
            return;
        }
        found.add(c);
    }

    /** The settings and the services, as beans of their own classes (singletons, made outside the container). */
    void provide(@Observes AfterBeanDiscovery discovered) {
        List<Object> all = new ArrayList<>(services);
        if (settings != null) {
            all.add(settings);
        }
        for (Object service : all) {
            discovered.addBean().beanClass(service.getClass()).types(Object.class, service.getClass()).scope(Singleton.class)
                    .qualifiers(Default.Literal.INSTANCE, Any.Literal.INSTANCE).createWith(c -> service);
        }
    }

    void start(@Observes AfterDeploymentValidation done, BeanManager beans) {
        if (settings == null) {
            done.addDeploymentProblem(new IllegalStateException("ListenerExtension needs its settings: start listeners with ListenerContainer"));
            return;
        }
        try {
            for (Class<?> c : found) {
                Listener l = c.getAnnotation(Listener.class);
                Bean<?> bean = beans.resolve(beans.getBeans(c));
                for (int i = 1; i <= Math.max(1, l.concurrency()); i++) {
                    // one reference per loop: a dependent bean is an instance per loop, a scoped one is shared (and thread-safe)
                    MessageListener listener = (MessageListener) beans.getReference(bean, c, beans.createCreationalContext(bean));
                    String name = "junction-listener-" + c.getSimpleName() + "-" + i;
                    loops.add(ListenerLoop.start(settings.login(), settings.patience(), s -> s.createSharedDurableConsumer(
                            s.createTopic(settings.address(l)), settings.subscription(l), l.selector().isEmpty() ? null : l.selector()),
                            listener::onMessage, name));
                }
                LOG.info("Listener {} reads {} (subscription {}{}), {} at once", c.getSimpleName(), settings.address(l), settings.subscription(l),
                        l.selector().isEmpty() ? "" : ", selector " + l.selector(), Math.max(1, l.concurrency()));
            }
        } catch (JMSException | RuntimeException e) {
            stopAll();
            done.addDeploymentProblem(e);
        }
    }

    void stop(@Observes BeforeShutdown shutdown) {
        stopAll();
    }

    /** The listener classes found. */
    public List<Class<?>> listeners() {
        return List.copyOf(found);
    }

    /** The loops running, for their figures. */
    public List<ListenerLoop> loops() {
        return List.copyOf(loops);
    }

    /** Stops every loop, letting each finish and commit the message in hand; called before the beans are destroyed. */
    void stopAll() {
        for (ListenerLoop loop : loops) {
            try {
                if (!loop.stop(DRAIN)) {
                    LOG.warn("A listener loop did not stop within {} s", DRAIN.toSeconds());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        loops.clear();
    }
}
