package io.junction.consume.listen;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a CDI bean that implements {@link jakarta.jms.MessageListener} as a consumer of one of its tenant's
 * destinations, as {@code @MessageDriven} marks one in a Jakarta EE server. The bean is run by
 * {@link ListenerExtension}: each message is committed only when {@code onMessage} returns; an exception rolls it back
 * and the broker delivers it again, then to the tenant's dead-letter address.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface Listener {
    /** The tenant destination: {@code events}, {@code metrics} or {@code alerts} ({@code tenant.ID.<destination>}). */
    String destination();

    /**
     * The shared durable subscription the listener reads, named inside the tenant as {@code tenant.ID.<destination>.<subscription>}:
     * every process running the bean shares it (each message goes to one of them), and nothing published while none
     * runs is lost.
     */
    String subscription();

    /** A JMS message selector on the message properties ({@code severity = 'critical'}); empty: every message. */
    String selector() default "";

    /** Loops receiving at once in this process, each with its own session. */
    int concurrency() default 1;

    /**
     * A subscription of this process's own ({@code <subscription>.<instance>}, the instance named in the settings)
     * rather than one shared with the other processes: each process receives every message, as a store that keeps a
     * full copy in each process needs.
     */
    boolean perInstance() default false;
}
